/**
 * Connections to Redis: the client options every operation relies on, URLs
 * (checked, and redacted in messages), a connect failure in words, and a
 * client of ours opened and closed with a scope.
 *
 * @internal
 */
import { Effect, type Scope } from "effect"
import { Redis, type RedisOptions } from "ioredis"
import { ChannelError } from "../channelError.js"
import { describeCause } from "../format.js"

/** Whether an ioredis error is its command timeout. */
export const isTimeout = (error: unknown): boolean => error instanceof Error && error.message === "Command timed out"

// ---------------------------------------------------------------------------

/** Options that keep every operation's failure a ChannelError and never resend a command by itself. */
const safeClientOptions: Omit<RedisOptions, "replyMapping"> = {
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
const connectFailure = (error: unknown, url: string, options: Omit<RedisOptions, "replyMapping">): Error => {
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

/** Connects a client we own; closes it with the scope, in bounded time (see {@link closeClient}). */
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
    (client) => closeClient(client, (redisOptions.commandTimeout ?? 5_000) + 1_000)
  )

/** What {@link destroyClient} uses of an ioredis client (BullMQ's connections are ioredis clients too). */
export interface Closable {
  readonly status: string
  readonly connect: () => Promise<void>
  readonly disconnect: () => void
}

/**
 * Closes a client at once, whatever its status; whether "end" will follow. No
 * reconnect (disconnect() cancels a pending one), and the socket destroyed
 * (disconnect() only half-closes it: a server that does not answer would keep
 * it open). A client waiting to reconnect (its server died) has no socket left
 * to close, and disconnect() alone leaves it "reconnecting" for ever, its queued
 * commands never settled and no "end" emitted: connect() then disconnect() at
 * once makes ioredis give that attempt up before it opens a socket, which
 * rejects every queued command ("Connection is closed.") and ends the client.
 */
export const destroyClient = (client: Closable): boolean => {
  client.disconnect()
  if (client.status === "reconnecting") {
    client.connect().catch(() => {})
    client.disconnect()
    return true
  }
  const stream: unknown = Reflect.get(client, "stream")
  if (typeof stream !== "object" || stream === null || Reflect.get(stream, "destroyed") !== false) return false
  const destroy: unknown = Reflect.get(stream, "destroy")
  if (typeof destroy === "function") destroy.call(stream)
  return true
}

/**
 * Closes a client we own, in bounded time: QUIT when the connection is ready,
 * otherwise (or when QUIT fails) the socket is destroyed; done when ioredis
 * says "end", at once when no socket is left, and after `bound` ms whatever
 * happens (a stopped server answers no QUIT; a client closed while it waits
 * to reconnect emits no "end").
 */
export const closeClient = (client: Redis, bound: number): Effect.Effect<void> =>
  Effect.callback<void>((resume) => {
    if (client.status === "end") return resume(Effect.void)
    let done = false
    const finish = () => {
      if (done) return
      done = true
      clearTimeout(timer)
      client.off("end", finish)
      resume(Effect.void)
    }
    const force = () => {
      if (!done && !destroyClient(client)) finish()
    }
    const timer = setTimeout(() => {
      force()
      finish()
    }, bound)
    client.once("end", finish)
    if (client.status === "ready") client.quit().catch(force)
    else force()
  })

/** What {@link closeBullMQ} uses of a BullMQ Queue, QueueEvents or Worker (on its default Redis backend). */
export interface BullMQClosable {
  readonly close: () => Promise<void>
  readonly getBackend: () => {
    readonly client: Promise<Closable>
    readonly blockingClient?: Promise<Closable> | undefined
  }
}

/**
 * A listener for the "error" events of BullMQ's connections (a Queue, its
 * events, a Worker): without one they go to the console, one line per
 * reconnect attempt. It logs a warning through Effect's logger, at most one
 * every 10 seconds per connection.
 */
export const bullErrorLogger = (what: string, log: (message: string, error: unknown) => void) => {
  let last = Number.NEGATIVE_INFINITY
  return (error: unknown): void => {
    const now = Date.now()
    if (now - last < 10_000) return
    last = now
    log(`effect-graflow: ${what}: the connection to Redis failed (BullMQ reconnects)`, error)
  }
}

/** How long a BullMQ close may take before its connections are destroyed (its QUIT has no command timeout). */
export const BULLMQ_CLOSE_BOUND = 5_000

/**
 * BullMQ's close, in bounded time: `close()` QUITs without a command timeout
 * (a stopped server never answers), and QueueEvents' and Worker's wait for
 * "end" after disconnect(), which never comes for a connection that is
 * reconnecting (a server that died). `bound` ms after `start` (for a worker:
 * once its attempts have ended) the connections are destroyed, which settles
 * the commands BullMQ waits for, so that its close goes on (stopping its
 * timers) while this returns.
 */
export const closeBullMQ = (
  target: BullMQClosable,
  bound: number = BULLMQ_CLOSE_BOUND,
  start: Promise<void> = Promise.resolve()
): Effect.Effect<void> =>
  Effect.callback<void>((resume) => {
    let done = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const finish = () => {
      if (done) return
      done = true
      clearTimeout(timer)
      resume(Effect.void)
    }
    target.close().then(finish, finish)
    void start.then(() => {
      if (done) return
      timer = setTimeout(() => {
        const backend = target.getBackend()
        for (const client of [backend.client, backend.blockingClient]) client?.then(destroyClient, () => {})
        finish()
      }, bound)
    })
  })

/**
 * ioredis options from a URL, for BullMQ's connections (BullMQ makes its own
 * clients; `maxRetriesPerRequest: null` is what its blocking connections need).
 */
export const bullConnection = (url: string) => {
  const parsed = new URL(url)
  return {
    host: parsed.hostname,
    port: Number(parsed.port === "" ? 6379 : parsed.port),
    ...(parsed.password === "" ? {} : { password: decodeURIComponent(parsed.password) }),
    ...(parsed.username === "" ? {} : { username: decodeURIComponent(parsed.username) }),
    ...(parsed.pathname.length > 1 ? { db: Number(parsed.pathname.slice(1)) } : {}),
    maxRetriesPerRequest: null
  }
}
