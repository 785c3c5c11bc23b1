/**
 * Connections to Redis, standalone or a Cluster: the client options every
 * operation relies on, URLs (checked, and redacted in messages), a connect
 * failure in words, a client of ours opened and closed with a scope, a SCAN
 * over every primary, a connection of its own for a blocking wait, and
 * BullMQ's connections.
 *
 * @internal
 */
import { Effect, type Scope } from "effect"
import { Cluster, type ClusterOptions, type Command, Redis, type RedisOptions } from "ioredis"
import { ChannelError } from "../channelError.js"
import { describeCause } from "../format.js"
import { redactUrl } from "./seeds.js"

/** A client of a standalone Redis or of a Redis Cluster: every command of the channel works on both. */
export type Client = Redis | Cluster

/**
 * Where Redis is: a URL, the seed nodes of a Cluster (URLs; credentials and
 * TLS from the first), or a client the caller owns (`Redis` or `Cluster`).
 */
export type Target = string | { readonly cluster: ReadonlyArray<string> } | Client

/** Whether a target is a client (an ioredis `Redis` or `Cluster`: it can duplicate itself), not a description. */
const isClient = (target: Target): target is Client =>
  typeof target === "object" && typeof Reflect.get(target, "duplicate") === "function"

/** A target as the channel's options (`url`, `cluster`, or `client`: the caller's, never closed by the channel). */
export const targetOptions = (
  target: Target
): { readonly url: string } | { readonly cluster: ReadonlyArray<string> } | { readonly client: Client } =>
  typeof target === "string" ? { url: target } : isClient(target) ? { client: target } : { cluster: target.cluster }

/** A Cluster's node options without the reply mapping (what `duplicate` takes back). */
const nodeOptionsOf = (cluster: Cluster): Omit<RedisOptions, "replyMapping"> => {
  const { replyMapping: _, ...options } = cluster.options.redisOptions ?? {}
  return options
}

/** Whether a client is a Cluster's (ioredis marks it; no runtime import of the class is needed to ask). */
export const isCluster = (client: Client): client is Cluster => Reflect.get(client, "isCluster") === true

/** The command timeout a client was given, in ms (ours keep it apart from ioredis's options: see `TimedRedis`). */
export const commandTimeoutOfClient = (client: Client): number | undefined =>
  isCluster(client)
    ? client.options.redisOptions?.commandTimeout
    : client instanceof TimedRedis
    ? client.commandTimeout
    : client.options.commandTimeout

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

/** Why a connection could not be made, in words (no credentials, no command arguments). */
class ConnectFailure extends Error {}

/**
 * A connect failure in words: why, never the credentials (ioredis's auth
 * errors carry the AUTH command's arguments). `where` is already redacted (a
 * URL, or a cluster's seeds).
 */
const connectFailure = (error: unknown, where: string, options: Omit<RedisOptions, "replyMapping">): Error => {
  const code = error instanceof Error ? Reflect.get(error, "code") : undefined
  const message = describeCause(error)
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

/**
 * Connects a client, or fails with why in words: the last failure ioredis
 * reported (connect() itself only says "Connection is closed."; a Cluster
 * reports its nodes' as "node error"), the client closed.
 */
const connectExplained = async <C extends Client>(
  client: C,
  where: string,
  options: Omit<RedisOptions, "replyMapping">
): Promise<C> => {
  let last: unknown
  const coded = (error: unknown) => typeof error === "object" && error !== null && typeof Reflect.get(error, "code") === "string"
  const remember = (error: unknown) => {
    // A Cluster's own error ("Failed to refresh slots cache.") carries its last node's; a node's socket error
    // (ECONNREFUSED, ENOTFOUND…) says why best, and is kept over a later "Connection is closed.".
    const nodeError: unknown = typeof error === "object" && error !== null ? Reflect.get(error, "lastNodeError") : undefined
    const candidate = nodeError ?? error
    if (!coded(last) || coded(candidate)) last = candidate
  }
  client.on("error", remember)
  client.on("node error", remember)
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    // A Cluster whose state is not ok (a primary down, no replica) retries its ready check for ever, and its
    // connect() never settles: it is given the connect timeout, then closed.
    const bound = isCluster(client)
      ? new Promise<never>((_, reject) => {
        const ms = options.connectTimeout ?? 10_000
        timer = setTimeout(() =>
          reject(
            new ConnectFailure(
              `the Redis Cluster at ${where} was not ready within ${ms} ms (connectTimeout): a primary down without a replica, or the cluster still forming (CLUSTER INFO says cluster_state)`
            )
          ), ms)
      })
      : undefined
    await (bound === undefined ? client.connect() : Promise.race([client.connect(), bound]))
    return client
  } catch (error) {
    // disconnect() half-closes the socket; a server that never answers would keep it open.
    destroyClient(client)
    if (error instanceof ConnectFailure) throw error
    // A Cluster's nodes report no socket error (only "Connection is closed."): say what that means.
    if (isCluster(client) && !coded(last)) {
      throw new ConnectFailure(`no seed node of the Redis Cluster answered at ${where} (connection refused, closed or unreachable)`)
    }
    throw connectFailure(last ?? error, where, options)
  } finally {
    clearTimeout(timer)
  }
}

/** How long a settled command may stay referenced by a {@link TimedRedis}, at most, in ms. */
const SWEEP = 100

/**
 * A client whose commands are bounded by `commandTimeout` as ioredis bounds
 * them (a command not answered in time fails with "Command timed out"; its
 * answer, should it come, is ignored), with one timer for all its commands
 * instead of one each. A timer per command cost 1.5 µs a command (the
 * timer list of its duration made and dropped, the loop's reference toggled
 * around each answer): 7 % of a sequential set + get on a local server.
 * Replies on one connection come in the order the commands were sent, and
 * every command has the same bound, so the commands in flight are a queue
 * ordered by their deadline: one timer, set for the oldest command's deadline,
 * checks the queue when it fires. It holds the event loop no more than
 * ioredis's did (the connection does while a command waits; the timer never).
 *
 * Duplicates are ordinary clients, with the bound as an option (ioredis's
 * per-command timers), unless they say otherwise. While commands are in flight
 * the timer also fires every {@link SWEEP} ms at most, so that a command that
 * settled (and its reply) is not held past that (ioredis let go of it at once).
 */
class TimedRedis extends Redis {
  /** The commands sent and not yet known to be settled, oldest first, with their deadlines (`performance.now()`). */
  private readonly inFlight: Array<Command | undefined> = []
  private readonly deadlines: Array<number> = []
  private head = 0
  private timer: ReturnType<typeof setTimeout> | undefined = undefined

  constructor(url: string, options: Omit<RedisOptions, "replyMapping">, readonly commandTimeout: number) {
    // Not in ioredis's options: its sendCommand would start a timer per command again.
    super(url, { ...options, commandTimeout: undefined })
  }

  override sendCommand(command: Command, stream?: Parameters<Redis["sendCommand"]>[1]): unknown {
    const now = performance.now()
    this.dropSettled()
    this.inFlight.push(command)
    this.deadlines.push(now + this.commandTimeout)
    if (this.timer === undefined) this.arm(this.commandTimeout)
    return super.sendCommand(command, stream)
  }

  override duplicate(override?: Partial<RedisOptions>): Redis {
    return super.duplicate({ commandTimeout: this.commandTimeout, ...override })
  }

  private arm(ms: number): void {
    // At most SWEEP ms (settled commands let go of), and within what setTimeout takes (a longer delay fires at once).
    this.timer = setTimeout(() => this.sweep(), Math.min(SWEEP, Math.max(1, Math.ceil(ms))))
    this.timer.unref()
  }

  /** Forgets the oldest commands that have settled; compacts the queue now and then. */
  private dropSettled(): void {
    const { inFlight } = this
    while (this.head < inFlight.length && inFlight[this.head]!.isSettled) inFlight[this.head++] = undefined
    if (this.head === inFlight.length) {
      inFlight.length = 0
      this.deadlines.length = 0
      this.head = 0
    } else if (this.head > 1024 && this.head * 2 > inFlight.length) {
      inFlight.splice(0, this.head)
      this.deadlines.splice(0, this.head)
      this.head = 0
    }
  }

  /** Fails the commands whose deadline has passed unanswered; set again for the oldest one left. */
  private sweep(): void {
    this.timer = undefined
    const now = performance.now()
    const { inFlight, deadlines } = this
    while (this.head < inFlight.length) {
      const command = inFlight[this.head]!
      if (!command.isSettled) {
        if (deadlines[this.head]! > now) break
        command.reject(new Error("Command timed out"))
      }
      inFlight[this.head++] = undefined
    }
    this.dropSettled()
    if (this.head < inFlight.length) this.arm(deadlines[this.head]! - now)
  }
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
          const options = { ...redisOptions, ...safeClientOptions }
          const client = typeof redisOptions.commandTimeout === "number"
            ? new TimedRedis(url, options, redisOptions.commandTimeout)
            : new Redis(url, options)
          return connectExplained(client, redactUrl(url), redisOptions)
        },
        catch: (cause) =>
          new ChannelError({
            op: "connect",
            cause: cause instanceof ConnectFailure ? cause : connectFailure(cause, redactUrl(url), redisOptions)
          })
      })
    }),
    (client) => closeClient(client, (redisOptions.commandTimeout ?? 5_000) + 1_000)
  )

/** A seed node of a Cluster, and the options its URL carries (credentials, TLS), checked. */
const nodeOf = (url: string): { readonly host: string; readonly port: number; readonly options: Omit<RedisOptions, "replyMapping"> } => {
  const problem = urlProblem(url) ?? (url.includes("://") ? undefined : `invalid Redis URL ${JSON.stringify(redactUrl(url))}: a cluster's seed nodes are redis:// or rediss:// URLs`)
  if (problem !== undefined) throw new ConnectFailure(problem)
  const parsed = new URL(url)
  if (parsed.pathname.length > 1 && parsed.pathname !== "/0") {
    throw new ConnectFailure(`invalid Redis URL ${JSON.stringify(redactUrl(url))}: a Redis Cluster has one database (0), not ${parsed.pathname.slice(1)}`)
  }
  return {
    host: parsed.hostname,
    port: Number(parsed.port === "" ? 6379 : parsed.port),
    options: {
      ...(parsed.password === "" ? {} : { password: decodeURIComponent(parsed.password) }),
      ...(parsed.username === "" ? {} : { username: decodeURIComponent(parsed.username) }),
      ...(parsed.protocol === "rediss:" ? { tls: {} } : {})
    }
  }
}

/** The seed nodes of a Cluster and the options of its nodes (from the first URL), checked; a problem in words. */
export const clusterSeeds = (urls: ReadonlyArray<string>) => {
  if (urls.length === 0) throw new ConnectFailure("a Redis Cluster needs at least one seed node URL")
  const nodes = urls.map(nodeOf)
  return { nodes: nodes.map(({ host, port }) => ({ host, port })), options: nodes[0]!.options }
}

/**
 * Connects a Cluster client we own (from its seed nodes); closes it with the
 * scope. Its nodes' connections get the same rules as a standalone client's,
 * and commands fail at once while the cluster is unreachable (the channel's
 * retry Schedule decides); MOVED, ASK and TRYAGAIN (a slot moving) are
 * followed by ioredis, a CLUSTERDOWN retried for about 1.6 s.
 */
export const acquireCluster = (
  urls: ReadonlyArray<string>,
  redisOptions: Omit<RedisOptions, "replyMapping">,
  clusterOptions: Omit<ClusterOptions, "replyMapping" | "redisOptions"> = {}
): Effect.Effect<Cluster, ChannelError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: async () => {
        const seeds = clusterSeeds(urls)
        const where = urls.map(redactUrl).join(", ")
        const client = new Cluster(seeds.nodes, {
          ...clusterOptions,
          lazyConnect: true,
          enableOfflineQueue: false,
          redisOptions: { ...seeds.options, ...redisOptions, ...safeClientOptions }
        })
        return connectExplained(client, where, redisOptions)
      },
      catch: (cause) =>
        new ChannelError({
          op: "connect",
          cause: cause instanceof ConnectFailure ? cause : connectFailure(cause, urls.map(redactUrl).join(", "), redisOptions)
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
  // A Cluster's disconnect() closes every node's connection, and cancels its reconnection.
  if (Reflect.get(client, "isCluster") === true) return false
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
export const closeClient = (client: Client, bound: number): Effect.Effect<void> =>
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

/**
 * BullMQ's connection to a target, and how to close what is ours of it: for a
 * URL, options (BullMQ makes and closes its clients); for a Cluster, a client
 * not yet connected, which BullMQ uses (a Queue: it does not close a client it
 * was given, so `release` does) or duplicates (a blocking one: QueueEvents, a
 * Worker; the duplicate is BullMQ's).
 */
export const bullConnectionOf = (target: Target): {
  readonly connection: ReturnType<typeof bullConnection> | Client
  readonly release: () => void
} => {
  if (typeof target === "string") return { connection: bullConnection(target), release: () => {} }
  // BullMQ's blocking connections need `maxRetriesPerRequest: null` and an offline queue: a client of the caller's is
  // duplicated with those (never used as it is, never closed by us), the duplicate ours.
  let client: Client
  if (!isClient(target)) {
    const seeds = clusterSeeds(target.cluster)
    client = new Cluster(seeds.nodes, { lazyConnect: true, redisOptions: { ...seeds.options, maxRetriesPerRequest: null } })
  } else if (isCluster(target)) {
    client = target.duplicate([], {
      lazyConnect: true,
      enableOfflineQueue: true,
      redisOptions: { ...nodeOptionsOf(target), maxRetriesPerRequest: null, commandTimeout: undefined }
    })
  } else {
    client = target.duplicate({ lazyConnect: true, enableOfflineQueue: true, maxRetriesPerRequest: null, commandTimeout: undefined })
  }
  client.on("error", () => {}) // BullMQ listens to its own connections; this one is reported through them
  return { connection: client, release: () => client.disconnect() }
}

/**
 * A short-lived client for a target (a job's cleanup, the events stream's
 * start), commands bounded by `commandTimeout`, ready (a Cluster: its slots
 * read) or failed within it; the caller disconnects it.
 */
export const plainClient = async (target: Target, commandTimeout: number): Promise<Client> => {
  if (typeof target === "string") return new Redis({ ...bullConnection(target), maxRetriesPerRequest: 1, commandTimeout })
  if (isClient(target) && !isCluster(target)) {
    return target.duplicate({ lazyConnect: false, enableOfflineQueue: true, maxRetriesPerRequest: 1, commandTimeout })
  }
  // No offline queue, no reconnection: a cluster that is not ready fails the command instead of holding it.
  const failFast = { lazyConnect: true, enableOfflineQueue: false, clusterRetryStrategy: () => null } as const
  const cluster = isClient(target)
    ? target.duplicate([], { ...failFast, redisOptions: { ...nodeOptionsOf(target), maxRetriesPerRequest: 1, commandTimeout } })
    : new Cluster(clusterSeeds(target.cluster).nodes, {
      ...failFast,
      redisOptions: { ...clusterSeeds(target.cluster).options, maxRetriesPerRequest: 1, commandTimeout }
    })
  cluster.on("error", () => {})
  const where = isClient(target) ? "the given Cluster client's nodes" : target.cluster.map(redactUrl).join(", ")
  return connectExplained(cluster, where, { connectTimeout: commandTimeout })
}

/**
 * The keys matching a glob, from every primary of a Cluster (a SCAN covers
 * the node it runs on), or from the one server: a walk of the keyspace, for
 * work across runs that keeps no index (rare, administrative).
 */
export const scanAll = async (client: Client, match: string): Promise<Array<string>> => {
  const found: Array<string> = []
  const nodes: ReadonlyArray<Redis> = isCluster(client) ? client.nodes("master") : [client]
  await Promise.all(nodes.map(async (node) => {
    let cursor = "0"
    do {
      const [next, batch] = await node.scan(cursor, "MATCH", match, "COUNT", 1000)
      cursor = next
      found.push(...batch)
    } while (cursor !== "0")
  }))
  return found
}

/**
 * A connection of its own for a blocking command (BLPOP), not connected yet:
 * the client's options without a command timeout (the command's own bounds
 * it; `blockingTimeout` adds a client-side bound for a server that stops
 * answering). A Cluster's duplicate is a Cluster of its own, lazily
 * connected (`duplicate` of a Cluster connects at once otherwise).
 */
export const blockingDuplicate = (client: Client, blockingTimeout: number | undefined): Client => {
  // lazyConnect: a client given by the user may connect by itself; the caller connects, once.
  if (!isCluster(client)) return client.duplicate({ lazyConnect: true, commandTimeout: undefined, blockingTimeout })
  return client.duplicate([], {
    lazyConnect: true,
    redisOptions: { ...nodeOptionsOf(client), commandTimeout: undefined, blockingTimeout }
  })
}
