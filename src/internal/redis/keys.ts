/**
 * Where every Redis key name is built: the keys of a channel namespace (data,
 * locks, its index, the journal of a durable run, the responses queued for
 * it), the checkpoint store's keys, and BullMQ's prefix and job keys for
 * distributed runs. docs/redis.md describes this layout.
 *
 * - A namespace's keys are `{prefix}{namespace}:{tag}:{key}`: `k` for data,
 *   `l` for locks, `r` for the responses queued under a name; and per
 *   namespace `{prefix}{namespace}:i:` (the index: a sorted set of the data
 *   keys scored by their expiry), `:j:` (the journal of a durable run, a list),
 *   `:rs:` (the set of response names), `:run:` (the run's record, a hash) and
 *   `:lease:` (the run's lease: its driver's token, with a TTL).
 * - Namespace and key are encoded (`%` → `%25`, `:` → `%3A`, a lone surrogate
 *   → `%uXXXX`): no `:` inside them, and a prefix that is empty or ends in `:`,
 *   make every Redis key name exactly one (prefix, namespace, key), and keep
 *   lone surrogates apart (UTF-8 would turn each into U+FFFD).
 * - Checkpoints are `{prefix}:cp:{id}` and BullMQ's keys start with
 *   `{prefix}:bull`: no namespace's keys start with `{prefix}:` (a namespace
 *   is never empty and its encoding has no `:`), so they never meet.
 *
 * @internal
 */

// `%`, `:` and UTF-16 surrogates (paired ones are left as they are).
const special = /[%:\uD800-\uDFFF]/
const specialAll = /%|:|[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF]/g

const escape = (match: string): string => {
  if (match === "%") return "%25"
  if (match === ":") return "%3A"
  if (match.length === 2) return match // a surrogate pair: a real character, UTF-8 holds it
  return `%u${match.charCodeAt(0).toString(16).toUpperCase()}`
}

/** A namespace or key as it appears in a Redis key name: lossless, and without `:`. */
export const encodeSegment = (text: string): string => special.test(text) ? text.replace(specialAll, escape) : text

const encoded = /%(25|3A|u[0-9A-F]{4})/g
const unescape = (_: string, code: string): string =>
  code === "25" ? "%" : code === "3A" ? ":" : String.fromCharCode(Number.parseInt(code.slice(1), 16))

/** The inverse of {@link encodeSegment}. */
export const decodeSegment = (text: string): string => text.includes("%") ? text.replace(encoded, unescape) : text

/** A prefix that is empty or ends in `:` (one is added), so no prefix's keys fall under another's. */
export const normalizePrefix = (prefix: string): string => prefix === "" || prefix.endsWith(":") ? prefix : `${prefix}:`

/** The start of every Redis key of a namespace. */
export const namespaceBase = (prefix: string, namespace: string): string => `${prefix}${encodeSegment(namespace)}:`

/** The Redis keys of one namespace. */
export interface NamespaceKeys {
  /** What every data key starts with (the scripts that walk the index add the member). */
  readonly dataPrefix: string
  /** What every response list starts with. */
  readonly responsePrefix: string
  /** The index: a sorted set of the data keys, scored by their expiry. */
  readonly index: string
  /** The journal of a durable run (a list). */
  readonly journal: string
  /** The set of the names responses were queued under. */
  readonly responseNames: string
  /** The record of the namespace's run (a hash: status, owner, durable, startedAt, endedAt, waitingFor). */
  readonly runRecord: string
  /** The lease of the namespace's run: its driver's token, expiring unless renewed. */
  readonly runLease: string
  /** The key holding a channel key's value. */
  readonly data: (key: string) => string
  /** The key of a channel key's lock. */
  readonly lock: (key: string) => string
  /** The list of the responses queued under a name. */
  readonly responses: (name: string) => string
}

/** The Redis keys of a namespace under a (normalized) prefix. */
export const namespaceKeys = (prefix: string, namespace: string): NamespaceKeys => {
  const base = namespaceBase(prefix, namespace)
  const dataPrefix = `${base}k:`
  const lockPrefix = `${base}l:`
  const responsePrefix = `${base}r:`
  return {
    dataPrefix,
    responsePrefix,
    index: `${base}i:`,
    journal: `${base}j:`,
    responseNames: `${base}rs:`,
    runRecord: `${base}run:`,
    runLease: `${base}lease:`,
    data: (key) => dataPrefix + encodeSegment(key),
    lock: (key) => lockPrefix + encodeSegment(key),
    responses: (name) => responsePrefix + encodeSegment(name)
  }
}

/** What the checkpoint store's keys start with: `{prefix}:cp:` (the key is the checkpoint's id). */
export const checkpointBase = (prefix: string): string => `${prefix}:cp:`

/** BullMQ's prefix and queue name for distributed runs: `{prefix}:bull` (a prefix not ending in `:` gets one first) and the queue. */
export const queueOf = (options: { readonly prefix?: string | undefined; readonly queue?: string | undefined }): {
  readonly prefix: string
  readonly name: string
} => {
  const prefix = options.prefix ?? "graflow:"
  return { prefix: `${prefix.endsWith(":") ? prefix : `${prefix}:`}:bull`, name: options.queue ?? "effect-graflow" }
}

/** What the keys of a queue's jobs start with: BullMQ keeps job `id` at `{bull prefix}:{queue}:{id}`. */
export const jobKeysOf = (queue: { readonly prefix: string; readonly name: string }): string => `${queue.prefix}:${queue.name}:`
