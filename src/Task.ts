/**
 * Tasks: the units of a workflow. A task has an id, a body that returns an
 * Effect (or a plain value), and declarations the type checker uses:
 *
 * - `after`: the tasks whose results it reads with `ctx.getResult(id)`
 *   (`Task.optional(t)` for a result that may be absent);
 * - `channels`, `reads`, `writes`: the channel schema, and the keys it reads
 *   and writes through `ctx.channel`;
 * - `goto`, `terminate`: the control flow it may take (jumps to other tasks of
 *   the workflow, stopping the run), which makes later results optional;
 * - `input`, `maxCycles`, `retry`, `timeout`: iteration and execution policy.
 *
 * The task's type carries its id, result, errors, requirements and
 * declarations, so composition can check a workflow before it runs.
 *
 * @since 0.1.0
 */
import type { Duration, Effect, Option, Pipeable, Schedule } from "effect"
import type * as Channel from "./Channel.js"
import type { Json } from "./ChannelBackend.js"
import type { ChannelDecodeError, ChannelError, InvalidValueError } from "./ChannelError.js"
import type { Flow, FlowShape } from "./Flow.js"
import * as internal from "./internal/task.js"
import type { TakesNoInput } from "./types/ItemChecks.js"
import type { AwaitsOf, AwaitTypes } from "./types/Awaits.js"
import type { BodyError, BodyServices, BodySuccess } from "./types/BodyResult.js"
import type { Control, ControlOf, GotoIds, GotoOption, NoControl, SkipsOf, StopsOf } from "./types/Control.js"
import type { Deps, NeedsOf, WantsOf } from "./types/Deps.js"
import type { AnyAwait, AnyEntry, Entry } from "./types/Entry.js"
import type { DeclaredIo, InputIo, Io, NoIo } from "./types/Io.js"
import type { EngineError, ErrorsDescribed, ResultBound } from "./types/Options.js"
import type { TaskShape } from "./types/TaskShape.js"
import type * as Workflow from "./Workflow.js"
import type {
  CheckpointMismatchError,
  CheckpointStoreError,
  CycleLimitExceededError,
  InvalidRunInputError,
  RunLeaseLostError,
  InvalidNextTaskError,
  ResultNotAvailableError,
  UnknownTaskError,
  WorkflowCancelled
} from "./WorkflowError.js"

// What a user reads in a task's type or hover, defined with the algorithms
// that build it in src/types/ and documented there.
export type { Control, ControlOf, GotoOption, NoControl } from "./types/Control.js"
export type { Deps, NoDeps } from "./types/Deps.js"
export type { AnyAwait, AnyEntry, Await, Entry } from "./types/Entry.js"
export type { DeclaredIo, InputIo, Io, NoIo } from "./types/Io.js"
export type { ErrorSchemaMisses } from "./types/Options.js"
export type { TaskShape } from "./types/TaskShape.js"

/**
 * The `awaits` option: a schema per request name, for the responses.
 *
 * **Example**
 *
 * ```ts
 * import { Schema } from "effect"
 * import type { Task } from "effect-graflow"
 *
 * const awaits = { approval: Schema.Struct({ approved: Schema.Boolean }) } satisfies Task.AwaitSchemas
 * ```
 *
 * @category models
 * @since 0.2.0
 */
export interface AwaitSchemas {
  readonly [name: string]: Channel.ValueSchema
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
export interface Task<Id extends string, A, out E = never, out R = never, out I extends Io = NoIo>
  extends Flow<TaskShape<Id, A, E, R, I>>, Pipeable.Pipeable
{
  readonly _tag: "Task"
  /** The task id: unique in a workflow, and the key of its result. */
  readonly id: Id
  /** Type-level only: the task's result entry, for the tasks that read it. */
  readonly "~entry": Entry<Id, A>
  /** Type-level only: what a task with it in `after` requires (its entry) and reads if it exists (nothing). */
  readonly "~need": Entry<Id, A>
  readonly "~want": never
  /** Type-level only: what a task with it in `after` reads, `{ [id]: result }` (see {@link Deps}). */
  readonly "~dep": { readonly [K in Id]: A }
  /** Type-level only: the same with `Task.optional(task)` in `after`, `{ [id]: Option<result> }`. */
  readonly "~optionalDep": { readonly [K in Id]: Option.Option<A> }
}

/**
 * What `ctx.getResult` offers for a task in `after` whose id the compiler does
 * not know (made by `Task.forEach` from a list without `as const`, see
 * {@link FromAList}): its key says how to read such a result.
 *
 * **Example**
 *
 * ```ts
 * import type { Task } from "effect-graflow"
 *
 * type Unknown = keyof Task.IdKnownAtRunTime
 * ```
 *
 * @category type-level
 * @since 0.3.0
 */
export interface IdKnownAtRunTime {
  readonly "this task's id is known only at run time: write the id list `as const` (Task.forEach), or read the result with ctx.lookupResult(task)": never
}

/**
 * Any task.
 *
 * **Example**
 *
 * ```ts
 * import { Task } from "effect-graflow"
 *
 * const tasks: ReadonlyArray<Task.Any> = [Task.make("a", () => 1), Task.make("b", () => "two")]
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Any extends Flow<FlowShape>, Pipeable.Pipeable {
  readonly _tag: "Task"
  readonly id: string
  readonly "~entry": AnyEntry
  readonly "~need": AnyEntry
  readonly "~want": never
  readonly "~dep": object
  readonly "~optionalDep": object
}

/**
 * Any task whose result has type `A`, whatever its id, errors, services and
 * declarations: the constraint of a helper that takes a task
 * (`<D extends Task.Returning<number>>(dep: D)`). (`Task.Task<string, number>`
 * is something else: the type of a task whose id is not known to the
 * compiler, with no errors, services or declarations — a task with a literal
 * id is not one.)
 *
 * **Example**
 *
 * ```ts
 * import { Task, Workflow } from "effect-graflow"
 *
 * const twice = <D extends Task.Returning<number>>(dep: D) => Workflow.chain(dep, Task.make("twice", () => 2))
 * const flow = twice(Task.make("count", () => 21))
 * ```
 *
 * @category models
 * @since 0.3.0
 */
export interface Returning<A> extends Any {
  readonly "~entry": Entry<string, A>
}

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
export type Result<T extends Any> = T["~shape"]["results"]["result"]

/**
 * A task whose result a task reads if it exists: `after: [Task.optional(t)]`.
 * `ctx.getResult(t.id)` then gives an `Option`.
 *
 * **Example**
 *
 * ```ts
 * import { Task } from "effect-graflow"
 *
 * const mirror = Task.make("mirror", () => "data")
 * const maybeMirror: Task.Optional<typeof mirror> = Task.optional(mirror)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Optional<out T extends Any> {
  readonly _tag: "Optional"
  readonly task: T
  /** The task's id. */
  readonly id: T["id"]
  /** Type-level only: the task's result entry. */
  readonly "~entry": T["~entry"]
  /** Type-level only: what a task with it in `after` requires (nothing) and reads if it exists (the task's entry). */
  readonly "~need": never
  readonly "~want": T["~entry"]
  /** Type-level only: what a task with it in `after` reads, `{ [id]: Option<result> }`. */
  readonly "~dep": T["~optionalDep"]
}

/**
 * Marks a task in `after` as optional: its result may be absent (the task is
 * in a lenient parallel group, or runs after a task that may jump or
 * terminate), and `ctx.getResult(id)` gives an `Option`.
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Option } from "effect"
 * import { Task } from "effect-graflow"
 *
 * const mirror = Task.make("mirror", () => Effect.succeed("data"))
 * const merge = Task.make("merge", { after: [Task.optional(mirror)] }, (ctx) =>
 *   Effect.map(ctx.getResult("mirror"), Option.getOrElse(() => "no mirror")))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const optional = <T extends Any>(task: T): Optional<T> => internal.optional(task)

/**
 * An entry of `after`: a task, or an optional one.
 *
 * **Example**
 *
 * ```ts
 * import { Task } from "effect-graflow"
 *
 * const a = Task.make("a", () => 1)
 * const b = Task.make("b", () => 2)
 * const after: ReadonlyArray<Task.AfterEntry> = [a, Task.optional(b)]
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type AfterEntry = Any | Optional<Any>

/**
 * Options of `ctx.nextTask`.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task } from "effect-graflow"
 *
 * const fallback = Task.make("fallback", () => "recovered")
 * const main = Task.make("main", { goto: true, adds: [fallback] }, (ctx) => ctx.nextTask(fallback, { goto: true } satisfies Task.NextTaskOptions))
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface NextTaskOptions {
  /**
   * Skip what would run after the current task: the added task runs instead of
   * it. Needs `goto` declared on the current task (`goto: true`, or a list of
   * targets), because it makes later results optional.
   */
  readonly goto: true
}

/**
 * What a task's body gets. `Deps` are the results it may read, `T` the channel
 * value types, `Reads`/`Writes` the keys it declared in `reads` and `writes`
 * (it may read both; `get` without a default only the `reads` ones, which a
 * task before it certainly wrote), `C` its control.
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
  Reads extends string,
  Writes extends string,
  C extends Control = NoControl
> {
  /** The id of the running task. */
  readonly taskId: string
  /** The name of the running workflow. */
  readonly workflow: string
  /** The id of this run. */
  readonly runId: string
  /** The attempt of this execution: 1, then 2, 3… when `retry` runs it again. */
  readonly attempt: number
  /** The iteration: 1, then 2, 3… for each `nextIteration` (and each re-run after a `goto`). */
  readonly iteration: number
  /**
   * The channel: typed by the task's channel schema (only the declared keys,
   * with their value types), or untyped when the task has no schema.
   */
  readonly channel: [keyof T] extends [never] ? Channel.Untyped
    : Channel.Typed<T, (Reads | Writes) & keyof T & string, Writes & keyof T & string, Reads & keyof T & string>
  /**
   * The ad-hoc channel: any key, values read back as `unknown`; a key the
   * task's channel schema types takes only a value of its type (and, at run
   * time, any key the workflow's schema declares is checked against it).
   */
  readonly untyped: Channel.Untyped<T>
  /** The result of a task declared in `after` (an `Option` for `Task.optional` ones). */
  getResult<K extends keyof Deps & string>(id: K): Effect.Effect<Deps[K], ChannelDecodeError | ChannelError>
  /**
   * The result of a task by its value — typed by it — or by a run-time id
   * (`unknown`). For tasks that are not certainly upstream: tasks added with
   * `nextTask`, or tasks of other branches. Fails with `UnknownTaskError`
   * (listing the workflow's ids) or `ResultNotAvailableError`.
   */
  lookupResult<Dyn extends Any>(
    task: Dyn
  ): Effect.Effect<Result<Dyn>, ResultNotAvailableError | ChannelDecodeError | ChannelError>
  lookupResult(
    id: string
  ): Effect.Effect<unknown, UnknownTaskError | ResultNotAvailableError | ChannelDecodeError | ChannelError>
  /**
   * A view where every key holds a value of `schema` (Graflow's
   * `get_typed_channel`): wrong values do not compile — nor does a key the
   * task's channel schema types with another type; stored data that does not
   * decode fails with `ChannelDecodeError`.
   */
  typedChannel<A>(schema: Channel.ValueSchema<A>): Channel.Typed<Channel.EveryKey<T, A>, string, string>
  /**
   * Runs this task again after the current run, with `input` as its input
   * (`ctx.input` and the body's second argument); what follows the task runs
   * once, after the last iteration. Fails with `CycleLimitExceededError` when
   * the task has run `maxCycles` times.
   */
  nextIteration(...input: [C["input"]] extends [void] ? [] : [input: C["input"]]): Effect.Effect<void, CycleLimitExceededError>
  /**
   * Adds a task to run after this one (before what follows it statically, or
   * instead of it with `{ goto: true }`): one of the tasks declared in `adds`,
   * whose errors and services are then part of this task's. Its result is
   * read through the task value: `ctx.lookupResult(task)` downstream.
   */
  nextTask(
    task: [Extract<C["adds"], Any>] extends [never] ? NoAdds : Extract<C["adds"], Any>,
    ...options: C["skip"] extends true ? [options?: NextTaskOptions] : []
  ): Effect.Effect<void, InvalidNextTaskError | ChannelError>
  /**
   * Calls a tool — a template declared in `adds` — with `input`: after this
   * attempt the call runs as a task of its own, concurrently with the other
   * tasks this attempt added or called (so an agent's tool calls run in
   * parallel), and the same tool may be called any number of times, each
   * call's result kept. Gives the call's task: read its result with
   * `ctx.lookupResult(call)` later (its id is `{task}.{iteration}.{n}.{name}#{k}`).
   */
  call<Tool extends Extract<C["adds"], AnyTemplate>>(
    tool: [Extract<C["adds"], AnyTemplate>] extends [never] ? NoTools : Tool,
    input: Tool extends (params: infer P) => Any ? P : never
  ): Effect.Effect<
    Tool extends (params: infer _P) => Task<string, infer A, infer E, infer R, infer I> ? Task<string, A, E, R, I> : never,
    InvalidNextTaskError
  >
  /**
   * After this task, jump to task `target` of the workflow (one of the ids
   * declared in `goto`) instead of what follows this task. Fails with
   * `CycleLimitExceededError` when the target has run `maxCycles` times.
   */
  goto(target: C["goto"]): Effect.Effect<void, CycleLimitExceededError>
  /**
   * Stops the run successfully after this task: nothing else starts, running
   * parallel members finish. Needs `terminate: true` declared.
   */
  terminate: C["terminate"] extends true ? (reason?: string) => Effect.Effect<void> : never
  /** Stops the run with `WorkflowCancelled` now; this task has no result. */
  cancel(reason: string): Effect.Effect<never, WorkflowCancelled>
  /**
   * Graflow's deferred checkpoint: once this task has completed (its result
   * stored; never when it fails), the run is saved to the `CheckpointStore` —
   * what completed, what is pending, the channel with each key's remaining
   * TTL — and `Workflow.resume` can continue it from there. The metadata
   * (JSON) is kept with it, with the task id, iteration and time added. A
   * checkpoint that cannot be written fails this task with
   * `CheckpointStoreError`.
   */
  checkpoint(metadata?: { readonly [key: string]: Json }): Effect.Effect<void, InvalidValueError | CheckpointStoreError>
  /**
   * Waits for the response to request `name` (declared in `awaits`), sent
   * with `Workflow.respond` from this process or another one. Without a
   * response within `timeout` (none: as long as it takes; `0`: only one sent
   * already), the run suspends: it is checkpointed and `Workflow.run` returns
   * `status: "suspended"` with the pending requests; `Workflow.respond` then
   * `Workflow.resume` continue it. A response that does not decode with the
   * request's schema is logged and skipped.
   */
  waitFor<K extends keyof C["awaits"] & string>(
    name: [keyof C["awaits"]] extends [never] ? NoAwaits : K,
    options?: WaitOptions
  ): Effect.Effect<C["awaits"][K], ChannelError>
}

/**
 * The options of `ctx.waitFor`.
 *
 * **Example**
 *
 * ```ts
 * import type { Task } from "effect-graflow"
 *
 * const options: Task.WaitOptions = { timeout: "10 minutes", prompt: "Approve the refund?" }
 * ```
 *
 * @category models
 * @since 0.2.0
 */
export interface WaitOptions {
  /** How long to wait before the run suspends (default: as long as it takes). */
  readonly timeout?: Duration.Input
  /** What the request asks, for whoever answers it (in the suspended run's requests). */
  readonly prompt?: string
}


/**
 * What `ctx.waitFor` takes in a task that declares no `awaits`: a message.
 *
 * @category type-level
 * @since 0.2.0
 */
export type NoAwaits = "declare the requests this task waits for in `awaits: { name: schema }`"


/**
 * What `ctx.nextTask` takes in a task that declares no `adds`: a message.
 *
 * @category type-level
 * @since 0.1.0
 */
export type NoAdds = "declare the tasks this task may add in `adds: [task]`: their errors and services become this task's"


/**
 * The retry policy of a task: a `Schedule` that accepts any input (such as
 * `Schedule.exponential("100 millis")`), or a number of retries.
 *
 * **Example**
 *
 * ```ts
 * import { Schedule } from "effect"
 * import type { Task } from "effect-graflow"
 *
 * const backoff: Task.RetryPolicy = Schedule.exponential("100 millis").pipe(Schedule.upTo({ times: 5 }))
 * const thrice: Task.RetryPolicy = { times: 3 }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type RetryPolicy = Schedule.Schedule<unknown, unknown> | { readonly times: number }

/**
 * The options of {@link make}.
 *
 * **Example**
 *
 * ```ts
 * import { Schema } from "effect"
 * import { Channel, Task } from "effect-graflow"
 *
 * const Channels = Channel.schema({ total: Schema.Number })
 * const count = Task.make("count", { channels: Channels, writes: ["total"], retry: { times: 2 }, timeout: "30 seconds" }, (ctx) =>
 *   ctx.channel.atomicAdd("total", 1))
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Options<
  T extends object,
  After,
  Reads,
  Writes,
  RA,
  Input,
  Goto,
  Terminate,
  Timeout = Duration.Input,
  Adds = ReadonlyArray<never>,
  Awaits = {},
  EA = unknown,
  Out = unknown
> {
  /** The channel schema the task reads and writes keys of. */
  readonly channels?: Channel.ChannelSchema<T>
  /** The tasks whose results this task reads (they must certainly run before it, or be `Task.optional`). */
  readonly after?: After
  /**
   * For a template: its name, which begins the ids of its instances made
   * without one (`{name}_{8 hex}`) and of its calls as a tool (default: the
   * body function's name, else `task`).
   */
  readonly name?: string
  /** The channel keys it reads (some task before it must write them, or they have an initial value). */
  readonly reads?: Reads
  /** The channel keys it writes (it may write no others). */
  readonly writes?: Writes
  /**
   * A schema for the result, so that a result that is not JSON (a `Date`, a
   * class) round-trips through the channel.
   */
  readonly result?: Channel.ValueSchema<RA>
  /**
   * A schema for the task's errors (a `Schema.TaggedError` class, or a union
   * of them): in a distributed run, an error of an attempt on a worker comes
   * back as itself, decoded, instead of as a `RemoteTaskError`.
   */
  readonly error?: Channel.ValueSchema<EA> & ErrorsDescribed<NoInfer<Out>, NoInfer<EA>>
  /** The input of the first iteration (`ctx.nextIteration(input)` gives the next ones). */
  readonly input?: Input
  /**
   * The tasks of the workflow this task may jump to with `ctx.goto(id)`; or
   * `true` when it only adds tasks with `ctx.nextTask(task, { goto: true })`.
   */
  readonly goto?: Goto
  /** Whether this task may stop the run with `ctx.terminate()`. */
  readonly terminate?: Terminate
  /**
   * The tasks this task may add with `ctx.nextTask(task)` (tools of an agent
   * loop, a fallback): their errors and services are part of this task's, so
   * they are in the run's type.
   */
  readonly adds?: Adds
  /** How many times the task may run in one workflow run (default 10). */
  readonly maxCycles?: number
  /** Retries of a failed attempt. */
  readonly retry?: RetryPolicy
  /** The time limit of each attempt; an attempt that exceeds it fails with `TaskTimeoutError`. */
  readonly timeout?: Timeout
  /**
   * The requests this task may wait for with `ctx.waitFor(name)` (human in the
   * loop), with the schema of each response: `Workflow.respond` is checked
   * against it at compile time and run time.
   */
  readonly awaits?: Awaits
}



/**
 * Creates a task. The body gets the task's {@link Context} (and its input) and
 * returns an Effect or a plain value; that is the task's result, stored in the
 * channel under `{id}.__result__`.
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
// The return types of `make` and `template` are spelled out, twice, on purpose:
// an alias taking `After` (the tasks a task reads) is kept on each task's type
// with its arguments, so every task's type would nest the types of the tasks
// before it (a 100-task workflow then overflows: "excessively deep"), and an
// alias over the errors would show in hovers instead of the errors themselves.
export const make: {
  // Not a call anyone makes: `ids.map(Task.make)` passes an index where the body goes, and this
  // signature (first: an error shows the first signature) says what to use instead.
  (
    id: string,
    index: "Task.make is not a callback for map: to make a task per id, write the ids `as const` and use Task.forEach(ids, template)"
  ): never
  <const Id extends string, Out>(
    id: Id,
    body: (ctx: Context<Deps<readonly []>, {}, never, never>) => Out
  ): Task<Id, BodySuccess<Out>, BodyError<Out>, BodyServices<Out>>
  <
    const Id extends string,
    Out extends ResultBound<RA>,
    T extends object = {},
    const After extends ReadonlyArray<AfterEntry> = readonly [],
    const Reads extends keyof T & string = never,
    const Writes extends keyof T & string = never,
    RA = never,
    Input = void,
    const Goto extends GotoOption = readonly [],
    Terminate extends boolean = false,
    Timeout extends Duration.Input = never,
    const Adds extends ReadonlyArray<Any | AnyTemplate> = readonly [],
    const Aw extends AwaitSchemas = {},
    EA = unknown
  >(
    id: Id,
    options: Options<T, After, ReadonlyArray<Reads>, ReadonlyArray<Writes>, RA, Input, Goto, Terminate, Timeout, Adds, Aw, EA, Out>,
    body: (
      ctx: Context<Deps<After>, T, Reads, Writes, ControlOf<Input, Goto, Terminate, Adds, AwaitTypes<Aw>>>,
      input: Input
    ) => Out
  ): Task<
    Id,
    [RA] extends [never] ? BodySuccess<Out> : RA,
    BodyError<Out> | EngineError<Timeout>,
    BodyServices<Out>,
    DeclaredIo<
      NeedsOf<After>,
      WantsOf<After>,
      Reads,
      Writes,
      { readonly [K in Reads | Writes]: T[K] },
      GotoIds<Goto>,
      SkipsOf<Goto>,
      StopsOf<Terminate>,
      Adds[number]["~shape"],
      [RA] extends [never] ? never : true,
      AwaitsOf<Aw>
    >
  >
} = internal.make

/**
 * A task template with parameters `P` (Graflow's task instances,
 * `fetch_data(task_id="fetch_a", source="api")`): call it with an id and the
 * parameters to get a task — or with the parameters alone for an instance
 * with an id of its own (`{name}_{8 hex}`, `name` the body function's, else
 * `task`: Graflow's `fetch_weather_1a2b3c4d`), whose result is read through
 * the instance (`ctx.lookupResult(instance)`, `Workflow.resultOf(out,
 * instance)`), typed. Such an id differs in every process: give ids to the
 * tasks of a run that continues elsewhere (durable, distributed).
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task } from "effect-graflow"
 *
 * const fetchData: Task.Template<{ readonly source: string }, string, never, never, Task.NoIo> =
 *   Task.template((_ctx, params: { readonly source: string }) => Effect.succeed(`Data from ${params.source}`))
 * const fetchA = fetchData("fetch_a", { source: "api" })
 * const fetchAny = fetchData({ source: "db" }) // id "task_…": read it through fetchAny
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Template<P, A, E, R, I extends Io> {
  <const Id extends string>(id: Id, params: P): Task<Id, A, E, R, I>
  (params: P): Task<string, A, E, R, I>
  /** Type-level only: what a call of it adds to a task that may call it (`adds: [template]`, `ctx.call`). */
  readonly "~shape": TaskShape<string, A, E, R, I>
}

/**
 * Any template: what `adds` takes besides tasks (a tool a task may call with
 * `ctx.call(template, input)`, any number of times).
 *
 * @category models
 * @since 0.3.0
 */
export interface AnyTemplate {
  readonly "~shape": FlowShape
  (params: never): Any
}

/**
 * What `ctx.call` takes in a task that declares no template in `adds`: a message.
 *
 * @category type-level
 * @since 0.3.0
 */
export type NoTools = "declare the templates this task may call in `adds: [template]`: their errors and services become this task's"

/**
 * Creates a task template: a body that also takes parameters. Each instance has
 * its own id and its own bound parameters, both checked at compile time. The
 * parameters are the task's input: `ctx.nextIteration(params)` runs it again
 * with new ones.
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
    body: (ctx: Context<Deps<readonly []>, {}, never, never, ControlOf<P, readonly [], false>>, params: P) => Out
  ): Template<P, BodySuccess<Out>, BodyError<Out>, BodyServices<Out>, NoIo>
  <
    P,
    Out extends ResultBound<RA>,
    T extends object = {},
    const After extends ReadonlyArray<AfterEntry> = readonly [],
    const Reads extends keyof T & string = never,
    const Writes extends keyof T & string = never,
    RA = never,
    const Goto extends GotoOption = readonly [],
    Terminate extends boolean = false,
    Timeout extends Duration.Input = never,
    const Adds extends ReadonlyArray<Any | AnyTemplate> = readonly [],
    const Aw extends AwaitSchemas = {},
    EA = unknown
  >(
    options: Options<T, After, ReadonlyArray<Reads>, ReadonlyArray<Writes>, RA, never, Goto, Terminate, Timeout, Adds, Aw, EA, Out>,
    body: (
      ctx: Context<Deps<After>, T, Reads, Writes, ControlOf<P, Goto, Terminate, Adds, AwaitTypes<Aw>>>,
      params: P
    ) => Out
  ): Template<
    P,
    [RA] extends [never] ? BodySuccess<Out> : RA,
    BodyError<Out> | EngineError<Timeout>,
    BodyServices<Out>,
    DeclaredIo<
      NeedsOf<After>,
      WantsOf<After>,
      Reads,
      Writes,
      { readonly [K in Reads | Writes]: T[K] },
      GotoIds<Goto>,
      SkipsOf<Goto>,
      StopsOf<Terminate>,
      Adds[number]["~shape"],
      [RA] extends [never] ? never : true,
      AwaitsOf<Aw>
    >
  >
} = internal.template

/**
 * One task per id, for workflows built in a loop: `make` gets each id and
 * returns the task of that id (`Task.make(id, …)` or a template's
 * `template(id, params)`). With a literal list of ids the result is a tuple
 * with one task per id — spread it into `Workflow.parallel(...)`,
 * `Workflow.chain(...)` or `after: [...]` and each result is typed and
 * readable by its id (where `ids.map(…)` would give tasks with a union of ids,
 * which `Workflow.make` rejects). Every task has the callback's result, error
 * and service types. Throws a `TypeError` when `make` returns a task with
 * another id.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task, Workflow } from "effect-graflow"
 *
 * const sources = ["api", "db", "files"] as const
 * const fetchers = Task.forEach(sources, (id) => Task.make(id, () => Effect.succeed(id.length)))
 * const total = Task.make("total", { after: fetchers }, (ctx) =>
 *   Effect.all([ctx.getResult("api"), ctx.getResult("db"), ctx.getResult("files")]))
 * const workflow = Workflow.make("fan-out", Workflow.chain(Workflow.parallel(...fetchers), total))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const forEach: <const Ids extends ReadonlyArray<string>, A, E, R, I extends Io>(
  ids: Ids,
  make: (id: Ids[number], index: number) => Task<Ids[number], A, E, R, I>
) => number extends Ids["length"] ? ReadonlyArray<FromAList<Ids[number], A, E, R, I>>
  : { readonly [K in keyof Ids]: Task<Ids[K], A, E, R, I> } = internal.forEach

/**
 * A task made by {@link forEach} over a list whose length is known only when
 * the program runs (a `ReadonlyArray<string>` read from configuration, or a
 * list written without `as const`): such tasks may be spread into
 * `Workflow.parallel(...)` or `Workflow.chain(...)` — the workflow is still
 * fixed when it is made — but their ids are not known to the compiler, so
 * their results are read with `ctx.lookupResult(task)` or
 * `Workflow.resultOf(out, task)`; `ctx.getResult` with one in `after` says so.
 * (With the ids `as const` each task has its own id and type instead.)
 *
 * **Example**
 *
 * ```ts
 * import { Task, Workflow } from "effect-graflow"
 *
 * declare const sources: ReadonlyArray<string> // from configuration
 * const fetchers = Task.forEach(sources, (id) => Task.make(id, () => id.length))
 * const fanOut = Workflow.make("fan-out", Workflow.parallel(...fetchers))
 * ```
 *
 * @category models
 * @since 0.3.0
 */
export interface FromAList<Id extends string, A, out E = never, out R = never, out I extends Io = NoIo>
  extends Flow<TaskShape<Id, A, E, R, I>>, Pipeable.Pipeable
{
  readonly _tag: "Task"
  readonly id: Id
  /** None: in `after`, such a task is no need the compiler can check (its id is not known); read it with `lookupResult`. */
  readonly "~entry": never
  readonly "~need": never
  readonly "~want": never
  readonly "~dep": IdKnownAtRunTime
  readonly "~optionalDep": IdKnownAtRunTime
  readonly "~fromAList": true
}


/**
 * What a `Task.workflow` step fails with, as its `TaskFailed`'s cause: what a
 * run of its workflow fails with — its tasks' `TaskFailed` (narrow by
 * `cause.taskId`: the path is the step's id, then the task's), a group's
 * error, a bad input, the channel's and the journal's errors.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task, Workflow } from "effect-graflow"
 *
 * const charge = Workflow.make("charge", Task.make("debit", () => Effect.fail("declined" as const)))
 * const checkout = Workflow.make("checkout", Task.workflow("pay", charge))
 * const declined = Workflow.run(checkout).pipe(
 *   Effect.catchTag("TaskFailed", (e) =>
 *     Effect.succeed(e.taskId === "pay" && e.cause._tag === "TaskFailed" ? `${e.cause.taskId}: ${String(e.cause.cause)}` : "other"))
 * )
 * ```
 *
 * @category type-level
 * @since 0.3.0
 */
export type WorkflowStepError<E, In> =
  | E
  | ChannelError
  | InvalidValueError
  | ChannelDecodeError
  | CheckpointStoreError
  | CheckpointMismatchError
  | RunLeaseLostError
  | ([In] extends [never] ? never : InvalidRunInputError)

/**
 * The options of {@link workflow} for a workflow with a `Task.input`: the
 * tasks whose results the step reads (`after`), the function that makes the
 * workflow's input from them (`InputOut`: the input, or an Effect of it), and
 * the step's execution policy.
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Task, Workflow } from "effect-graflow"
 *
 * const amount = Task.input("amount", Schema.Number)
 * const charge = Workflow.make("charge", Workflow.chain(amount, Task.make("debit", { after: [amount] }, (ctx) => ctx.getResult("amount"))))
 * const order = Task.make("order", () => ({ total: 12 }))
 * const options: Task.WorkflowOptions<readonly [typeof order], Effect.Effect<number, unknown>, never> = {
 *   after: [order],
 *   input: (ctx) => Effect.map(ctx.getResult("order"), (o) => o.total)
 * }
 * ```
 *
 * @category models
 * @since 0.3.0
 */
export interface WorkflowOptions<After extends ReadonlyArray<AfterEntry>, InputOut, Timeout = Duration.Input> {
  /** The tasks whose results `input` reads (they must certainly run before the step). */
  readonly after?: After
  /** Makes the workflow's input from the step's context: a value, or an Effect of one. */
  readonly input: (ctx: Context<Deps<After>, {}, never, never>) => InputOut
  /** Retries of the whole sub-workflow (each one continues it: its completed tasks do not run again). */
  readonly retry?: RetryPolicy
  /** The time limit of each attempt of the step. */
  readonly timeout?: Timeout
}

/**
 * A step that runs a whole workflow (a sub-workflow): its result is the
 * workflow's results record, read with `ctx.getResult(id)` like any result;
 * the workflow's own tasks are not readable from outside it. The workflow's
 * input, when it takes one, is made by `input` from the step's `after` tasks,
 * and checked against its `Task.input` schema. Its errors (inside the step's
 * `TaskFailed`), its services and the requests its tasks wait for (answered
 * with `Workflow.respond` of the outer workflow) are the step's.
 *
 * At run time the sub-workflow is a run of its own, with its own namespace
 * (`{outer}/{runId}/{step}`) that gets the outer run's retention. When
 * something may continue it — the outer run is durable, the step retries, or
 * it waits for requests — it is durable, kept while the outer run runs: an
 * outer run continued after a crash, resumed after the sub-workflow
 * suspended, or a retry of the step continues it, and its completed tasks do
 * not run again. In a distributed run its tasks run on the workers.
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Task, Workflow } from "effect-graflow"
 *
 * const amount = Task.input("amount", Schema.Number)
 * const debit = Task.make("debit", { after: [amount] }, (ctx) => Effect.map(ctx.getResult("amount"), (n) => `debited ${n}`))
 * const charge = Workflow.make("charge", Workflow.chain(amount, debit))
 *
 * const order = Task.make("order", () => ({ total: 12 }))
 * const pay = Task.workflow("pay", charge, { after: [order], input: (ctx) => Effect.map(ctx.getResult("order"), (o) => o.total) })
 * const receipt = Task.make("receipt", { after: [pay] }, (ctx) => Effect.map(ctx.getResult("pay"), (r) => r.debit))
 * const checkout = Workflow.make("checkout", Workflow.chain(order, pay, receipt))
 * ```
 *
 * @category constructors
 * @since 0.3.0
 */
export const workflow: {
  <const Id extends string, Name extends string, Results, E, R, T extends object, In, Aw extends AnyAwait, Timeout extends Duration.Input = never>(
    id: Id,
    workflow: Workflow.Workflow<Name, Results, E, R, T, In, Aw> & TakesNoInput<In>,
    options?: { readonly retry?: RetryPolicy; readonly timeout?: Timeout }
  ): Task<
    Id,
    Results,
    WorkflowStepError<E, never> | EngineError<Timeout>,
    R,
    DeclaredIo<never, never, never, never, {}, never, never, never, never, true, Aw>
  >
  <
    const Id extends string,
    Name extends string,
    Results,
    E,
    R,
    T extends object,
    In,
    Aw extends AnyAwait,
    const After extends ReadonlyArray<AfterEntry> = readonly [],
    InputOut extends In | Effect.Effect<In, unknown, unknown> = In,
    Timeout extends Duration.Input = never
  >(
    id: Id,
    workflow: Workflow.Workflow<Name, Results, E, R, T, In, Aw>,
    options: WorkflowOptions<After, InputOut, Timeout>
  ): Task<
    Id,
    Results,
    WorkflowStepError<E, In> | BodyError<InputOut> | EngineError<Timeout>,
    R | BodyServices<InputOut>,
    DeclaredIo<NeedsOf<After>, WantsOf<After>, never, never, {}, never, never, never, never, true, Aw>
  >
} = internal.workflow

/**
 * The task where a run's input enters the workflow: its result is the input
 * given to `Workflow.run(workflow, { input })`, checked against `schema` at
 * compile time and decoded at run time (bad input fails the run with
 * `InvalidRunInputError` before anything runs). Tasks read it like any
 * result: `after: [input]`, then `ctx.getResult(id)`. A workflow takes one
 * input; one workflow value runs any number of inputs, concurrently.
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Task, Workflow } from "effect-graflow"
 *
 * const order = Task.input("order", Schema.Struct({ id: Schema.String, amount: Schema.Number }))
 * const charge = Task.make("charge", { after: [order] }, (ctx) => Effect.map(ctx.getResult("order"), (o) => o.amount * 100))
 * const orders = Workflow.make("orders", Workflow.chain(order, charge))
 * const program = Workflow.run(orders, { input: { id: "o-1", amount: 12.5 } })
 * ```
 *
 * @category constructors
 * @since 0.2.0
 */
export const input: <const Id extends string, S extends Channel.ValueSchema>(
  id: Id,
  schema: S
) => Task<Id, S["Type"], never, never, InputIo<Id, S["Type"]>> = internal.input
