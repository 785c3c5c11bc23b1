/**
 * Tasks: the units of a workflow. A task has an id, a body that returns an
 * Effect (or a plain value), and declarations the type checker uses:
 *
 * - `after`: the tasks whose results it reads with `ctx.getResult(id)`;
 * - `channels`, `reads`, `writes`: the channel schema, and the keys it reads
 *   and writes through `ctx.channel`.
 *
 * The task's type carries its id, result, errors, requirements and
 * declarations, so composition can check a workflow before it runs.
 *
 * @since 0.1.0
 */
import type { Effect, Pipeable } from "effect"
import type * as Channel from "./Channel.js"
import type { ChannelDecodeError, ChannelError, InvalidValueError } from "./ChannelError.js"
import type { Flow } from "./Flow.js"
import * as internal from "./internal/task.js"
import type { BodyError, BodyServices, BodySuccess } from "./types/BodyResult.js"
import type { ResultNotAvailableError, UnknownTaskError } from "./WorkflowError.js"

/**
 * What a task declares about its inputs and outputs.
 *
 * - `after`: ids of the tasks whose results it reads;
 * - `reads`: channel keys it reads (some task before it must write them);
 * - `writes`: channel keys it writes;
 * - `channels`: the value types of the keys it touches (`never` when untyped).
 *
 * @category models
 * @since 0.1.0
 */
export interface Io {
  readonly after: string
  readonly reads: string
  readonly writes: string
  readonly channels: object
}

/**
 * The declarations of a task that declares nothing.
 *
 * @category models
 * @since 0.1.0
 */
export interface NoIo {
  readonly after: never
  readonly reads: never
  readonly writes: never
  readonly channels: never
}

/**
 * What a task adds to a flow's shape: its result, and its needs paired with its
 * id. A failed result write (the value is not JSON, the backend failed) fails
 * the task too, so those errors are part of its failures.
 *
 * @category type-level
 * @since 0.1.0
 */
export interface TaskShape<Id extends string, A, E, R, I extends Io> {
  readonly ids: Id
  readonly results: readonly [Id, A]
  readonly writes: I["writes"]
  readonly needs: I["after"] extends infer Dep extends string ? Dep extends string ? readonly [Dep, Id] : never : never
  readonly reads: I["reads"] extends infer Key extends string ? Key extends string ? readonly [Key, Id] : never : never
  readonly dups: never
  readonly channels: I["channels"]
  readonly error: E | InvalidValueError | ChannelError
  readonly services: R
}

/**
 * A task with id `Id`, result `A`, errors `E` and requirements `R`; `I` holds
 * what it declares (see {@link Io}).
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task } from "effect-graflow"
 *
 * const fetch: Task.Task<"fetch", { data: Array<number> }> =
 *   Task.make("fetch", () => Effect.succeed({ data: [1, 2, 3] }))
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Task<out Id extends string, out A, out E = never, out R = never, out I extends Io = NoIo>
  extends Flow<TaskShape<Id, A, E, R, I>>, Pipeable.Pipeable
{
  readonly _tag: "Task"
  /** The task id: unique in a workflow, and the key of its result. */
  readonly id: Id
}

/**
 * Any task.
 *
 * @category models
 * @since 0.1.0
 */
export interface Any extends Task<string, unknown, unknown, unknown, Io> {}

/**
 * The result type of a task.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task } from "effect-graflow"
 *
 * const fetch = Task.make("fetch", () => Effect.succeed({ data: [1, 2, 3] }))
 * type R = Task.Result<typeof fetch> // { data: number[] }
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type Result<T extends Any> = T["~shape"]["results"][1]

/**
 * The results a task can read, from its `after` list: `{ fetch: { data: number[] } }`.
 *
 * @category type-level
 * @since 0.1.0
 */
export type Deps<After extends ReadonlyArray<Any>> = {
  readonly [T in After[number] as T["id"]]: Result<T>
}

/**
 * What a task's body gets. `Deps` are the results it may read, `T` the channel
 * value types, `Readable`/`Writable` the keys it declared.
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Channel, Task } from "effect-graflow"
 *
 * const Channels = Channel.schema({ config: Schema.Struct({ batchSize: Schema.Number }) })
 * const fetch = Task.make("fetch", () => Effect.succeed({ data: [1, 2, 3] }))
 * const process = Task.make("process", { channels: Channels, after: [fetch], reads: ["config"] }, (ctx) =>
 *   Effect.gen(function*() {
 *     const config = yield* ctx.channel.get("config") // { readonly batchSize: number }
 *     const input = yield* ctx.getResult("fetch")     // { data: number[] }
 *     return input.data.length * config.batchSize
 *   }))
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Context<
  Deps extends object,
  T extends object,
  Readable extends string,
  Writable extends string
> {
  /** The id of the running task. */
  readonly taskId: string
  /** The name of the running workflow. */
  readonly workflow: string
  /** The id of this run. */
  readonly runId: string
  /**
   * The channel: typed by the task's channel schema (only the declared keys,
   * with their value types), or untyped when the task has no schema.
   */
  readonly channel: [keyof T] extends [never] ? Channel.Untyped
    : Channel.Typed<T, Readable & keyof T & string, Writable & keyof T & string>
  /** The ad-hoc channel: any key, values read back as `unknown`. */
  readonly untyped: Channel.Untyped
  /** The result of a task declared in `after`. */
  getResult<K extends keyof Deps & string>(id: K): Effect.Effect<Deps[K], ChannelDecodeError | ChannelError>
  /**
   * The result of any task by a run-time id. Fails with `UnknownTaskError`
   * (listing the workflow's ids) or `ResultNotAvailableError`.
   */
  lookupResult(
    id: string
  ): Effect.Effect<unknown, UnknownTaskError | ResultNotAvailableError | ChannelDecodeError | ChannelError>
  /**
   * A view where every key holds a value of `schema` (Graflow's
   * `get_typed_channel`): wrong values do not compile; stored data that does
   * not decode fails with `ChannelDecodeError`.
   */
  typedChannel<A>(schema: Channel.ValueSchema<A>): Channel.Typed<{ readonly [key: string]: A }, string, string>
}

/**
 * The options of {@link make}.
 *
 * @category models
 * @since 0.1.0
 */
export interface Options<T extends object, After, Reads, Writes, RA> {
  /** The channel schema the task reads and writes keys of. */
  readonly channels?: Channel.ChannelSchema<T>
  /** The tasks whose results this task reads (they must certainly run before it). */
  readonly after?: After
  /** The channel keys it reads (some task before it must write them, or they have an initial value). */
  readonly reads?: Reads
  /** The channel keys it writes (it may write no others). */
  readonly writes?: Writes
  /**
   * A schema for the result, so that a result that is not JSON (a `Date`, a
   * class) round-trips through the channel.
   */
  readonly result?: Channel.ValueSchema<RA>
}

/**
 * What a body may return when the task has a `result` schema.
 *
 * @category type-level
 * @since 0.1.0
 */
export type ResultBound<RA> = [RA] extends [never] ? unknown : RA | Effect.Effect<RA, unknown, unknown>

/**
 * The declarations recorded in a task's type. Every argument is a plain union
 * (ids, keys) or the value types of the touched keys, never the types of the
 * `after` tasks themselves: a task's type does not nest the types of the tasks
 * before it, so a chain of 500 tasks costs 500 small types, not a 500-deep one.
 *
 * @category type-level
 * @since 0.1.0
 */
export interface DeclaredIo<After extends string, Reads extends string, Writes extends string, Channels extends object>
  extends Io
{
  readonly after: After
  readonly reads: Reads
  readonly writes: Writes
  readonly channels: Channels
}

/**
 * The value types of the keys a task touches, or `never` for an untyped task.
 *
 * @category type-level
 * @since 0.1.0
 */
export type Touched<T extends object, Keys extends keyof T> = [keyof T] extends [never] ? never : Pick<T, Keys>

/**
 * Creates a task. The body gets the task's {@link Context} and returns an
 * Effect or a plain value; that is the task's result, stored in the channel
 * under `{id}.__result__`.
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Channel, Task } from "effect-graflow"
 *
 * const Channels = Channel.schema({ config: Schema.Struct({ batchSize: Schema.Number }) })
 *
 * const setup = Task.make("setup", { channels: Channels, writes: ["config"] }, (ctx) =>
 *   ctx.channel.set("config", { batchSize: 100 }))
 * const fetch = Task.make("fetch", () => ({ data: [1, 2, 3] }))
 * const process = Task.make("process", { channels: Channels, after: [fetch], reads: ["config"] }, (ctx) =>
 *   Effect.gen(function*() {
 *     const config = yield* ctx.channel.get("config")
 *     const input = yield* ctx.getResult("fetch")
 *     return input.data.length * config.batchSize
 *   }))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make: {
  <const Id extends string, Out>(
    id: Id,
    body: (ctx: Context<{}, {}, never, never>) => Out
  ): Task<Id, BodySuccess<Out>, BodyError<Out>, BodyServices<Out>>
  <
    const Id extends string,
    Out extends ResultBound<RA>,
    T extends object = {},
    const After extends ReadonlyArray<Any> = readonly [],
    const Reads extends ReadonlyArray<keyof T & string> = readonly [],
    const Writes extends ReadonlyArray<keyof T & string> = readonly [],
    RA = never
  >(
    id: Id,
    options: Options<T, After, Reads, Writes, RA>,
    body: (ctx: Context<Deps<After>, T, Reads[number] | Writes[number], Writes[number]>) => Out
  ): Task<
    Id,
    [RA] extends [never] ? BodySuccess<Out> : RA,
    BodyError<Out>,
    BodyServices<Out>,
    DeclaredIo<After[number]["id"], Reads[number], Writes[number], Touched<T, Reads[number] | Writes[number]>>
  >
} = internal.make

/**
 * A task template with parameters `P` (Graflow's task instances,
 * `fetch_data(task_id="fetch_a", source="api")`): call it with an id and the
 * parameters to get a task.
 *
 * @category models
 * @since 0.1.0
 */
export interface Template<P, A, E, R, I extends Io> {
  <const Id extends string>(id: Id, params: P): Task<Id, A, E, R, I>
}

/**
 * Creates a task template: a body that also takes parameters. Each instance has
 * its own id and its own bound parameters, both checked at compile time.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task } from "effect-graflow"
 *
 * const fetchData = Task.template((ctx, params: { readonly source: string }) =>
 *   Effect.gen(function*() {
 *     const data = `Data from ${params.source}`
 *     yield* ctx.untyped.append("fetch_results", data, { ttl: "1 hour" })
 *     return data
 *   }))
 * const fetchA = fetchData("fetch_a", { source: "api" })
 * const fetchB = fetchData("fetch_b", { source: "db" })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const template: {
  <P, Out>(
    body: (ctx: Context<{}, {}, never, never>, params: P) => Out
  ): Template<P, BodySuccess<Out>, BodyError<Out>, BodyServices<Out>, NoIo>
  <
    P,
    Out extends ResultBound<RA>,
    T extends object = {},
    const After extends ReadonlyArray<Any> = readonly [],
    const Reads extends ReadonlyArray<keyof T & string> = readonly [],
    const Writes extends ReadonlyArray<keyof T & string> = readonly [],
    RA = never
  >(
    options: Options<T, After, Reads, Writes, RA>,
    body: (ctx: Context<Deps<After>, T, Reads[number] | Writes[number], Writes[number]>, params: P) => Out
  ): Template<
    P,
    [RA] extends [never] ? BodySuccess<Out> : RA,
    BodyError<Out>,
    BodyServices<Out>,
    DeclaredIo<After[number]["id"], Reads[number], Writes[number], Touched<T, Reads[number] | Writes[number]>>
  >
} = internal.template
