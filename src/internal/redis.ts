/**
 * The Redis backend on ioredis. Every multi-step operation is one Lua script,
 * so nothing is ever half-written; values are JSON text; lists are Redis lists
 * of JSON items (an empty list is the string "[]"); `undefined` is the empty
 * string, which no JSON text is.
 *
 * @internal
 */
import { Duration, Effect, Fiber, Schedule } from "effect"
import type { Scope } from "effect"
import { Redis, type RedisOptions } from "ioredis"
import type { ChannelBackend, ChannelStore } from "../ChannelBackend.js"
import { isResultKey } from "../ChannelBackend.js"
import { ChannelError, InvalidValueError, KeyNotFoundError, LockTimeoutError, WrongTypeError } from "../ChannelError.js"
import { freezeParsed, type Json, type Value } from "./json.js"

// ---------------------------------------------------------------------------
// scripts
// ---------------------------------------------------------------------------

/** TYPE, then GET or LRANGE: `{0}` missing, `{1, text}` a value, `{2, items}` a list, `{3, type}` foreign data. */
const GET = `
local t = redis.call('TYPE', KEYS[1])['ok']
if t == 'string' then return {1, redis.call('GET', KEYS[1])} end
if t == 'list' then return {2, redis.call('LRANGE', KEYS[1], 0, -1)} end
if t == 'none' then return {0} end
return {3, t}`

/** An array written by set: the key becomes a list of its items ("[]" when empty). ARGV: ttl ('' none), items… */
const SET_LIST = `
redis.call('DEL', KEYS[1])
if #ARGV > 1 then
  for i = 2, #ARGV, 4000 do
    redis.call('RPUSH', KEYS[1], unpack(ARGV, i, math.min(i + 3999, #ARGV)))
  end
else
  redis.call('SET', KEYS[1], '[]')
end
if ARGV[1] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return 1`

/**
 * RPUSH/LPUSH one item, creating the list, converting "[]"; ttl set or kept.
 * ARGV: command, ttl ('' keep), item. `{n}` the new length, `{-1, first character}`
 * a non-list value, `{-2, type}` foreign data.
 */
const PUSH = `
local t = redis.call('TYPE', KEYS[1])['ok']
if t == 'string' then
  local v = redis.call('GET', KEYS[1])
  if v ~= '[]' then return {-1, string.sub(v, 1, 1)} end
  local kept = redis.call('PTTL', KEYS[1])
  redis.call('DEL', KEYS[1])
  local n = redis.call(ARGV[1], KEYS[1], ARGV[3])
  if ARGV[2] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) elseif kept > 0 then redis.call('PEXPIRE', KEYS[1], kept) end
  return {n}
elseif t ~= 'list' and t ~= 'none' then
  return {-2, t}
end
local n = redis.call(ARGV[1], KEYS[1], ARGV[3])
if ARGV[2] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return {n}`

/**
 * Adds on doubles (Lua numbers are IEEE doubles, like JavaScript's) and stores
 * the sum with 17 significant digits, so it parses back to the same double;
 * keeps the TTL. ARGV: delta. `{1, text}` the new number, `{-1, first
 * character or 'list'}` not a number, `{-2, type}` foreign data, `{-3}` not finite.
 */
const ADD = `
local t = redis.call('TYPE', KEYS[1])['ok']
if t == 'none' then
  local x = tonumber(ARGV[1])
  if x == 0 then x = 0 end
  local s = string.format('%.17g', x)
  redis.call('SET', KEYS[1], s)
  return {1, s}
end
if t == 'list' then return {-1, 'list'} end
if t ~= 'string' then return {-2, t} end
local v = redis.call('GET', KEYS[1])
local c = string.sub(v, 1, 1)
if not (c == '-' or (c >= '0' and c <= '9')) then return {-1, c} end
local x = tonumber(v) + tonumber(ARGV[1])
if x ~= x or x == math.huge or x == -math.huge then return {-3} end
if x == 0 then x = 0 end
local s = string.format('%.17g', x)
redis.call('SET', KEYS[1], s, 'KEEPTTL')
return {1, s}`

/** Deletes the lock key if it still holds our token. ARGV: token. */
const UNLOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

/** Extends the lock's lease if it still holds our token. ARGV: token, lease ms. */
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`

const scripts = { GET, SET_LIST, PUSH, ADD, UNLOCK, RENEW } as const
type ScriptName = keyof typeof scripts
const commandName = (name: ScriptName) => `effectGraflow${name}`

/** Runs a script defined on the client (EVALSHA, falling back to EVAL; auto-pipelined). */
const runScript = (client: Redis, name: ScriptName, key: string, args: ReadonlyArray<string>): Promise<unknown> => {
  // defineCommand adds the command as a method of the client at run time.
  const command: unknown = Reflect.get(client, commandName(name))
  if (typeof command !== "function") return Promise.reject(new Error(`script ${name} is not defined on the client`))
  return Promise.resolve(command.call(client, key, ...args))
}

export const defineScripts = (client: Redis): void => {
  for (const [name, lua] of Object.entries(scripts)) {
    const command = `effectGraflow${name}`
    if (typeof Reflect.get(client, command) !== "function") client.defineCommand(command, { numberOfKeys: 1, lua })
  }
}

// ---------------------------------------------------------------------------
// encoding
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

class Undecodable extends Error {}

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

/** A GET script reply as a value, `absent` for a missing key. */
const fromGet = (key: string, reply: unknown): Value | typeof absent => {
  if (!isReply(reply)) throw new Undecodable(`unexpected reply for key ${JSON.stringify(key)}`)
  switch (reply[0]) {
    case 0:
      return absent
    case 1:
      return decode(key, text(reply[1]))
    case 2: {
      const items = reply[1]
      if (!Array.isArray(items)) throw new Undecodable(`unexpected list reply for key ${JSON.stringify(key)}`)
      return freezeParsed(items.map((item: unknown) => {
        if (typeof item !== "string") throw new Undecodable(`a list item under ${JSON.stringify(key)} is not text`)
        const value = decode(key, item)
        if (value === undefined) throw new Undecodable(`a list item under ${JSON.stringify(key)} is empty`)
        return value
      }))
    }
    default:
      throw new Undecodable(`the key ${JSON.stringify(key)} holds a Redis ${text(reply[1])}, not a channel value`)
  }
}

// ---------------------------------------------------------------------------
// the store
// ---------------------------------------------------------------------------

export interface StoreOptions {
  readonly prefix: string
  /** Retries of the operations that are safe to repeat (reads, set, clear). */
  readonly retry: Schedule.Schedule<unknown, ChannelError>
  /** The lease of a lock; it is renewed while the holder runs. */
  readonly lease: number
}

const escapeGlob = (text: string): string => text.replace(/[*?[\]\\]/g, "\\$&")

/** A namespace's key prefix: the namespace is URI-encoded, so no two namespaces share a prefix. */
export const namespacePrefix = (prefix: string, namespace: string): string =>
  `${prefix}${encodeURIComponent(namespace)}:`

const absent: unique symbol = Symbol("effect-graflow/redis/absent")

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

export const makeStore = (client: Redis, namespace: string, options: StoreOptions, cork: () => void): ChannelStore => {
  const base = namespacePrefix(options.prefix, namespace)
  const dataPrefix = `${base}k:`
  const lockPrefix = `${base}l:`
  const pattern = `${escapeGlob(dataPrefix)}*`
  const dataKey = (key: string) => dataPrefix + key

  /** One command: a rejection (or a reply we cannot read) is a ChannelError naming the op and key. */
  const call = <A>(op: string, key: string | undefined, run: () => Promise<A>): Effect.Effect<A, ChannelError> =>
    Effect.tryPromise({
      try: () => {
        cork()
        return run()
      },
      catch: (cause) => new ChannelError(key === undefined ? { op, cause } : { op, key, cause })
    })
  /** An operation that may be repeated after a failure (nothing it does depends on how often it ran). */
  const idempotent = <A>(op: string, key: string | undefined, run: () => Promise<A>) => {
    const once = call(op, key, run)
    // The retry machinery is entered only after a failure: the common path is one command.
    return Effect.catch(once, (error) =>
      // Data that does not decode will not decode on a second read either.
      error.cause instanceof Undecodable
        ? Effect.fail(error)
        : Effect.retry(once, { schedule: options.retry, while: (e) => !(e.cause instanceof Undecodable) }))
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
        return fromGet(key, await runScript(client, "GET", dataKey(key), []))
      }
      return text === null ? absent : decode(key, text)
    })

  const scan = (): Promise<Array<string>> =>
    new Promise((resolve, reject) => {
      const keys = new Set<string>()
      const stream = client.scanStream({ match: pattern, count: 1000 })
      stream.on("data", (batch: Array<string>) => {
        for (const full of batch) keys.add(full.slice(dataPrefix.length))
      })
      stream.on("error", reject)
      stream.on("end", () => resolve([...keys]))
    })

  const push = (op: "append" | "prepend") => (key: string, value: Json, ttl: number | undefined) =>
    Effect.flatMap(
      call(op, key, () =>
        runScript(client, "PUSH", dataKey(key), [op === "append" ? "RPUSH" : "LPUSH", ttl === undefined ? "" : `${ttl}`, encode(value)])),
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

  const lockKey = (key: string) => lockPrefix + key

  const acquire = (key: string, timeout: number): Effect.Effect<string, LockTimeoutError | ChannelError> =>
    Effect.suspend(() => {
      const token = `${process.pid}:${Math.random().toString(36).slice(2)}:${Date.now().toString(36)}`
      const attempt = Effect.flatMap(
        call("lock", key, () => client.set(lockKey(key), token, "PX", options.lease, "NX")),
        (reply) => reply === "OK" ? Effect.succeed(token) : Effect.fail("busy" as const)
      )
      return Effect.retry(attempt, {
        schedule: Schedule.exponential("5 millis", 1.5).pipe(
          Schedule.modifyDelay(({ duration }) => Effect.succeed(Duration.min(duration, Duration.millis(25))))
        ),
        while: (error) => error === "busy"
      }).pipe(
        Effect.timeoutOrElse({
          duration: timeout,
          orElse: () => Effect.fail(new LockTimeoutError({ key, timeout: `${timeout}ms` }))
        }),
        Effect.catch((error) =>
          error === "busy" ? Effect.fail(new LockTimeoutError({ key, timeout: `${timeout}ms` })) : Effect.fail(error)
        )
      )
    })

  const keepAlive = (key: string, token: string): Effect.Effect<void> =>
    Effect.repeat(
      Effect.flatMap(
        call("lock", key, () => runScript(client, "RENEW", lockKey(key), [token, `${options.lease}`])),
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
      idempotent("set", key, () => {
        if (Array.isArray(value)) {
          return runScript(client, "SET_LIST", dataKey(key), [ttl === undefined ? "" : `${ttl}`, ...value.map(encode)])
        }
        const text = encode(value)
        return ttl === undefined ? client.set(dataKey(key), text) : client.set(dataKey(key), text, "PX", ttl)
      }).pipe(Effect.asVoid),
    exists: (key) => idempotent("exists", key, () => client.exists(dataKey(key))).pipe(Effect.map((n) => n > 0)),
    delete: (key) => call("delete", key, () => client.del(dataKey(key))).pipe(Effect.map((n) => n > 0)),
    keys: idempotent("keys", undefined, scan).pipe(Effect.map((keys) => keys.filter((key) => !isResultKey(key)))),
    entries: Effect.flatMap(
      idempotent("entries", undefined, scan),
      (keys) =>
        Effect.map(
          Effect.forEach(keys.filter((key) => !isResultKey(key)), (key) => Effect.map(read(key), (value) => [key, value] as const), {
            concurrency: 64
          }),
          (pairs) => pairs.flatMap(([key, value]) => value === absent ? [] : [[key, value] as const])
        )
    ),
    clear: idempotent("clear", undefined, async () => {
      const keys = (await scan()).filter((key) => !isResultKey(key))
      for (let i = 0; i < keys.length; i += 1000) await client.unlink(...keys.slice(i, i + 1000).map(dataKey))
    }),
    append: push("append"),
    prepend: push("prepend"),
    atomicAdd: (key, delta) =>
      Effect.flatMap(
        call("atomicAdd", key, () => runScript(client, "ADD", dataKey(key), [`${delta}`])),
        (reply): Effect.Effect<number, WrongTypeError | InvalidValueError | ChannelError> => {
          if (isReply(reply) && reply[0] === 1) return Effect.succeed(Number(reply[1]))
          if (isReply(reply) && reply[0] === -1) {
            return Effect.fail(new WrongTypeError({ key, op: "atomicAdd", expected: "number", actual: kindOfFirst(text(reply[1])) }))
          }
          if (isReply(reply) && reply[0] === -3) {
            return Effect.fail(new InvalidValueError({ key, issues: [{ path: [], message: `adding ${delta} does not give a finite number` }] }))
          }
          return Effect.fail(new ChannelError({ op: "atomicAdd", key, cause: new Undecodable("the key holds foreign Redis data") }))
        }
      ),
    lock: (key, self, lockOptions) =>
      Effect.uninterruptibleMask((restore) =>
        Effect.flatMap(restore(acquire(key, lockOptions.timeout)), (token) =>
          Effect.flatMap(Effect.forkChild(Effect.interruptible(keepAlive(key, token))), (renewer) =>
            restore(self).pipe(
              Effect.ensuring(
                Effect.andThen(
                  Fiber.interrupt(renewer),
                  call("unlock", key, () => runScript(client, "UNLOCK", lockKey(key), [token])).pipe(Effect.ignore)
                )
              )
            )))
      )
  }
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

/** Connects a client we own; closes it (QUIT, then waits for the socket to end) with the scope. */
export const acquireClient = (
  url: string,
  redisOptions: Omit<RedisOptions, "replyMapping">
): Effect.Effect<Redis, ChannelError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: async () => {
        const client = new Redis(url, { ...redisOptions, ...safeClientOptions })
        // Failures reach the command promises; without a listener ioredis prints them.
        client.on("error", () => {})
        try {
          await client.connect()
          return client
        } catch (error) {
          client.disconnect()
          throw error
        }
      },
      catch: (cause) => new ChannelError({ op: "connect", cause })
    }),
    (client) =>
      Effect.callback<void>((resume) => {
        if (client.status === "end") return resume(Effect.void)
        client.once("end", () => resume(Effect.void))
        client.quit().catch(() => client.disconnect())
      })
  )

export const makeBackend = (client: Redis, options: StoreOptions): ChannelBackend => {
  defineScripts(client)
  const cork = makeCork(client)
  return {
    name: "redis",
    open: (namespace) => Effect.succeed(makeStore(client, namespace, options, cork))
  }
}
