/**
 * A Redis Cluster's seed nodes written as one text (a flag, an environment
 * variable): URLs separated by commas, split where a URL starts, so that a
 * comma inside a password stays in it.
 *
 * @internal
 */

/** The seed URLs of a comma-separated list (empty entries dropped). */
export const splitSeeds = (text: string): ReadonlyArray<string> =>
  text.split(/,(?=\s*rediss?:\/\/)/i).map((seed) => seed.trim()).filter((seed) => seed !== "" && seed !== ",")
