/**
 * Where every Redis key name is built: the keys of a channel namespace (data,
 * locks, its index, the journal of a durable run, the responses queued for
 * it), the checkpoint store's keys, and BullMQ's prefix and job keys for
 * distributed runs. docs/redis.md describes this layout.
 *
 * - A namespace's keys are `<prefix>{<namespace>}:<kind>:<key>`: `k` for data,
 *   `l` for locks, `r` for the responses queued under a name; and per
 *   namespace `<prefix>{<namespace>}:i:` (the index: a sorted set of the data
 *   keys scored by their expiry), `:j:` (the journal of a durable run, a list),
 *   `:rs:` (the set of response names), `:run:` (the run's record, a hash),
 *   `:e:` (the events its run recorded, a list) and `:lease:` (the run's
 *   lease: its driver's token, with a TTL).
 * - The namespace is the key's **hash tag** (`{…}`): on a Redis Cluster every
 *   key of a run is in one slot, so each script touches one slot, and
 *   different runs spread over the cluster. Standalone Redis ignores tags:
 *   one layout, one code path.
 * - Namespace and key are encoded (`%` → `%25`, `:` → `%3A`, `{` → `%7B`,
 *   `}` → `%7D`, a lone surrogate → `%uXXXX`): no `:` inside them, no brace
 *   (a user's name never makes or ends a tag), and a prefix that is empty or
 *   ends in `:` and has no brace (one with a brace is refused), make every
 *   Redis key name exactly one (prefix, namespace, key), and keep lone
 *   surrogates apart (UTF-8 would turn each into U+FFFD).
 * - Checkpoints are `<prefix>:cp:<id>` (the id encoded the same way) and
 *   BullMQ's keys start with `{<prefix>:bull:<queue>}`: a namespace's keys
 *   start with `<prefix>{`, a checkpoint's with `<prefix>:`, a queue's with
 *   `{` and a `:` right after the prefix (a namespace's encoding has none):
 *   they never meet. A queue is one slot of its own.
 *
 * @internal
 */

/** The escape of a character a segment cannot hold as it is, or `undefined` (every key of a run passes here: no regex). */
const escapeOf = (text: string, i: number, c: number): string | undefined => {
  if (c === 37) return "%25" // %
  if (c === 58) return "%3A" // :
  if (c === 123) return "%7B" // {
  if (c === 125) return "%7D" // }
  if (c < 0xd800 || c > 0xdfff) return undefined
  // A surrogate pair is a real character (UTF-8 holds it); a lone surrogate is escaped.
  if (c <= 0xdbff) {
    const next = text.charCodeAt(i + 1)
    if (next >= 0xdc00 && next <= 0xdfff) return undefined
  } else {
    const previous = i > 0 ? text.charCodeAt(i - 1) : 0
    if (previous >= 0xd800 && previous <= 0xdbff) return undefined
  }
  return `%u${c.toString(16).toUpperCase()}`
}

/** A namespace or key as it appears in a Redis key name: lossless, without `:` and without braces. */
export const encodeSegment = (text: string): string => {
  let out = ""
  let from = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    // Most characters are none of the five kinds: one comparison chain, no call.
    if (c !== 37 && c !== 58 && c !== 123 && c !== 125 && (c < 0xd800 || c > 0xdfff)) continue
    const escaped = escapeOf(text, i, c)
    if (escaped === undefined) continue
    out += text.slice(from, i) + escaped
    from = i + 1
  }
  return from === 0 ? text : out + text.slice(from)
}

const encoded = /%(25|3A|7B|7D|u[0-9A-F]{4})/g
const unescape = (_: string, code: string): string =>
  code === "25"
    ? "%"
    : code === "3A"
    ? ":"
    : code === "7B"
    ? "{"
    : code === "7D"
    ? "}"
    : String.fromCharCode(Number.parseInt(code.slice(1), 16))

/** The inverse of {@link encodeSegment}. */
export const decodeSegment = (text: string): string => text.includes("%") ? text.replace(encoded, unescape) : text

/** Why a key prefix (channel or queue) cannot be used, or `undefined`: a brace would make or end a hash tag. */
export const prefixProblem = (what: string, prefix: string): string | undefined =>
  /[{}]/.test(prefix)
    ? `${what} ${JSON.stringify(prefix)} contains a brace: the keys' hash tags (the {…} that puts a run, or a queue, in one slot of a Redis Cluster) are made by effect-graflow; remove the braces`
    : undefined

/**
 * A prefix that is empty or ends in `:` (one is added), so no prefix's keys
 * fall under another's; one with a brace is a programming error (TypeError).
 */
export const normalizePrefix = (prefix: string): string => {
  const problem = prefixProblem("RedisChannel: the prefix", prefix)
  if (problem !== undefined) throw new TypeError(problem)
  return prefix === "" || prefix.endsWith(":") ? prefix : `${prefix}:`
}

/** The start of every Redis key of a namespace: the prefix, the namespace as the hash tag, `:`. */
export const namespaceBase = (prefix: string, namespace: string): string => `${prefix}{${encodeSegment(namespace)}}:`

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
  /** The events its run recorded (a list of JSON texts; a backend made with `runEvents`). */
  readonly runEvents: string
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
    runEvents: `${base}e:`,
    data: (key) => dataPrefix + encodeSegment(key),
    lock: (key) => lockPrefix + encodeSegment(key),
    responses: (name) => responsePrefix + encodeSegment(name)
  }
}

/**
 * The index of a workflow's runs: a sorted set of run ids scored by their
 * first start (ms), `<prefix>:runs:<workflow>` — one key, in a slot of its own.
 */
export const runsKey = (prefix: string, workflow: string): string => `${prefix}:runs:${encodeSegment(workflow)}`

/**
 * The Pub/Sub channel of the runs' recorded events, `<prefix>:events`: every
 * recorded event is published there (`RunEvents.watch`).
 */
export const eventsChannel = (prefix: string): string => `${prefix}:events`

/** What the checkpoint store's keys start with: `<prefix>:cp:` (then the store's key, encoded). */
export const checkpointBase = (prefix: string): string => `${prefix}:cp:`

/**
 * BullMQ's prefix and queue name for distributed runs: the prefix is
 * `{<prefix>:bull:<queue>}` (a prefix not ending in `:` gets one first), a
 * hash tag of its own: every key of one queue is in one slot of a Redis
 * Cluster, and different queues hash apart. A prefix or queue with a brace is
 * a programming error (TypeError).
 */
export const queueOf = (options: { readonly prefix?: string | undefined; readonly queue?: string | undefined }): {
  readonly prefix: string
  readonly name: string
} => {
  const prefix = options.prefix ?? "graflow:"
  const name = options.queue ?? "effect-graflow"
  const problem = prefixProblem("the prefix", prefix) ??
    (/[{}:]/.test(name) || name === "" ? `the queue ${JSON.stringify(name)} must be a non-empty name without braces or ':'` : undefined)
  if (problem !== undefined) throw new TypeError(`effect-graflow: ${problem}`)
  return { prefix: `{${prefix.endsWith(":") ? prefix : `${prefix}:`}:bull:${name}}`, name }
}

/** What the keys of a queue's jobs start with: BullMQ keeps job `id` at `{bull prefix}:{queue}:{id}`. */
export const jobKeysOf = (queue: { readonly prefix: string; readonly name: string }): string => `${queue.prefix}:${queue.name}:`
