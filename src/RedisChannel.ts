/**
 * The Redis channel backend, on ioredis: the same channels, shared by every
 * process that reaches the server. It behaves exactly like `MemoryChannel` (the
 * conformance suite runs on both); see `docs/redis.md` for how each operation
 * maps to Redis.
 *
 * This module is a subpath of its own (`effect-graflow/RedisChannel`), so that
 * programs that only use memory channels never load ioredis; ioredis is an
 * optional peer dependency: install it next to effect-graflow to use Redis.
 *
 * @since 0.1.0
 */
import { Config, Context, Duration, Effect, Layer, Option, Redacted, Schedule, type Scope } from "effect"
import type { Cluster, ClusterOptions, Redis, RedisOptions } from "ioredis"
import * as Channel from "./Channel.js"
import type { ChannelBackend } from "./ChannelBackend.js"
import type { ChannelError } from "./ChannelError.js"
import { retentionOf } from "./internal/channel.js"
import { CheckpointStore, fromKeyValueStore } from "./internal/checkpoint.js"
import { makeKeyValueStore } from "./internal/redis/checkpoints.js"
import { acquireClient, acquireCluster, type Client, commandTimeoutOfClient } from "./internal/redis/connection.js"
import { normalizePrefix } from "./internal/redis/keys.js"
import { splitSeeds } from "./internal/redis/seeds.js"
import { makeBackend } from "./internal/redis/store.js"

/**
 * How to reach Redis, and how the channel uses it.
 *
 * - `url` (`redis://[:password@]host:port[/db]`, `rediss://` for TLS), or
 *   `cluster`: the seed nodes of a Redis Cluster (URLs; credentials and TLS
 *   from the first; ioredis finds the rest), or `client`: an ioredis `Redis`
 *   or `Cluster` you own (the layer never closes it; give it the options of
 *   {@link clientOptions} — a Cluster: as its `redisOptions`, with
 *   `enableOfflineQueue: false` — for the failure rules below).
 * - `prefix`: the start of every key (default `"graflow:"`; a `:` is added to
 *   one that does not end in `:`, so no prefix's keys fall under another's). A
 *   namespace — `{workflow}/{runId}` for a run — comes after it, as the keys'
 *   hash tag: on a cluster, every key of a run is in one slot. A prefix with
 *   a brace is refused (TypeError).
 * - `retry`: how operations that are safe to repeat (reads, `set`, `clear`)
 *   are retried after a failure (default: 5 retries, exponential from 50 ms).
 *   `append`, `prepend`, `atomicAdd` and `delete` are never repeated: one of
 *   them may have run before the connection dropped.
 * - `lockLease`: how long a lock outlives a crashed holder (default 30
 *   seconds); a live holder renews it.
 * - `runLease`: how long a run started with a `runId` stays its driver's
 *   when the driver stops renewing it (default 10 seconds): one process
 *   drives a run at a time, and after a driver dies (`kill -9`) another takes
 *   the run over once its lease lapses. A live driver renews it every third.
 * - `commandTimeout`: how long a command may wait for its answer before it
 *   fails with `ChannelError` (default 5 seconds). A command given up on may
 *   still be applied if the server answers later (see docs/redis.md).
 * - `retention`: what a finished run's namespace gets (default
 *   `{ expireAfter: "1 day" }`); see `Channel.Retention`.
 * - `runEvents`: every run with a record (a `runId`, durable, or waiting for
 *   requests) records its progress events — attempts, outcomes, errors — in
 *   its namespace (`<namespace>:e:`, gone with it), for `Workflow.runEvents`
 *   (default `false`: one more command per event).
 * - `redis`: further ioredis options (`connectTimeout`, TLS, …) for a `url`
 *   or for every node of a `cluster`; `clusterOptions`: ioredis's Cluster
 *   options (`natMap`, `dnsLookup`, …).
 *
 * **Example**
 *
 * ```ts
 * import { Schedule } from "effect"
 * import * as RedisChannel from "effect-graflow/RedisChannel"
 *
 * const options: RedisChannel.Options = {
 *   url: "redis://127.0.0.1:6380/2",
 *   prefix: "etl:",
 *   retry: Schedule.spaced("100 millis").pipe(Schedule.upTo({ times: 5 })),
 *   lockLease: "1 minute",
 *   runLease: "15 seconds",
 *   commandTimeout: "2 seconds",
 *   retention: { expireAfter: "7 days" }
 * }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type Options =
  & {
    readonly prefix?: string | undefined
    readonly retry?: Schedule.Schedule<unknown, ChannelError> | undefined
    readonly lockLease?: Duration.Input | undefined
    readonly runLease?: Duration.Input | undefined
    readonly commandTimeout?: Duration.Input | undefined
    readonly retention?: Channel.Retention | undefined
    readonly runEvents?: boolean | undefined
  }
  & (
    | {
      readonly url: string
      readonly redis?: Omit<RedisOptions, "replyMapping"> | undefined
      readonly client?: undefined
      readonly cluster?: undefined
    }
    | {
      readonly cluster: ReadonlyArray<string>
      readonly redis?: Omit<RedisOptions, "replyMapping"> | undefined
      readonly clusterOptions?: Omit<ClusterOptions, "replyMapping" | "redisOptions" | "lazyConnect"> | undefined
      readonly client?: undefined
      readonly url?: undefined
    }
    | { readonly client: Redis | Cluster; readonly url?: undefined; readonly cluster?: undefined }
  )

/**
 * The ioredis options the channel relies on for a client you create yourself:
 * no offline queue, no automatic resend of a command in flight when the
 * connection drops (it may have run), no per-request retries (the channel's
 * `retry` Schedule decides), and a 5-second command timeout. (The channel
 * batches the commands of a tick into one write itself, so ioredis's
 * auto-pipelining is not needed.)
 *
 * **Example**
 *
 * ```ts
 * import { Redis } from "ioredis"
 * import * as RedisChannel from "effect-graflow/RedisChannel"
 *
 * const client = new Redis("redis://127.0.0.1:6380", RedisChannel.clientOptions)
 * const layer = RedisChannel.layer({ client })
 * ```
 *
 * @category constants
 * @since 0.1.0
 */
export const clientOptions: Omit<RedisOptions, "replyMapping"> = {
  autoResendUnfulfilledCommands: false,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  commandTimeout: 5_000
}

const defaultRetention: Channel.Retention = { expireAfter: "1 day" }

// Long enough to ride out ioredis's first reconnects (50 ms, 100 ms, …): about 1.5 s in all.
const defaultRetry: Schedule.Schedule<unknown, ChannelError> = Schedule.exponential("50 millis").pipe(
  Schedule.upTo({ times: 5 })
)

/** A duration option in whole milliseconds; one out of bounds is a programming error (a TypeError). */
const millisOf = (name: string, input: Duration.Input | undefined, fallback: number, min: number): number => {
  if (input === undefined) return fallback
  const decoded = Duration.fromInput(input)
  const millis = Option.isSome(decoded) ? Math.ceil(Duration.toMillis(decoded.value)) : Number.NaN
  if (!(millis >= min) || !Number.isSafeInteger(millis)) {
    throw new TypeError(`RedisChannel: ${name} must be a duration of at least ${min} milliseconds`)
  }
  return millis
}

/**
 * Builds the backend in the current scope: connects (for a `url`), and closes
 * the connection when the scope closes — after the socket has really ended.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import * as RedisChannel from "effect-graflow/RedisChannel"
 *
 * const program = Effect.scoped(Effect.gen(function*() {
 *   const backend = yield* RedisChannel.make({ url: "redis://127.0.0.1:6380" })
 *   return backend.name // "redis"
 * }))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (options: Options): Effect.Effect<ChannelBackend, ChannelError, Scope.Scope> =>
  Effect.gen(function*() {
    const commandTimeout = commandTimeoutOf(options)
    const store = {
      prefix: prefixOf(options),
      retry: options.retry ?? defaultRetry,
      lease: millisOf("lockLease", options.lockLease, 30_000, 10),
      runLease: millisOf("runLease", options.runLease, 10_000, 30),
      commandTimeout,
      retention: retentionOf(options.retention ?? defaultRetention, "RedisChannel"),
      runEvents: options.runEvents === true
    }
    const client = yield* connect(options)
    // A run's event that could not be recorded is logged through the layer's logger (the write is not awaited).
    const context = yield* Effect.context<never>()
    const log = (message: string, error: unknown) => {
      Effect.runForkWith(context)(Effect.logWarning(message, error))
    }
    return makeBackend(client, store, yield* Effect.scope, log)
  })

const commandTimeoutOf = (options: Options): number | undefined =>
  options.client === undefined ? millisOf("commandTimeout", options.commandTimeout, 5_000, 1) : commandTimeoutOfClient(options.client)

const prefixOf = (options: Options): string => normalizePrefix(options.prefix ?? "graflow:")

/** The given client, or a connection of ours (to a server or a cluster) closed with the scope. */
const connect = (options: Options): Effect.Effect<Client, ChannelError, Scope.Scope> => {
  if (options.client !== undefined) return Effect.succeed(options.client)
  const redis = { ...options.redis, commandTimeout: commandTimeoutOf(options) }
  return options.cluster !== undefined
    ? acquireCluster(options.cluster, redis, options.clusterOptions)
    : acquireClient(options.url, redis)
}

/**
 * The Redis backend as a Layer of the `Channel` service. An unreachable server
 * fails the layer with `ChannelError` (`op: "connect"`).
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task, Workflow } from "effect-graflow"
 * import * as RedisChannel from "effect-graflow/RedisChannel"
 *
 * const hello = Workflow.make("hello", Task.make("hello", () => "world"))
 * const program = Workflow.run(hello).pipe(Effect.provide(RedisChannel.layer({ url: "redis://127.0.0.1:6380" })))
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (options: Options): Layer.Layer<Channel.Channel, ChannelError> => Layer.effect(Channel.Channel, make(options))

/**
 * The Redis backend configured from Effect `Config`: `REDIS_URL`, or
 * `REDIS_CLUSTER_URLS` (a Redis Cluster's seed nodes, comma-separated where a
 * URL starts) — one of them, each read as a redacted secret so it never shows
 * in logs — and `REDIS_PREFIX` (default `"graflow:"`).
 *
 * **Example**
 *
 * ```ts
 * import { ConfigProvider, Effect } from "effect"
 * import { Task, Workflow } from "effect-graflow"
 * import * as RedisChannel from "effect-graflow/RedisChannel"
 *
 * const hello = Workflow.make("hello", Task.make("hello", () => "world"))
 * const program = Workflow.run(hello).pipe(
 *   Effect.provide(RedisChannel.layerConfig),
 *   Effect.provide(ConfigProvider.layer(ConfigProvider.fromUnknown({ REDIS_URL: "redis://127.0.0.1:6380" })))
 * )
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layerConfig: Layer.Layer<Channel.Channel, ChannelError | Config.ConfigError> = Layer.effect(
  Channel.Channel,
  Effect.gen(function*() {
    const seeds = yield* Config.option(Config.Redacted("REDIS_CLUSTER_URLS"))
    const prefix = yield* Config.String("REDIS_PREFIX").pipe(Config.withDefault("graflow:"))
    if (Option.isSome(seeds)) {
      return yield* make({ cluster: splitSeeds(Redacted.value(seeds.value)), prefix })
    }
    const url = yield* Config.Redacted("REDIS_URL")
    return yield* make({ url: Redacted.value(url), prefix })
  })
)

/**
 * A checkpoint store on Redis (checkpoints, and the journals of durable runs
 * whose channel keeps none), for runs that resume in another process. Its
 * keys are `{prefix}:cp:…`, apart from every channel namespace's. Takes the
 * same options as {@link layer}; use {@link layerWithCheckpoints} for one
 * connection serving both.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task, Workflow } from "effect-graflow"
 * import * as RedisChannel from "effect-graflow/RedisChannel"
 *
 * const saved = Workflow.make("saved", Task.make("a", (ctx) => ctx.checkpoint()))
 * const program = Workflow.run(saved).pipe(Effect.provide(RedisChannel.layerCheckpoints({ url: "redis://127.0.0.1:6380" })))
 * ```
 *
 * @category layers
 * @since 0.2.0
 */
export const layerCheckpoints = (options: Options): Layer.Layer<never, ChannelError> =>
  Layer.effect(CheckpointStore, Effect.map(connect(options), (client) => fromKeyValueStore(makeKeyValueStore(client, prefixOf(options)))))

/**
 * The Redis channel and a checkpoint store on Redis, on one connection: what
 * durable runs and human-in-the-loop runs that move between processes need.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task, Workflow } from "effect-graflow"
 * import * as RedisChannel from "effect-graflow/RedisChannel"
 *
 * const etl = Workflow.make("etl", Task.make("extract", () => [1, 2, 3]))
 * const program = Workflow.run(etl, { runId: "nightly", durable: true }).pipe(
 *   Effect.provide(RedisChannel.layerWithCheckpoints({ url: "redis://127.0.0.1:6380" }))
 * )
 * ```
 *
 * @category layers
 * @since 0.2.0
 */
export const layerWithCheckpoints = (options: Options): Layer.Layer<Channel.Channel, ChannelError> =>
  Layer.effectContext(
    Effect.gen(function*() {
      const client = yield* connect(options)
      const backend = yield* make({
        prefix: options.prefix,
        retry: options.retry,
        lockLease: options.lockLease,
        runLease: options.runLease,
        retention: options.retention,
        runEvents: options.runEvents,
        client
      })
      return Context.make(Channel.Channel, backend).pipe(
        Context.add(CheckpointStore, fromKeyValueStore(makeKeyValueStore(client, prefixOf(options))))
      )
    })
  )
