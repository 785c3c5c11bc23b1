/**
 * A Redis Cluster's seed nodes written as one text (a flag, an environment
 * variable): URLs separated by commas, split where a URL starts, so that a
 * comma inside a password stays in it; and a URL as it may be shown (no
 * password). Apart from the connections, so that what only names a server
 * never loads ioredis.
 *
 * @internal
 */

/** The seed URLs of a comma-separated list (empty entries dropped). */
export const splitSeeds = (text: string): ReadonlyArray<string> =>
  text.split(/,(?=\s*rediss?:\/\/)/i).map((seed) => seed.trim()).filter((seed) => seed !== "" && seed !== ",")

/**
 * The URL with its password (or a lone user-info part, which Redis reads as a
 * password) replaced by `***`. The user info ends at the last `@`: a password
 * may hold `@` or `/` unencoded, and a redaction that stopped early would show
 * the rest of it.
 */
export const redactUrl = (given: string): string => {
  // A password may also come as a query parameter (`?password=…`, which ioredis reads).
  const url = given.replace(/([?&](?:password|pass|pwd)=)[^&#]*/gi, "$1***")
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0]
  const at = url.lastIndexOf("@")
  if (scheme === undefined || at < scheme.length) return url
  const info = url.slice(scheme.length, at)
  const colon = info.indexOf(":")
  return `${scheme}${colon >= 0 ? `${info.slice(0, colon)}:***` : "***"}${url.slice(at)}`
}
