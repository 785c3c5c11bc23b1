/**
 * The Redis backend on ioredis.
 *
 * - **Layout.** Every key is `{prefix}{namespace}:{tag}:{key}`: `k` for data,
 *   `l` for locks, `r` for the responses queued under a name (human in the
 *   loop), and per namespace an index, `{prefix}{namespace}:i:`, a sorted set
 *   of the namespace's data keys scored by their expiry, the journal of a
 *   durable run, `{prefix}{namespace}:j:` (a list), and the set of response
 *   names, `{prefix}{namespace}:rs:`. Namespace
 *   and key are encoded (`%` → `%25`, `:` → `%3A`, a lone surrogate → `%uXXXX`):
 *   no `:` inside them, and a prefix that is empty or ends in `:`, make every
 *   Redis key name exactly one (prefix, namespace, key), and keep lone
 *   surrogates apart (UTF-8 would turn each into U+FFFD).
 * - **Scripts.** Every write is one Lua script that writes the key and its
 *   index entry together, so nothing is ever half-written; `keys`, `entries`,
 *   `clear` and retention read the index, never the keyspace, so they cost what
 *   the namespace holds.
 * - **Values.** JSON text; lists are Redis lists of JSON items (an empty list
 *   is the string "[]"); `undefined` is the empty string, which no JSON text is.
 *
 * @internal
 */
import { Clock, Duration, Effect, Exit, Fiber, Schedule, type Scope } from "effect"
import { KeyValueStore } from "effect/persistence"
import { Redis, type RedisOptions } from "ioredis"
import type { ChannelBackend, ChannelStore, DumpEntry, Retention } from "../ChannelBackend.js"
import {
  ChannelError,
  InvalidValueError,
  type Issue,
  KeyNotFoundError,
  LockTimeoutError,
  WrongTypeError
} from "./channelError.js"
import { describeCause } from "./format.js"
import { freezeParsed, type Json, type Value } from "./json.js"
import { isResultKey } from "./keys.js"

// ---------------------------------------------------------------------------
// encoding of names
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// scripts
// ---------------------------------------------------------------------------

/**
 * Shared by the scripts that write: the server's time, and `track`, which
 * scores a data key in the index by its expiry (`inf` without one, removed
 * when the key is gone) and drops the entries of keys that have expired.
 */
const TRACK = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function track(data, index, member)
  local now = now_ms()
  local p = redis.call('PTTL', data)
  if p == -2 then redis.call('ZREM', index, member)
  elseif p == -1 then redis.call('ZADD', index, 'inf', member)
  else redis.call('ZADD', index, now + p, member) end
  redis.call('ZREMRANGEBYSCORE', index, '-inf', '(' .. now)
end
`

/** TYPE, then GET or LRANGE: `{0}` missing, `{1, text}` a value, `{2, items}` a list, `{3, type}` foreign data. */
const GET = `
local t = redis.call('TYPE', KEYS[1])['ok']
if t == 'string' then return {1, redis.call('GET', KEYS[1])} end
if t == 'list' then return {2, redis.call('LRANGE', KEYS[1], 0, -1)} end
if t == 'none' then return {0} end
return {3, t}`

/**
 * The values set in one tick in one namespace (the results of a group's
 * members, typically), each as SET_VALUE writes it: one script call for all.
 * Called with the number of keys first. KEYS: index, data… ARGV: (text, ttl
 * ('' none), member)… per data key.
 */
const SET_VALUES = `${TRACK}
local now
for i = 2, #KEYS do
  local j = (i - 2) * 3
  local text, ttl, member = ARGV[j + 1], ARGV[j + 2], ARGV[j + 3]
  if ttl == '' then
    redis.call('SET', KEYS[i], text)
    redis.call('ZADD', KEYS[1], 'inf', member)
  else
    redis.call('SET', KEYS[i], text, 'PX', ttl)
    now = now or now_ms()
    redis.call('ZADD', KEYS[1], now + tonumber(ttl), member)
  end
end
if now then redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. now) end
return 1`

/**
 * A value that is not an array: the most common write, so the shortest script.
 * Without a TTL the key never expires (index score `inf`); with one, its index
 * entry expires with it, and entries of keys that have expired are dropped
 * (only writes with a TTL add entries that expire, so pruning on those bounds
 * the index). KEYS: data, index. ARGV: text, ttl ('' none), member.
 */
const SET_VALUE = `${TRACK}
if ARGV[2] == '' then
  redis.call('SET', KEYS[1], ARGV[1])
  redis.call('ZADD', KEYS[2], 'inf', ARGV[3])
else
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  local now = now_ms()
  redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[3])
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. now)
end
return 1`

/** An array written by set: the key becomes a list of its items ("[]" when empty). KEYS: data, index. ARGV: ttl ('' none), member, items… */
const SET_LIST = `${TRACK}
redis.call('DEL', KEYS[1])
if #ARGV > 2 then
  for i = 3, #ARGV, 4000 do
    redis.call('RPUSH', KEYS[1], unpack(ARGV, i, math.min(i + 3999, #ARGV)))
  end
else
  redis.call('SET', KEYS[1], '[]')
end
if ARGV[1] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
track(KEYS[1], KEYS[2], ARGV[2])
return 1`

/**
 * RPUSH/LPUSH one item, creating the list, converting "[]"; ttl set or kept.
 * KEYS: data, index. ARGV: command, ttl ('' keep), item, member. `{n}` the new
 * length, `{-1, first character}` a non-list value, `{-2, type}` foreign data.
 */
const PUSH = `${TRACK}
local t = redis.call('TYPE', KEYS[1])['ok']
local n
if t == 'string' then
  local v = redis.call('GET', KEYS[1])
  if v ~= '[]' then return {-1, string.sub(v, 1, 1)} end
  local kept = redis.call('PTTL', KEYS[1])
  redis.call('DEL', KEYS[1])
  n = redis.call(ARGV[1], KEYS[1], ARGV[3])
  if ARGV[2] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) elseif kept > 0 then redis.call('PEXPIRE', KEYS[1], kept) end
elseif t == 'list' or t == 'none' then
  n = redis.call(ARGV[1], KEYS[1], ARGV[3])
  if ARGV[2] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
else
  return {-2, t}
end
track(KEYS[1], KEYS[2], ARGV[4])
return {n}`

/**
 * Adds on doubles (Lua numbers are IEEE doubles, like JavaScript's) and stores
 * the sum with 17 significant digits, so it parses back to the same double;
 * keeps the TTL. KEYS: data, index. ARGV: delta, member. `{1, text}` the new
 * number, `{-1, first character or 'list'}` not a number, `{-2, type}` foreign
 * data, `{-3}` not finite.
 */
const ADD = `${TRACK}
local t = redis.call('TYPE', KEYS[1])['ok']
local x
if t == 'none' then
  x = tonumber(ARGV[1])
else
  if t == 'list' then return {-1, 'list'} end
  if t ~= 'string' then return {-2, t} end
  local v = redis.call('GET', KEYS[1])
  local c = string.sub(v, 1, 1)
  if not (c == '-' or (c >= '0' and c <= '9')) then return {-1, c} end
  x = tonumber(v) + tonumber(ARGV[1])
end
if x ~= x or x == math.huge or x == -math.huge then return {-3} end
if x == 0 then x = 0 end
local s = string.format('%.17g', x)
if t == 'none' then redis.call('SET', KEYS[1], s) else redis.call('SET', KEYS[1], s, 'KEEPTTL') end
track(KEYS[1], KEYS[2], ARGV[2])
return {1, s}`

/**
 * Compare-and-set of a number (a typed atomicAdd whose schema checked the sum
 * in JavaScript): writes `next` only if the key still holds `expected` ('' for
 * missing); keeps the TTL. KEYS: data, index. ARGV: expected, next, member.
 * `1` written, `0` the value changed meanwhile.
 */
const SET_IF = `${TRACK}
local t = redis.call('TYPE', KEYS[1])['ok']
if ARGV[1] == '' then
  if t ~= 'none' then return 0 end
  redis.call('SET', KEYS[1], ARGV[2])
else
  if t ~= 'string' or redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
  redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
end
track(KEYS[1], KEYS[2], ARGV[3])
return 1`

/** KEYS: data, index. ARGV: member. The number of keys deleted. */
const DELETE = `
local n = redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return n`

/**
 * The live members of the index (stale entries — expired, evicted, deleted by
 * another program — are removed on the way). KEYS: index. ARGV: data prefix.
 */
const LIVE = `
local function live(index, base)
  local out = {}
  for _, m in ipairs(redis.call('ZRANGE', index, 0, -1)) do
    if redis.call('EXISTS', base .. m) == 1 then out[#out + 1] = m else redis.call('ZREM', index, m) end
  end
  return out
end
`

const KEYS_ = `${LIVE}
return live(KEYS[1], ARGV[1])`

/**
 * Every live key with its value: `{member, 1, text, member, 2, items, …}`
 * (results left out, before anything is asked of them: a run's end reads
 * only its other keys). KEYS: index. ARGV: data prefix.
 */
const ENTRIES = `
local out = {}
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if string.sub(m, -11) ~= '.__result__' then
    local k = ARGV[1] .. m
    local t = redis.call('TYPE', k)['ok']
    if t == 'string' then out[#out + 1] = m; out[#out + 1] = 1; out[#out + 1] = redis.call('GET', k)
    elseif t == 'list' then out[#out + 1] = m; out[#out + 1] = 2; out[#out + 1] = redis.call('LRANGE', k, 0, -1)
    elseif t == 'none' then redis.call('ZREM', KEYS[1], m)
    else out[#out + 1] = m; out[#out + 1] = 3; out[#out + 1] = t end
  end
end
return out`

/** Removes every key but the results. KEYS: index. ARGV: data prefix. */
const CLEAR = `
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if string.sub(m, -11) ~= '.__result__' then
    redis.call('UNLINK', ARGV[1] .. m)
    redis.call('ZREM', KEYS[1], m)
  end
end
return 1`

/**
 * Removes every key of the namespace, results included, the index, the journal
 * and the responses. KEYS: index, journal, response names. ARGV: data prefix,
 * response prefix.
 */
const DROP = `
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do redis.call('UNLINK', ARGV[1] .. m) end
for _, m in ipairs(redis.call('SMEMBERS', KEYS[3])) do redis.call('UNLINK', ARGV[2] .. m) end
redis.call('UNLINK', KEYS[1], KEYS[2], KEYS[3])
return 1`

/**
 * Every key of the namespace expires after `ms` at the latest (shorter TTLs are
 * kept), and the index, the journal and the responses with them. KEYS: index,
 * journal, response names. ARGV: data prefix, ms, response prefix.
 */
const EXPIRE = `${TRACK}
local ms = tonumber(ARGV[2])
local now = now_ms()
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local k = ARGV[1] .. m
  local p = redis.call('PTTL', k)
  if p == -2 then redis.call('ZREM', KEYS[1], m)
  elseif p == -1 or p > ms then redis.call('PEXPIRE', k, ms) end
  -- otherwise the key keeps its shorter TTL. Entries keep their scores: the index expires with the
  -- keys (below), and until then a read checks that a key is there (LIVE).
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. now)
for _, m in ipairs(redis.call('SMEMBERS', KEYS[3])) do redis.call('PEXPIRE', ARGV[3] .. m, ms) end
for i = 1, 3 do
  if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('PEXPIRE', KEYS[i], ms) end
end
return 1`

/**
 * Every live key with its kind, payload and PTTL, results included:
 * `{member, 1, text, pttl, member, 2, items, pttl, member, 3, type, pttl, …}`
 * (3: foreign data). KEYS: index. ARGV: data prefix.
 */
const DUMP = `${LIVE}
local out = {}
for _, m in ipairs(live(KEYS[1], ARGV[1])) do
  local k = ARGV[1] .. m
  local t = redis.call('TYPE', k)['ok']
  out[#out + 1] = m
  if t == 'string' then
    out[#out + 1] = 1
    out[#out + 1] = redis.call('GET', k)
  elseif t == 'list' then
    out[#out + 1] = 2
    out[#out + 1] = redis.call('LRANGE', k, 0, -1)
  else
    out[#out + 1] = 3
    out[#out + 1] = t
  end
  out[#out + 1] = redis.call('PTTL', k)
end
return out`

/** Pushes ARGV[from..to] onto a list, in slices Lua's unpack can take. */
const PUSH_RANGE = `
local function push_range(key, from, to)
  for i = from, to, 4000 do
    redis.call('RPUSH', key, unpack(ARGV, i, math.min(i + 3999, to)))
  end
end
`

/**
 * Replaces the namespace's keys (and, with a journal, its journal) in one
 * step. KEYS: index, journal. ARGV: data prefix, with journal ('1'/'0'),
 * number of entries, then per entry: member, ttl ('' none), kind ('1' a value,
 * '2' a list), number of items, the items; then the journal's entries.
 */
const RESTORE = `${TRACK}${PUSH_RANGE}
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do redis.call('UNLINK', ARGV[1] .. m) end
redis.call('DEL', KEYS[1])
local i = 4
for _ = 1, tonumber(ARGV[3]) do
  local m, ttl, kind, n = ARGV[i], ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3])
  local k = ARGV[1] .. m
  i = i + 4
  if kind == '1' then redis.call('SET', k, ARGV[i])
  elseif n == 0 then redis.call('SET', k, '[]')
  else push_range(k, i, i + n - 1) end
  i = i + n
  if ttl ~= '' then redis.call('PEXPIRE', k, ttl) end
  track(k, KEYS[1], m)
end
if ARGV[2] == '1' then
  redis.call('DEL', KEYS[2])
  if i <= #ARGV then push_range(KEYS[2], i, #ARGV) end
end
return 1`

/** The journal's entries, writing the header into an empty one. KEYS: journal. ARGV: header. */
const JOURNAL_OPEN = `
if redis.call('LLEN', KEYS[1]) == 0 then redis.call('RPUSH', KEYS[1], ARGV[1]) end
return redis.call('LRANGE', KEYS[1], 0, -1)`

/**
 * A task's result and its journal entry, in one step. KEYS: data, index,
 * journal. ARGV: entry, member, kind ('1' a value, '2' a list), the text or
 * the items.
 */
const JOURNAL_APPEND = `${PUSH_RANGE}
redis.call('DEL', KEYS[1])
if ARGV[3] == '1' then redis.call('SET', KEYS[1], ARGV[4])
elseif #ARGV == 3 then redis.call('SET', KEYS[1], '[]')
else push_range(KEYS[1], 4, #ARGV) end
redis.call('ZADD', KEYS[2], 'inf', ARGV[2])
redis.call('RPUSH', KEYS[3], ARGV[1])
return 1`

/** Queues a response. KEYS: the name's list, the response names. ARGV: the response, the name's member. */
const RESPOND = `
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[2])
return 1`

/** Deletes the lock key if it still holds our token. ARGV: token. */
const UNLOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

/** Extends the lock's lease if it still holds our token. ARGV: token, lease ms. */
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`

const scripts = {
  GET: [1, GET],
  SET_VALUE: [2, SET_VALUE],
  SET_VALUES: [undefined, SET_VALUES],
  SET_LIST: [2, SET_LIST],
  PUSH: [2, PUSH],
  ADD: [2, ADD],
  SET_IF: [2, SET_IF],
  DELETE: [2, DELETE],
  KEYS: [1, KEYS_],
  ENTRIES: [1, ENTRIES],
  CLEAR: [1, CLEAR],
  DROP: [3, DROP],
  EXPIRE: [3, EXPIRE],
  DUMP: [1, DUMP],
  RESTORE: [2, RESTORE],
  JOURNAL_OPEN: [1, JOURNAL_OPEN],
  JOURNAL_APPEND: [3, JOURNAL_APPEND],
  RESPOND: [2, RESPOND],
  UNLOCK: [1, UNLOCK],
  RENEW: [1, RENEW]
} as const
type ScriptName = keyof typeof scripts
const commandName = (name: ScriptName) => `effectGraflow3${name}`

/** Runs a script defined on the client (EVALSHA, falling back to EVAL). */
const runScript = (
  client: Redis,
  name: ScriptName,
  keys: ReadonlyArray<string>,
  args: ReadonlyArray<string>
): Promise<unknown> => {
  // defineCommand adds the command as a method of the client at run time.
  const command: unknown = Reflect.get(client, commandName(name))
  if (typeof command !== "function") return Promise.reject(new Error(`script ${name} is not defined on the client`))
  return Promise.resolve(command.call(client, ...keys, ...args))
}

/** Runs a script defined without a number of keys: the keys are counted here. */
const runScriptWithKeys = (client: Redis, name: ScriptName, keys: ReadonlyArray<string>, args: ReadonlyArray<string>): Promise<unknown> =>
  runScript(client, name, [`${keys.length}`, ...keys], args)

export const defineScripts = (client: Redis): void => {
  for (const [name, [numberOfKeys, lua]] of Object.entries(scripts)) {
    const command = `effectGraflow3${name}`
    if (typeof Reflect.get(client, command) !== "function") {
      client.defineCommand(command, numberOfKeys === undefined ? { lua } : { numberOfKeys, lua })
    }
  }
}

// ---------------------------------------------------------------------------
// encoding of values
// ---------------------------------------------------------------------------

const UNDEFINED = ""

const encode = (value: Json | undefined): string => value === undefined ? UNDEFINED : JSON.stringify(value)

const kindOfFirst = (first: string): string => {
  switch (first) {
    case "\"":
      return "string"
    case "{":
      return "object"
    case "[":
    case "list":
      return "list"
    case "t":
    case "f":
      return "boolean"
    case "n":
      return "null"
    case "":
      return "undefined"
    default:
      return "number"
  }
}

/** Data we cannot read as a channel value: never retried, since it will not read differently next time. */
class Undecodable extends Error {}

/** Redis did not answer within the command timeout: not retried (the server is stuck or gone, not reconnecting). */
class CommandTimeout extends Error {}

/** A reply field as text, for messages (replies of our scripts are strings or numbers). */
const text = (u: unknown): string => typeof u === "string" ? u : typeof u === "number" ? `${u}` : typeof u

const decode = (key: string, text: string): Value => {
  if (text === UNDEFINED) return undefined
  try {
    const parsed: Json = JSON.parse(text)
    return freezeParsed(parsed)
  } catch {
    throw new Undecodable(`the value under key ${JSON.stringify(key)} is not JSON written by a channel`)
  }
}

type Reply = ReadonlyArray<unknown>

const isReply = (u: unknown): u is Reply => Array.isArray(u)

const absent: unique symbol = Symbol("effect-graflow/redis/absent")

const decodeItems = (key: string, items: unknown): Json => {
  if (!Array.isArray(items)) throw new Undecodable(`unexpected list reply for key ${JSON.stringify(key)}`)
  return freezeParsed(items.map((item: unknown) => {
    if (typeof item !== "string") throw new Undecodable(`a list item under ${JSON.stringify(key)} is not text`)
    const value = decode(key, item)
    if (value === undefined) throw new Undecodable(`a list item under ${JSON.stringify(key)} is empty`)
    return value
  }))
}

/** A `{kind, payload}` reply (GET, ENTRIES) as a value. */
const fromTyped = (key: string, kind: unknown, payload: unknown): Value => {
  switch (kind) {
    case 1:
      return decode(key, text(payload))
    case 2:
      return decodeItems(key, payload)
    default:
      throw new Undecodable(`the key ${JSON.stringify(key)} holds a Redis ${text(payload)}, not a channel value`)
  }
}

/** A GET script reply as a value, `absent` for a missing key. */
const fromGet = (key: string, reply: unknown): Value | typeof absent => {
  if (!isReply(reply)) throw new Undecodable(`unexpected reply for key ${JSON.stringify(key)}`)
  return reply[0] === 0 ? absent : fromTyped(key, reply[0], reply[1])
}

// ---------------------------------------------------------------------------
// the store
// ---------------------------------------------------------------------------

export interface StoreOptions {
  /** Empty, or ending in ":" (see {@link normalizePrefix}). */
  readonly prefix: string
  /** Retries of the operations that are safe to repeat (reads, set, clear). */
  readonly retry: Schedule.Schedule<unknown, ChannelError>
  /** The lease of a lock; it is renewed while the holder runs. */
  readonly lease: number
  /** The command timeout of the client, in ms (for messages). */
  readonly commandTimeout: number | undefined
  /** What a run's namespace gets when the run ends. */
  readonly retention: Retention
}

type CheckSum = (next: number) => ReadonlyArray<Issue> | undefined

/** What stores share: the client, the options, and where background work (lock releases) runs. */
interface Shared {
  readonly client: Redis
  readonly options: StoreOptions
  readonly cork: () => void
  /** The backend's scope: a lock release retried in the background lives as long as the backend. */
  readonly scope: Scope.Scope
}

/**
 * Batches the commands a tick issues into one socket write: the first command
 * of a tick corks the socket, a `nextTick` uncorks it. Concurrent fibers then
 * share writes (the throughput of ioredis's auto-pipelining), while a lone
 * command is written at the end of its tick (none of auto-pipelining's
 * `setImmediate` delay).
 */
const makeCork = (client: Redis) => {
  let corked = false
  const uncork = (stream: Redis["stream"]) => {
    corked = false
    stream.uncork()
  }
  return (): void => {
    if (corked) return
    const stream = client.stream
    if (stream === undefined || stream === null || typeof stream.cork !== "function") return
    corked = true
    stream.cork()
    process.nextTick(uncork, stream)
  }
}

const isTimeout = (error: unknown): boolean => error instanceof Error && error.message === "Command timed out"

/** The ChannelError of a failed command (a timeout says so, and what the command may still do). */
const commandError = (op: string, key: string | undefined, error: unknown, timeout: number | undefined): ChannelError => {
  const cause = isTimeout(error)
    ? new CommandTimeout(
      `Redis did not answer within ${timeout ?? "the"} ms (commandTimeout); the server is stopped, overloaded or unreachable. The command may still be applied if the server answers later`
    )
    : error
  return new ChannelError(key === undefined ? { op, cause } : { op, key, cause })
}

const retriable = (error: ChannelError): boolean => !(error.cause instanceof Undecodable || error.cause instanceof CommandTimeout)

/** The most values one SET_VALUES call writes. */
const SET_BATCH = 1000

const makeStore = (shared: Shared, namespace: string): ChannelStore => {
  const { client, options, cork } = shared
  const base = namespaceBase(options.prefix, namespace)
  const dataPrefix = `${base}k:`
  const lockPrefix = `${base}l:`
  const index = `${base}i:`
  const dataKey = (key: string) => dataPrefix + encodeSegment(key)
  const lockKey = (key: string) => lockPrefix + encodeSegment(key)
  const journalKey = `${base}j:`

  /**
   * The values (not lists) set in one tick: the first is sent at once (a lone
   * `set` waits for nothing), the others made in the same tick are written at
   * its end by one SET_VALUES: a group's members storing their results cost
   * Redis a couple of script calls, not one each. Writes that wait for each
   * other keep their order; only writes made at once share a call.
   */
  let setsOpen = false
  let pendingSets: Array<{
    readonly key: string
    readonly text: string
    readonly ttl: string
    readonly resolve: (reply: unknown) => void
    readonly reject: (error: unknown) => void
  }> = []
  const setOne = (key: string, text: string, ttl: string) =>
    runScript(client, "SET_VALUE", [dataKey(key), index], [text, ttl, encodeSegment(key)])
  const flushSets = () => {
    setsOpen = false
    const batch = pendingSets
    if (batch.length === 0) return
    pendingSets = []
    cork()
    if (batch.length === 1) {
      const one = batch[0]!
      setOne(one.key, one.text, one.ttl).then(one.resolve, one.reject)
      return
    }
    // At most SET_BATCH writes a call: a script holds the server while it runs.
    for (let from = 0; from < batch.length; from += SET_BATCH) {
      const chunk = batch.slice(from, from + SET_BATCH)
      const keys = [index]
      const args: Array<string> = []
      for (const write of chunk) {
        keys.push(dataKey(write.key))
        args.push(write.text, write.ttl, encodeSegment(write.key))
      }
      runScriptWithKeys(client, "SET_VALUES", keys, args).then(
        (reply) => {
          for (const write of chunk) write.resolve(reply)
        },
        (error: unknown) => {
          for (const write of chunk) write.reject(error)
        }
      )
    }
  }
  const setValue = (key: string, text: string, ttl: number | undefined): Promise<unknown> => {
    const ttlArg = ttl === undefined ? "" : `${ttl}`
    if (!setsOpen) {
      setsOpen = true
      process.nextTick(flushSets)
      return setOne(key, text, ttlArg)
    }
    return new Promise<unknown>((resolve, reject) => {
      pendingSets.push({ key, text, ttl: ttlArg, resolve, reject })
    })
  }

  /** One command: a rejection (or a reply we cannot read) is a ChannelError naming the op and key. */
  const call = <A>(op: string, key: string | undefined, run: () => Promise<A>): Effect.Effect<A, ChannelError> =>
    Effect.tryPromise({
      try: () => {
        cork()
        return run()
      },
      catch: (cause) => commandError(op, key, cause, options.commandTimeout)
    })
  /** An operation that may be repeated after a failure (nothing it does depends on how often it ran). */
  const idempotent = <A>(op: string, key: string | undefined, run: () => Promise<A>) => {
    const once = call(op, key, run)
    // The retry machinery is entered only after a failure: the common path is one command.
    return Effect.catch(once, (error) =>
      retriable(error) ? Effect.retry(once, { schedule: options.retry, while: retriable }) : Effect.fail(error))
  }

  const read = (key: string): Effect.Effect<Value | typeof absent, ChannelError> =>
    idempotent("get", key, async () => {
      // A plain GET answers for every value but a list; a list (WRONGTYPE) is read
      // by the script, which looks at the type and reads atomically.
      let text: string | null
      try {
        text = await client.get(dataKey(key))
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith("WRONGTYPE")) throw error
        return fromGet(key, await runScript(client, "GET", [dataKey(key)], []))
      }
      return text === null ? absent : decode(key, text)
    })

  const liveKeys = (op: string) =>
    Effect.map(
      idempotent(op, undefined, () => runScript(client, "KEYS", [index], [dataPrefix])),
      (reply): ReadonlyArray<string> => isReply(reply) ? reply.map((member) => decodeSegment(text(member))) : []
    )

  const push = (op: "append" | "prepend") => (key: string, value: Json, ttl: number | undefined) =>
    Effect.flatMap(
      call(op, key, () =>
        runScript(client, "PUSH", [dataKey(key), index], [
          op === "append" ? "RPUSH" : "LPUSH",
          ttl === undefined ? "" : `${ttl}`,
          encode(value),
          encodeSegment(key)
        ])),
      (reply): Effect.Effect<number, WrongTypeError | ChannelError> => {
        if (isReply(reply) && typeof reply[0] === "number" && reply[0] >= 0) return Effect.succeed(reply[0])
        if (isReply(reply) && reply[0] === -1) {
          return Effect.fail(new WrongTypeError({ key, op, expected: "list", actual: kindOfFirst(text(reply[1])) }))
        }
        return Effect.fail(
          new ChannelError({ op, key, cause: new Undecodable(`the key holds a Redis ${isReply(reply) ? text(reply[1]) : "value"}, not a channel value`) })
        )
      }
    )

  const wrongNumber = (key: string, first: string) =>
    new WrongTypeError({ key, op: "atomicAdd", expected: "number", actual: kindOfFirst(first) })

  const notFinite = (key: string, delta: number) =>
    new InvalidValueError({ key, issues: [{ path: [], message: `adding ${delta} does not give a finite number` }] })

  /** atomicAdd in one script: every finite sum is acceptable. */
  const addDirect = (key: string, delta: number) =>
    Effect.flatMap(
      call("atomicAdd", key, () => runScript(client, "ADD", [dataKey(key), index], [`${delta}`, encodeSegment(key)])),
      (reply): Effect.Effect<number, WrongTypeError | InvalidValueError | ChannelError> => {
        if (isReply(reply) && reply[0] === 1) return Effect.succeed(Number(reply[1]))
        if (isReply(reply) && reply[0] === -1) return Effect.fail(wrongNumber(key, text(reply[1])))
        if (isReply(reply) && reply[0] === -3) return Effect.fail(notFinite(key, delta))
        return Effect.fail(new ChannelError({ op: "atomicAdd", key, cause: new Undecodable("the key holds foreign Redis data") }))
      }
    )

  /**
   * atomicAdd whose sum a schema must accept: read, add and check in
   * JavaScript, then compare-and-set; a concurrent change makes it start over.
   * A sum the schema rejects is never written.
   */
  const addChecked = (key: string, delta: number, checkSum: CheckSum) => {
    const once = Effect.flatMap(
      call("atomicAdd", key, async () => {
        try {
          return await client.get(dataKey(key))
        } catch (error) {
          if (error instanceof Error && error.message.startsWith("WRONGTYPE")) return absent
          throw error
        }
      }),
      (current): Effect.Effect<number | "conflict", WrongTypeError | InvalidValueError | ChannelError> => {
        if (current === absent) return Effect.fail(wrongNumber(key, "list"))
        let base = 0
        if (current !== null) {
          const first = current.slice(0, 1)
          if (!(first === "-" || (first >= "0" && first <= "9"))) return Effect.fail(wrongNumber(key, first))
          base = Number(current)
        }
        const sum = base + delta
        if (!Number.isFinite(sum)) return Effect.fail(notFinite(key, delta))
        const next = sum === 0 ? 0 : sum
        const issues = checkSum(next)
        if (issues !== undefined) return Effect.fail(new InvalidValueError({ key, issues }))
        return Effect.map(
          call("atomicAdd", key, () =>
            runScript(client, "SET_IF", [dataKey(key), index], [current ?? "", JSON.stringify(next), encodeSegment(key)])),
          (written) => written === 1 ? next : "conflict" as const
        )
      }
    )
    return Effect.flatMap(
      Effect.repeat(once, {
        schedule: Schedule.exponential("1 millis", 1.5).pipe(
          Schedule.modifyDelay(({ duration }) => Effect.succeed(Duration.min(duration, Duration.millis(20)))),
          Schedule.jittered,
          Schedule.upTo({ times: 1000 })
        ),
        while: (outcome) => outcome === "conflict"
      }),
      (outcome) =>
        outcome === "conflict"
          ? Effect.fail(new ChannelError({ op: "atomicAdd", key, cause: new Error("the value kept changing: 1000 compare-and-set attempts failed") }))
          : Effect.succeed(outcome)
    )
  }

  // -------------------------------------------------------------------------
  // locks
  // -------------------------------------------------------------------------

  /**
   * Releases a lock token. When the release cannot be sent (the connection
   * dropped), it is retried in the background every 50 ms until it gets
   * through or the lease has passed, so a lock nobody holds lasts at most until
   * Redis is reachable again (plus 50 ms), never a whole lease.
   */
  const release = (key: string, token: string): Effect.Effect<void> => {
    const unlock = call("unlock", key, () => runScript(client, "UNLOCK", [lockKey(key)], [token]))
    const background = unlock.pipe(
      Effect.retry(Schedule.spaced("50 millis").pipe(Schedule.upTo({ duration: Duration.millis(options.lease) }))),
      Effect.catch((error) =>
        Effect.logWarning(`effect-graflow: the lock on ${JSON.stringify(key)} could not be released; it expires with its lease`, error)
      )
    )
    return Effect.catch(Effect.asVoid(unlock), () => Effect.asVoid(Effect.forkIn(background, shared.scope)))
  }

  /**
   * Takes the lock: one attempt first, whatever the timeout, then attempts every
   * 5–25 ms until the timeout has passed. An attempt in flight is never
   * abandoned by the timeout (its answer decides); when the acquisition ends
   * any other way than with the lock (interrupted, or the connection failed
   * while an attempt was in flight), the token is released, so a `SET NX` that
   * went through after all does not leave a lock held by nobody.
   */
  const acquire = (key: string, timeout: number): Effect.Effect<string, LockTimeoutError | ChannelError> =>
    Effect.suspend(() => {
      const token = `${process.pid}:${Math.random().toString(36).slice(2)}:${Date.now().toString(36)}`
      const attempt = call("lock", key, () => client.set(lockKey(key), token, "PX", options.lease, "NX"))
      const loop = Effect.gen(function*() {
        const deadline = (yield* Clock.currentTimeMillis) + timeout
        let delay = 5
        while (true) {
          if ((yield* attempt) === "OK") return token
          const remaining = deadline - (yield* Clock.currentTimeMillis)
          if (remaining <= 0) return yield* new LockTimeoutError({ key, timeout: `${timeout}ms` })
          yield* Effect.sleep(Math.min(delay, remaining))
          delay = Math.min(delay * 1.5, 25)
        }
      })
      // Whatever else ended the acquisition, the token may be on the server: release it (a no-op when it is not).
      return Effect.onExit(loop, (exit) => Exit.isSuccess(exit) ? Effect.void : release(key, token))
    })

  const keepAlive = (key: string, token: string): Effect.Effect<void> =>
    Effect.repeat(
      Effect.flatMap(
        call("lock", key, () => runScript(client, "RENEW", [lockKey(key)], [token, `${options.lease}`])),
        (renewed) =>
          renewed === 1 ? Effect.void : Effect.logWarning(`effect-graflow: the lock on ${JSON.stringify(key)} was lost (its lease expired)`)
      ).pipe(Effect.ignore),
      Schedule.spaced(Math.max(1, Math.floor(options.lease / 3)))
    ).pipe(Effect.asVoid)

  return {
    namespace,
    get: (key) =>
      Effect.flatMap(read(key), (value) =>
        value === absent ? Effect.fail(new KeyNotFoundError({ key })) : Effect.succeed(value)),
    getOrElse: (key, fallback) => Effect.map(read(key), (value) => value === absent ? fallback : value),
    set: (key, value, ttl) =>
      idempotent("set", key, () =>
        Array.isArray(value)
          ? runScript(client, "SET_LIST", [dataKey(key), index], [ttl === undefined ? "" : `${ttl}`, encodeSegment(key), ...value.map(encode)])
          : setValue(key, encode(value), ttl)).pipe(
          Effect.asVoid
        ),
    exists: (key) => idempotent("exists", key, () => client.exists(dataKey(key))).pipe(Effect.map((n) => n > 0)),
    delete: (key) =>
      call("delete", key, () => runScript(client, "DELETE", [dataKey(key), index], [encodeSegment(key)])).pipe(
        Effect.map((n) => n === 1)
      ),
    keys: Effect.map(liveKeys("keys"), (keys) => keys.filter((key) => !isResultKey(key))),
    entries: Effect.flatMap(
      idempotent("entries", undefined, () => runScript(client, "ENTRIES", [index], [dataPrefix])),
      (reply) =>
        Effect.try({
          try: () => {
            const out: Array<readonly [string, Value]> = []
            if (!isReply(reply)) return out
            for (let i = 0; i + 2 < reply.length; i += 3) {
              const key = decodeSegment(text(reply[i]))
              out.push([key, fromTyped(key, reply[i + 1], reply[i + 2])])
            }
            return out
          },
          catch: (cause) => new ChannelError({ op: "entries", cause })
        })
    ),
    clear: idempotent("clear", undefined, () => runScript(client, "CLEAR", [index], [dataPrefix])).pipe(Effect.asVoid),
    append: push("append"),
    prepend: push("prepend"),
    atomicAdd: (key, delta, checkSum) => checkSum === undefined ? addDirect(key, delta) : addChecked(key, delta, checkSum),
    lock: (key, self, lockOptions) =>
      Effect.uninterruptibleMask((restore) =>
        Effect.flatMap(restore(acquire(key, lockOptions.timeout)), (token) =>
          Effect.flatMap(Effect.forkChild(Effect.interruptible(keepAlive(key, token))), (renewer) =>
            restore(self).pipe(Effect.ensuring(Effect.andThen(Fiber.interrupt(renewer), release(key, token))))))
      ),
    retain: (retention) => retain(shared, namespace, retention),
    dump: Effect.flatMap(
      idempotent("dump", undefined, () => runScript(client, "DUMP", [index], [dataPrefix])),
      (reply) =>
        Effect.try({
          try: () => {
            const out: Array<DumpEntry> = []
            if (!isReply(reply)) return out
            for (let i = 0; i + 3 < reply.length; i += 4) {
              const key = decodeSegment(text(reply[i]))
              const pttl = Number(reply[i + 3])
              out.push({ key, value: fromTyped(key, reply[i + 1], reply[i + 2]), ttl: pttl > 0 ? pttl : undefined })
            }
            return out
          },
          catch: (cause) => new ChannelError({ op: "dump", cause })
        })
    ),
    restore: (entries, journal) =>
      Effect.suspend(() => {
        const args: Array<string> = [dataPrefix, journal === undefined ? "0" : "1", `${entries.length}`]
        for (const { key, value, ttl } of entries) {
          const list = Array.isArray(value)
          args.push(encodeSegment(key), ttl === undefined ? "" : `${ttl}`, list ? "2" : "1")
          if (Array.isArray(value)) args.push(`${value.length}`, ...value.map(encode))
          else args.push("1", encode(value))
        }
        if (journal !== undefined) args.push(...journal)
        return idempotent("restore", undefined, () => runScript(client, "RESTORE", [index, journalKey], args))
      }).pipe(Effect.asVoid),
    journal: {
      open: (header) =>
        Effect.map(
          idempotent("journal", undefined, () => runScript(client, "JOURNAL_OPEN", [journalKey], [header])),
          (reply): ReadonlyArray<string> => isReply(reply) ? reply.map(text) : []
        ),
      append: (entry, key, value) =>
        call("journal", key, () =>
          runScript(
            client,
            "JOURNAL_APPEND",
            [dataKey(key), index, journalKey],
            Array.isArray(value)
              ? [entry, encodeSegment(key), "2", ...value.map(encode)]
              : [entry, encodeSegment(key), "1", encode(value)]
          )).pipe(Effect.asVoid)
    },
    awaitResponse: (name, timeout) => awaitResponse(shared, namespace, name, timeout)
  }
}

/** The Redis keys of a namespace's responses: the list of one name, and the set of names. */
const responseKeys = (prefix: string, namespace: string, name: string) => {
  const base = namespaceBase(prefix, namespace)
  return { list: `${base}r:${encodeSegment(name)}`, names: `${base}rs:` }
}

const decodeResponse = (name: string, raw: string): Effect.Effect<Json, ChannelError> =>
  Effect.try({
    try: () => {
      const value = decode(`response ${name}`, raw)
      if (value === undefined) throw new Undecodable(`the response queued under ${JSON.stringify(name)} is empty`)
      return value
    },
    catch: (cause) => new ChannelError({ op: "awaitResponse", key: name, cause })
  })

/**
 * Takes the oldest response queued under `name`: at once when one is queued,
 * otherwise with a blocking BLPOP on a connection of its own (so waiting does
 * not poll, and does not hold up the shared connection), closed when the wait
 * ends or is interrupted.
 */
const awaitResponse = (
  shared: Shared,
  namespace: string,
  name: string,
  timeout: number | undefined
): Effect.Effect<Json | undefined, ChannelError> => {
  const { client, options } = shared
  const { list } = responseKeys(options.prefix, namespace, name)
  const fail = (cause: unknown) => commandError("awaitResponse", name, cause, options.commandTimeout)
  return Effect.flatMap(
    Effect.tryPromise({ try: () => client.lpop(list), catch: fail }),
    (queued): Effect.Effect<Json | undefined, ChannelError> => {
      if (queued !== null) return decodeResponse(name, queued)
      if (timeout !== undefined && timeout <= 0) return Effect.succeed(undefined)
      return Effect.acquireUseRelease(
        Effect.tryPromise({
          try: async () => {
            // No command timeout: the BLPOP's own timeout bounds it.
            const blocking = client.duplicate({ commandTimeout: undefined })
            blocking.on("error", () => {})
            await blocking.connect()
            return blocking
          },
          catch: fail
        }),
        (blocking) =>
          Effect.flatMap(
            Effect.tryPromise({
              // BLPOP takes seconds (decimals allowed); 0 waits as long as it takes.
              try: () => blocking.blpop(list, timeout === undefined ? 0 : Math.max(timeout, 1) / 1000),
              catch: fail
            }),
            (popped) => popped === null ? Effect.succeed(undefined) : decodeResponse(name, popped[1])
          ),
        (blocking) => Effect.sync(() => blocking.disconnect())
      )
    }
  )
}

const retain = (shared: Shared, namespace: string, retention: Retention): Effect.Effect<void, ChannelError> => {
  if (retention._tag === "Keep") return Effect.void
  const base = namespaceBase(shared.options.prefix, namespace)
  const args = retention._tag === "Delete" ? [`${base}k:`, `${base}r:`] : [`${base}k:`, `${retention.millis}`, `${base}r:`]
  return Effect.tryPromise({
    try: () => {
      shared.cork()
      return runScript(
        shared.client,
        retention._tag === "Delete" ? "DROP" : "EXPIRE",
        [`${base}i:`, `${base}j:`, `${base}rs:`],
        args
      )
    },
    catch: (cause) => commandError(retention._tag === "Delete" ? "drop" : "retain", undefined, cause, shared.options.commandTimeout)
  }).pipe(Effect.asVoid)
}

// ---------------------------------------------------------------------------
// connection
// ---------------------------------------------------------------------------

/** Options that keep every operation's failure a ChannelError and never resend a command by itself. */
export const safeClientOptions: Omit<RedisOptions, "replyMapping"> = {
  lazyConnect: true,
  // A command in flight when the connection drops is not resent (it may have run).
  autoResendUnfulfilledCommands: false,
  // Commands fail at once while disconnected; the channel's retry Schedule decides.
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0
}

/**
 * The URL with its password (or a lone user-info part, which Redis reads as a
 * password) replaced by `***`. The user info ends at the last `@`: a password
 * may hold `@` or `/` unencoded, and a redaction that stopped early would show
 * the rest of it.
 */
export const redactUrl = (url: string): string => {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0]
  const at = url.lastIndexOf("@")
  if (scheme === undefined || at < scheme.length) return url
  const info = url.slice(scheme.length, at)
  const colon = info.indexOf(":")
  return `${scheme}${colon >= 0 ? `${info.slice(0, colon)}:***` : "***"}${url.slice(at)}`
}

/** Why a connection could not be made, in words (no credentials, no command arguments). */
class ConnectFailure extends Error {}

/** A connect failure in words: why, never the credentials (ioredis's auth errors carry the AUTH command's arguments). */
export const connectFailure = (error: unknown, url: string, options: Omit<RedisOptions, "replyMapping">): Error => {
  const code = error instanceof Error ? Reflect.get(error, "code") : undefined
  const message = describeCause(error)
  const where = redactUrl(url)
  let reason: string
  if (code === "ECONNREFUSED") reason = `connection refused (no Redis listening at ${where})`
  else if (code === "ENOTFOUND" || code === "EAI_AGAIN") reason = `unknown host in ${where}`
  else if (isTimeout(error)) {
    reason = `${where} accepted the connection but did not answer within ${options.commandTimeout ?? "the"} ms (commandTimeout)`
  } else if (code === "ETIMEDOUT" || /ETIMEDOUT/.test(message)) {
    reason = `no connection to ${where} within ${options.connectTimeout ?? 10_000} ms (connectTimeout)`
  } else if (/^(WRONGPASS|NOAUTH|ERR AUTH|ERR invalid password|ERR Client sent AUTH)/.test(message)) {
    reason = `authentication failed at ${where}: ${message.split(".")[0]}`
  } else reason = `${message.split("\n")[0]} (${where})`
  const failure = new ConnectFailure(reason)
  if (typeof code === "string") Object.assign(failure, { code })
  return failure
}

/** Why a URL cannot be used, or `undefined`. */
const urlProblem = (url: string): string | undefined => {
  if (!url.includes("://")) return undefined // a Unix socket path, or host:port: ioredis reads these itself
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return `invalid Redis URL ${JSON.stringify(redactUrl(url))}: it does not parse (check the port and special characters)`
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    return `invalid Redis URL ${JSON.stringify(redactUrl(url))}: the scheme must be redis:// or rediss://`
  }
  return undefined
}

/** Connects a client we own; closes it (QUIT, then waits for the socket to end) with the scope. */
export const acquireClient = (
  url: string,
  redisOptions: Omit<RedisOptions, "replyMapping">
): Effect.Effect<Redis, ChannelError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.suspend(() => {
      const problem = urlProblem(url)
      if (problem !== undefined) return Effect.fail(new ChannelError({ op: "connect", cause: new ConnectFailure(problem) }))
      return Effect.tryPromise({
        try: async () => {
          const client = new Redis(url, { ...redisOptions, ...safeClientOptions })
          // The last failure ioredis reported: connect() itself only says "Connection is closed.".
          let last: unknown
          client.on("error", (error) => {
            last = error
          })
          try {
            await client.connect()
            return client
          } catch (error) {
            client.disconnect()
            // disconnect() half-closes the socket; a server that never answers would keep it open.
            client.stream?.destroy()
            throw connectFailure(last ?? error, url, redisOptions)
          }
        },
        catch: (cause) =>
          new ChannelError({
            op: "connect",
            cause: cause instanceof ConnectFailure ? cause : connectFailure(cause, url, redisOptions)
          })
      })
    }),
    (client) =>
      Effect.callback<void>((resume) => {
        if (client.status === "end") return resume(Effect.void)
        client.once("end", () => resume(Effect.void))
        client.quit().catch(() => client.disconnect())
      })
  )

export const makeBackend = (client: Redis, options: StoreOptions, scope: Scope.Scope): ChannelBackend => {
  defineScripts(client)
  const shared: Shared = { client, options, cork: makeCork(client), scope }
  return {
    name: "redis",
    defaultRetention: options.retention,
    open: (namespace) => Effect.sync(() => makeStore(shared, namespace)),
    drop: (namespace) => retain(shared, namespace, { _tag: "Delete" }),
    respond: (namespace, name, value) => {
      const keys = responseKeys(options.prefix, namespace, name)
      return Effect.tryPromise({
        try: () => {
          shared.cork()
          return runScript(client, "RESPOND", [keys.list, keys.names], [encode(value), encodeSegment(name)])
        },
        catch: (cause) => commandError("respond", name, cause, options.commandTimeout)
      }).pipe(Effect.asVoid)
    }
  }
}

// ---------------------------------------------------------------------------
// checkpoint store
// ---------------------------------------------------------------------------

/**
 * A KeyValueStore on the client, for the checkpoint store: key `k` is the
 * Redis key `{prefix}:cp:{k}`. No namespace's keys start with `{prefix}:`
 * (a namespace is never empty and its encoding has no `:`), so they never
 * meet a channel's. `keys`, `size` and `clear` scan the store's keys (the
 * checkpoint store does not use them).
 */
export const makeKeyValueStore = (client: Redis, prefix: string): KeyValueStore.KeyValueStore => {
  const base = `${prefix}:cp:`
  const attempt = <A>(method: string, key: string, run: () => Promise<A>) =>
    Effect.tryPromise({
      try: run,
      catch: (cause) => new KeyValueStore.KeyValueStoreError({ method, key, message: describeCause(cause), cause })
    })
  const scan = (method: string) =>
    attempt(method, base, async () => {
      const found: Array<string> = []
      let cursor = "0"
      do {
        const [next, batch] = await client.scan(cursor, "MATCH", `${base}*`, "COUNT", 1000)
        cursor = next
        for (const key of batch) found.push(key.slice(base.length))
      } while (cursor !== "0")
      return found
    })
  return KeyValueStore.makeStringOnly({
    get: (key) => Effect.map(attempt("get", key, () => client.get(base + key)), (value) => value ?? undefined),
    set: (key, value) => Effect.asVoid(attempt("set", key, () => client.set(base + key, value))),
    remove: (key) => Effect.asVoid(attempt("remove", key, () => client.del(base + key))),
    keys: scan("keys"),
    size: Effect.map(scan("size"), (keys) => keys.length),
    clear: Effect.flatMap(scan("clear"), (keys) =>
      Effect.forEach(keys, (key) => attempt("clear", key, () => client.del(base + key)), { discard: true }))
  })
}
