/**
 * Channels: the key-value store that every task of a workflow reaches through
 * its context, and that tasks use to talk to each other.
 *
 * - `Channel.schema({...})` declares keys and their value schemas. A task that
 *   declares the keys it `reads` and `writes` gets a {@link Typed} channel: an
 *   undeclared key, a value of the wrong type or `append` on a key that is not
 *   a list does not compile.
 * - Every context also has an {@link Untyped} channel: any string key, values
 *   read back as `unknown`.
 * - The backend is the {@link Channel} service: `MemoryChannel.layer` (the
 *   default) or `RedisChannel.layer(...)`. Both behave the same; see
 *   `ChannelBackend` for the rules they share.
 *
 * @since 0.1.0
 */
import type { Duration, Effect, Option, Schema, Scope } from "effect"
import type {
  ChannelDecodeError,
  ChannelError,
  InvalidNamespaceError,
  InvalidTtlError,
  InvalidValueError,
  KeyNotFoundError,
  LockTimeoutError,
  ReservedKeyError,
  WrongTypeError
} from "./ChannelError.js"
import * as internal from "./internal/channel.js"
import type { ElementFor, ListKey, NumberKey, PresentKey, ValueFor, WritableKey } from "./types/ChannelKeys.js"

/**
 * The channel backend service. Provide `MemoryChannel.layer` or
 * `RedisChannel.layer(...)`; a workflow run without one gets a fresh memory
 * channel.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Channel, MemoryChannel } from "effect-graflow"
 *
 * const program = Effect.gen(function*() {
 *   const backend = yield* Channel.Channel
 *   return backend.name // "memory"
 * }).pipe(Effect.provide(MemoryChannel.layer))
 * ```
 *
 * @category services
 * @since 0.1.0
 */
export const Channel: typeof internal.Channel = internal.Channel

/**
 * The type of the {@link Channel} service (what a program that needs a channel
 * backend has in its requirements).
 *
 * @category services
 * @since 0.1.0
 */
export interface Channel extends internal.Channel {}

/**
 * A schema that a channel value can be checked against: it decodes and encodes
 * without services. Values are stored in the schema's JSON form
 * (`Schema.toCodecJson`), so a `Date`, a `bigint` or a `Schema.Class` instance
 * round-trips on every backend.
 *
 * **Example**
 *
 * ```ts
 * import { Schema } from "effect"
 * import type { Channel } from "effect-graflow"
 *
 * const count: Channel.ValueSchema<number> = Schema.Int
 * const born: Channel.ValueSchema<Date> = Schema.Date // stored as an ISO string
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface ValueSchema<out A = unknown> extends Schema.ConstraintCodec<A, unknown, never, never> {}

/**
 * The declared keys of a channel and the schema of each key's value.
 *
 * **Example**
 *
 * ```ts
 * import { Schema } from "effect"
 * import { Channel } from "effect-graflow"
 *
 * const Channels = Channel.schema({
 *   config: Schema.Struct({ batchSize: Schema.Number }),
 *   total_processed: Schema.Number,
 *   logs: Schema.Array(Schema.String)
 * })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface ChannelSchema<in out T extends object> {
  readonly "~effect-graflow/ChannelSchema": (types: T) => T
  /** The schema of each declared key. */
  readonly fields: { readonly [K in keyof T]: ValueSchema<T[K]> }
}

/**
 * The value types a {@link ChannelSchema} declares: `{ config: { readonly batchSize: number }, … }`.
 *
 * **Example**
 *
 * ```ts
 * import { Schema } from "effect"
 * import { Channel } from "effect-graflow"
 *
 * const Channels = Channel.schema({ total: Schema.Number })
 * type T = Channel.Types<typeof Channels> // { total: number }
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type Types<S> = S extends ChannelSchema<infer T> ? T : never

/**
 * Declares channel keys and their value schemas. Keys may not end in
 * `.__result__` (those hold task results).
 *
 * **Example**
 *
 * ```ts
 * import { Schema } from "effect"
 * import { Channel } from "effect-graflow"
 *
 * const Channels = Channel.schema({
 *   config: Schema.Struct({ batchSize: Schema.Number }),
 *   logs: Schema.Array(Schema.String)
 * })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const schema: <const Fields extends { readonly [key: string]: ValueSchema }>(
  fields: Fields & { readonly [K in keyof Fields & `${string}.__result__`]: "keys ending in .__result__ hold task results" }
) => ChannelSchema<{ -readonly [K in keyof Fields]: Fields[K]["Type"] }> = internal.schema

/**
 * Options of a write.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Channel } from "effect-graflow"
 *
 * const cache = (channel: Channel.Untyped) => channel.set("api_response", { data: "..." }, { ttl: "5 minutes" })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface SetOptions {
  /** Time to live: the key disappears once it has passed. A positive, finite duration. */
  readonly ttl?: Duration.Input | undefined
}

/**
 * What happens to a run's namespace when the run ends (the channel contents
 * and results are in the run's output either way):
 *
 * - `"delete"`: every key is removed, results included (the memory backend's
 *   default);
 * - `{ expireAfter }`: every key expires after that duration at the latest (a
 *   key with a shorter TTL keeps it) — RedisChannel's default is one day, so
 *   other processes can read the results for a while and nothing stays forever;
 * - `"keep"`: the keys stay until something deletes them
 *   (`Workflow.deleteRun`, `Channel.drop`).
 *
 * Set it per backend (`RedisChannel.layer({ retention })`) or per run
 * (`Workflow.run(workflow, { retention })`).
 *
 * **Example**
 *
 * ```ts
 * import { Channel } from "effect-graflow"
 *
 * const aWeek: Channel.Retention = { expireAfter: "7 days" }
 * const gone: Channel.Retention = "delete"
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type Retention = "delete" | "keep" | { readonly expireAfter: Duration.Input }

/**
 * Options of {@link Untyped.lock}.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Channel } from "effect-graflow"
 *
 * const bump = (channel: Channel.Untyped) =>
 *   channel.lock("total", Effect.flatMap(channel.get("total", 0), (n) => channel.set("total", Number(n) + 1)), {
 *     timeout: "2 seconds"
 *   })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface LockOptions {
  /**
   * How long to wait for the lock when another holder has it (default: 10
   * seconds). The lock is tried at least once, so `0` takes a free lock and
   * fails at once on a held one. A NaN or negative timeout is a `TypeError`
   * (a defect), never a silent default.
   */
  readonly timeout?: Duration.Input | undefined
}

/**
 * The errors of a write: the value or the TTL is invalid, the key is reserved,
 * or the backend failed.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Channel } from "effect-graflow"
 *
 * const save = (channel: Channel.Untyped, value: unknown): Effect.Effect<void, Channel.WriteError> =>
 *   channel.set("value", value)
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export type WriteError = InvalidValueError | InvalidTtlError | ReservedKeyError | ChannelError

/**
 * The ad-hoc channel (Graflow's `get_channel()`): any string key, any JSON
 * value, values read back as `unknown`. In a task with a channel schema `T`
 * (`ctx.untyped`), a key `T` declares takes only a value of its type.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Channel } from "effect-graflow"
 *
 * const program = Effect.gen(function*() {
 *   const channel = yield* Channel.open("demo")
 *   yield* channel.set("user_id", "user_123")
 *   yield* channel.append("logs", "started", { ttl: "10 minutes" })
 *   const setting = yield* channel.get("setting", "default_value") // unknown
 *   return { setting, keys: yield* channel.keys() }
 * })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Untyped<T extends object = {}> {
  /** The namespace this channel lives in (`{workflow}/{runId}` in a run). */
  readonly namespace: string
  /** The value under `key`; fails with `KeyNotFoundError` when there is none. */
  get(key: string): Effect.Effect<unknown, KeyNotFoundError | ChannelError>
  /** The value under `key`, or `orElse` (returned untouched) when there is none. */
  get<D>(key: string, orElse: D): Effect.Effect<unknown, ChannelError>
  /** The value under `key` as an `Option`. */
  getOption(key: string): Effect.Effect<Option.Option<unknown>, ChannelError>
  /** Stores a JSON value; `ttl` makes it expire, none removes an old TTL. */
  set<K extends string>(key: K, value: ValueBeside<T, K>, options?: SetOptions): Effect.Effect<void, WriteError>
  /** Whether `key` has a live value. */
  exists(key: string): Effect.Effect<boolean, ChannelError>
  /** Removes `key`; `true` if it had a live value. */
  delete(key: string): Effect.Effect<boolean, ReservedKeyError | ChannelError>
  /** The live keys (result keys left out), in no particular order. */
  keys(): Effect.Effect<ReadonlyArray<string>, ChannelError>
  /** Removes every key but the task results. */
  clear(): Effect.Effect<void, ChannelError>
  /** Adds at the tail of the list under `key` (created if missing); returns the new length. */
  append<K extends string>(key: K, value: ElementBeside<T, K>, options?: SetOptions): Effect.Effect<number, WriteError | WrongTypeError>
  /** Adds at the head of the list under `key` (created if missing); returns the new length. */
  prepend<K extends string>(key: K, value: ElementBeside<T, K>, options?: SetOptions): Effect.Effect<number, WriteError | WrongTypeError>
  /** Adds `delta` (default 1) atomically; a missing key counts as 0. Returns the new number. */
  atomicAdd(key: string, delta?: number): Effect.Effect<number, WrongTypeError | InvalidValueError | ReservedKeyError | ChannelError>
  /**
   * Runs `self` while holding the advisory lock of `key`. Reentrant: a fiber
   * that holds the lock (and the fibers it forks) can lock the key again.
   */
  lock<A, E, R>(
    key: string,
    self: Effect.Effect<A, E, R>,
    options?: LockOptions
  ): Effect.Effect<A, E | LockTimeoutError | ChannelError, R>
  /**
   * A view where every key holds a value of `schema` (Graflow's
   * `get_typed_channel(TypedDict)`): writes are checked at compile time and
   * run time, reads decode and fail with `ChannelDecodeError` on bad data.
   */
  typed<A>(schema: ValueSchema<A>): Typed<EveryKey<T, A>, string, string>
}

/**
 * What the untyped channel takes under `key` in a task whose channel schema
 * is `T`: any value (JSON, checked when written) for a key the schema does
 * not declare, a value of the key's type for one it does — so that a typed
 * key is not written with another type behind the schema's back. (At run
 * time every write to a key the workflow's schema declares is checked
 * against it, in tasks that declare no schema too.)
 *
 * **Example**
 *
 * ```ts
 * import type { Channel } from "effect-graflow"
 *
 * type Total = Channel.ValueBeside<{ readonly total: number }, "total"> // number
 * type Free = Channel.ValueBeside<{ readonly total: number }, "notes"> // unknown
 * ```
 *
 * @category models
 * @since 0.3.0
 */
export type ValueBeside<T extends object, K extends string> = K extends keyof T ? T[K] : unknown

/**
 * What `append` and `prepend` of the untyped channel take under `key`: an
 * element of the key's list type for a key the schema declares (see
 * {@link ValueBeside}).
 *
 * **Example**
 *
 * ```ts
 * import type { Channel } from "effect-graflow"
 *
 * type Log = Channel.ElementBeside<{ readonly logs: ReadonlyArray<string> }, "logs"> // string
 * ```
 *
 * @category models
 * @since 0.3.0
 */
export type ElementBeside<T extends object, K extends string> = K extends keyof T ? T[K] extends ReadonlyArray<infer E> ? E : never
  : unknown

/**
 * The keys of a view where every key holds an `A` (`ctx.typedChannel(schema)`)
 * in a task whose channel schema is `T`: every key, but those `T` declares
 * with a type `A` is not — there the value type says so, and nothing but a
 * value of the key's type can be written.
 *
 * **Example**
 *
 * ```ts
 * import type { Channel } from "effect-graflow"
 *
 * type Keys = Channel.EveryKey<{ readonly total: number }, string> // every key a string, "total" the message
 * ```
 *
 * @category models
 * @since 0.3.0
 */
export type EveryKey<T extends object, A> = [keyof T] extends [never] ? { readonly [key: string]: A }
  : { readonly [key: string]: A } & { readonly [K in keyof T as [A] extends [T[K]] ? never : K]: TypedByTheSchema_WriteItThroughCtxChannel<K & string> }

/**
 * What a key of the task's channel schema holds in a view of another type
 * (see {@link EveryKey}).
 *
 * **Example**
 *
 * ```ts
 * import type { Channel } from "effect-graflow"
 *
 * type Told = Channel.TypedByTheSchema_WriteItThroughCtxChannel<"total">
 * ```
 *
 * @category models
 * @since 0.3.0
 */
export interface TypedByTheSchema_WriteItThroughCtxChannel<K extends string> {
  readonly "this key has another type in the task's channel schema: write it through ctx.channel": K
}

/**
 * A channel checked against a schema. `Readable` keys can be read, `Writable`
 * keys can be written; in a task, those are the keys it declares. `get`
 * without a default takes only the `Present` keys (in a task, its `reads`:
 * a task before it certainly wrote them), where a key the task only writes may
 * not be there yet: read it with a default, or `getOption`.
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Channel, Task } from "effect-graflow"
 *
 * const Channels = Channel.schema({ logs: Schema.Array(Schema.String), total: Schema.Number })
 * const log = Task.make("log", { channels: Channels, writes: ["logs", "total"] }, (ctx) =>
 *   Effect.gen(function*() {
 *     yield* ctx.channel.append("logs", "processed")  // a string, because logs is a list of strings
 *     return yield* ctx.channel.atomicAdd("total", 100)
 *   }))
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Typed<
  in out T extends object,
  Readable extends keyof T & string,
  Writable extends keyof T & string,
  Present extends Readable = Readable
> {
  /** The namespace this channel lives in. */
  readonly namespace: string
  /** The decoded value under `key`; fails with `KeyNotFoundError` when there is none. */
  get<K extends PresentKey<Present>>(key: K): Effect.Effect<T[K & keyof T], KeyNotFoundError | ChannelDecodeError | ChannelError>
  /** The decoded value under `key`, or `orElse` (returned untouched) when there is none. */
  get<K extends Readable, D>(key: K, orElse: D): Effect.Effect<T[K] | D, ChannelDecodeError | ChannelError>
  /** The decoded value under `key` as an `Option`. */
  getOption<K extends Readable>(key: K): Effect.Effect<Option.Option<T[K]>, ChannelDecodeError | ChannelError>
  /** Encodes `value` with the key's schema and stores it. */
  set<K extends WritableKey<Writable>>(
    key: K,
    value: ValueFor<T, K & keyof T>,
    options?: SetOptions
  ): Effect.Effect<void, WriteError>
  /** Whether `key` has a live value. */
  exists<K extends Readable>(key: K): Effect.Effect<boolean, ChannelError>
  /** Removes `key`; `true` if it had a live value. */
  delete<K extends WritableKey<Writable>>(key: K): Effect.Effect<boolean, ReservedKeyError | ChannelError>
  /** Adds an element at the tail of a list key; returns the new length. */
  append<K extends ListKey<T, Writable>>(
    key: K,
    value: ElementFor<T, K & keyof T>,
    options?: SetOptions
  ): Effect.Effect<number, WriteError | WrongTypeError>
  /** Adds an element at the head of a list key; returns the new length. */
  prepend<K extends ListKey<T, Writable>>(
    key: K,
    value: ElementFor<T, K & keyof T>,
    options?: SetOptions
  ): Effect.Effect<number, WriteError | WrongTypeError>
  /** Adds `delta` (default 1) atomically to a number key; returns the new number. */
  atomicAdd<K extends NumberKey<T, Writable>>(
    key: K,
    delta?: number
  ): Effect.Effect<number, WrongTypeError | InvalidValueError | ReservedKeyError | ChannelError>
  /** Runs `self` while holding the advisory lock of `key` (reentrant). */
  lock<K extends Readable, A, E, R>(
    key: K,
    self: Effect.Effect<A, E, R>,
    options?: LockOptions
  ): Effect.Effect<A, E | LockTimeoutError | ChannelError, R>
}

/**
 * Opens a namespace of the provided backend as an untyped channel, for as long
 * as the current scope is open. Workflow runs do this for you; use it to share
 * a channel with code outside a workflow, or to inspect one.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Channel, MemoryChannel } from "effect-graflow"
 *
 * const program = Effect.gen(function*() {
 *   const channel = yield* Channel.open("scratch")
 *   yield* channel.set("answer", 42)
 *   return yield* channel.get("answer")
 * }).pipe(Effect.scoped, Effect.provide(MemoryChannel.layer))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const open: (
  namespace: string
) => Effect.Effect<Untyped, InvalidNamespaceError | ChannelError, Channel | Scope.Scope> = internal.open

/**
 * Removes every key of a namespace, results included, from the provided
 * backend. A run's namespace is `Workflow.namespace(workflow, runId)`; to
 * delete a run's keys, `Workflow.deleteRun` says it in one call.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Channel, MemoryChannel } from "effect-graflow"
 *
 * const program = Channel.drop("scratch").pipe(Effect.provide(MemoryChannel.layer))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const drop: (namespace: string) => Effect.Effect<void, InvalidNamespaceError | ChannelError, Channel> = internal.drop
