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
import type { ByTask, Flow, FlowShape } from "./Flow.js"
import * as internal from "./internal/task.js"
import type { BodyError, BodyReturn, BodyServices, BodySuccess, ResultProblem } from "./types/BodyResult.js"
import type {
  CheckpointStoreError,
  CycleLimitExceededError,
  InvalidNextTaskError,
  ResultNotAvailableError,
  TaskFailed,
  TaskTimeoutError,
  UnknownTaskError,
  WorkflowCancelled
} from "./WorkflowError.js"

/**
 * What a task declares, as it is recorded in its type.
 *
 * - `needs`: the results it requires, as the entries of the tasks it declared
 *   in `after` ({@link Entry}: the id and the type it reads, so a need is met
 *   only by a task of that id *and* that result type);
 * - `wants`: the same for the results it reads if they exist (`Task.optional`);
 * - `reads`: channel keys it reads (some task before it must write them);
 * - `writes`: channel keys it writes;
 * - `channels`: the value types of the keys it touches (`{}` when untyped);
 * - `goto`: ids it may jump to;
 * - `skips`: `true` when it may skip what follows it (it may jump);
 * - `stops`: `true` when it may terminate the run;
 * - `adds`: the shapes of the tasks it may add with `ctx.nextTask` (their
 *   failures and services are the task's too);
 * - `schema`: `true` when its result has a `result` schema (so it need not be JSON);
 * - `awaits`: the requests it may wait for ({@link Await}: a name and the response's type);
 * - `input`: for a {@link input} task, the type of the run's input.
 *
 * **Example**
 *
 * ```ts
 * import { Task } from "effect-graflow"
 *
 * const fetch = Task.make("fetch", () => [1, 2, 3])
 * const sum = Task.make("sum", { after: [fetch] }, (ctx) => ctx.getResult("fetch"))
 * type Declared = typeof sum extends Task.Task<string, unknown, unknown, unknown, infer I> ? I["needs"]["id"] : never // "fetch"
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Io {
  readonly needs: AnyEntry
  readonly wants: AnyEntry
  readonly reads: string
  readonly writes: string
  readonly channels: object
  readonly goto: string
  readonly skips: true
  readonly stops: true
  readonly adds: FlowShape
  readonly schema: true
  readonly awaits: AnyAwait
  readonly input: unknown
}

/**
 * A task's result as the checks see it: its id and its result type, invariant
 * in the result type (`in out`), so that an entry satisfies a need only when
 * the result types are the same (a wider result under the same id would
 * otherwise pass as the narrower one). An interface rather than a tuple: two
 * entries compare by their type arguments, where tuples compare member by
 * member, array methods included.
 *
 * **Example**
 *
 * ```ts
 * import type { Task } from "effect-graflow"
 *
 * type E = Task.Entry<"fetch", number>
 * type Id = E["id"]         // "fetch"
 * type Result = E["result"] // number
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export interface Entry<Id extends string, in out A> {
  readonly id: Id
  readonly result: A
}

/**
 * Any entry: what every `Entry<Id, A>` is assignable to.
 *
 * @category type-level
 * @since 0.1.0
 */
export interface AnyEntry {
  readonly id: string
  readonly result: unknown
}

/**
 * The declarations of a task that declares nothing.
 *
 * **Example**
 *
 * ```ts
 * import type { Task } from "effect-graflow"
 *
 * type Plain = Task.Task<"plain", number, never, never, Task.NoIo>
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface NoIo {
  readonly needs: never
  readonly wants: never
  readonly reads: never
  readonly writes: never
  readonly channels: never
  readonly goto: never
  readonly skips: never
  readonly stops: never
  readonly adds: never
  readonly schema: never
  readonly awaits: never
  readonly input: never
}

/**
 * A request a task may wait for (human in the loop): its name and the type of
 * its response. Invariant in the response type, like {@link Entry}.
 *
 * **Example**
 *
 * ```ts
 * import type { Task } from "effect-graflow"
 *
 * type Approval = Task.Await<"approval", { readonly approved: boolean }>
 * type Name = Approval["name"] // "approval"
 * ```
 *
 * @category type-level
 * @since 0.2.0
 */
export interface Await<Name extends string, in out A> {
  readonly name: Name
  readonly value: A
}

/**
 * Any request: what every `Await<Name, A>` is assignable to.
 *
 * @category type-level
 * @since 0.2.0
 */
export interface AnyAwait {
  readonly name: string
  readonly value: unknown
}

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
 * The response types of an `awaits` option, by name: what `ctx.waitFor(name)` gives.
 *
 * **Example**
 *
 * ```ts
 * import { Schema } from "effect"
 * import type { Task } from "effect-graflow"
 *
 * type T = Task.AwaitTypes<{ approval: Schema.Boolean }> // { readonly approval: boolean }
 * ```
 *
 * @category type-level
 * @since 0.2.0
 */
export type AwaitTypes<Aw extends AwaitSchemas> = { readonly [K in keyof Aw & string]: Aw[K]["Type"] }

/**
 * The requests of an `awaits` option, as a union of {@link Await}s.
 *
 * **Example**
 *
 * ```ts
 * import { Schema } from "effect"
 * import type { Task } from "effect-graflow"
 *
 * type A = Task.AwaitsOf<{ approval: Schema.Boolean }> // Task.Await<"approval", boolean>
 * ```
 *
 * @category type-level
 * @since 0.2.0
 */
export type AwaitsOf<Aw extends AwaitSchemas> = { [K in keyof Aw & string]: Await<K, Aw[K]["Type"]> }[keyof Aw & string]

/**
 * What a task adds to a flow's shape: its result, its needs paired with its
 * id, and its failure (`TaskFailed` with this id, so a run's error narrows by
 * `taskId`). A failed result write (the value is not JSON, the backend failed)
 * fails the task too, so those errors are part of its failures.
 *
 * **Example**
 *
 * ```ts
 * import type { Flow, Task } from "effect-graflow"
 *
 * type Shape = Task.TaskShape<"a", number, never, never, Task.NoIo>
 * type Provides = Shape["results"] // Task.Entry<"a", number>
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export interface TaskShape<Id extends string, A, E, R, I extends Io> {
  readonly ids: Id
  readonly lits: LiteralId<Id>
  readonly certain: [LiteralId<Id>] extends [never] ? never : Entry<Id, A>
  readonly present: LiteralId<Id>
  readonly results: Entry<Id, A>
  readonly writes: I["writes"]
  readonly needs: I["needs"] extends infer Need extends AnyEntry ? Need extends unknown ? ByTask<Need, Id> : never : never
  readonly wants: I["wants"] extends infer Want extends AnyEntry ? Want extends unknown ? ByTask<Want, Id> : never : never
  readonly reads: I["reads"] extends infer Key extends string ? Key extends string ? ByTask<Key, Id> : never : never
  readonly jumps: I["goto"] extends infer Target extends string ? Target extends string ? ByTask<Target, Id> : never
    : never
  readonly dups: never
  readonly invalid: IdProblems<Id> | ([I["schema"]] extends [never] ? ResultProblem<Id, A> : never)
  readonly channels: I["channels"]
  readonly skips: I["skips"]
  readonly stops: I["stops"]
  readonly groups: never
  readonly failures: TaskFailed<Id, Exclude<E, WorkflowCancelled> | InvalidValueError | ChannelError> | I["adds"]["failures"]
  readonly cancels: Extract<E, WorkflowCancelled> | I["adds"]["cancels"]
  readonly services: R | I["adds"]["services"]
  readonly input: I["input"]
  readonly awaits: I["awaits"]
}

/**
 * A task id as the checks see it: a literal id, or `never` for an id the type
 * checker only knows as `string` (or a template such as `` `fetch-${string}` ``),
 * and for a union of ids: such a task meets no need and is checked for
 * duplicates only when the workflow is made. (Written with `Record` and a
 * per-member check rather than type-fest's `IsStringLiteral`/`IsUnion`: once
 * per task, those cost about 160 more instantiations.)
 *
 * **Example**
 *
 * ```ts
 * import type { Task } from "effect-graflow"
 *
 * type A = Task.LiteralId<"fetch"> // "fetch"
 * type B = Task.LiteralId<string>  // never
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type LiteralId<Id extends string> = {} extends Record<Id, 1> ? never : OneId<Id>

/** `Id` when it is one string type, `never` for a union (checked per member: cheaper than a general IsUnion). */
type OneId<Id extends string, All extends string = Id> = Id extends unknown ? [All] extends [Id] ? Id : never : never

/**
 * What is wrong with a task id itself, in words (reported by `Workflow.make`):
 * a union of ids (`flag ? "a" : "b"`, which would otherwise satisfy the readers
 * of each), or an id ending in `.__result__` (the suffix of result keys).
 * `never` for a good id. A generic id (in a helper that makes tasks) is
 * checked where the helper is used.
 *
 * **Example**
 *
 * ```ts
 * import type { Task } from "effect-graflow"
 *
 * type Ok = Task.IdProblems<"fetch">     // never
 * type Union = Task.IdProblems<"a" | "b"> // a message per member
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type IdProblems<Id extends string> = [LiteralId<Id>] extends [never]
  // a computed id has no problem to report here; a union has one per member
  ? {} extends Record<Id, 1> ? never
  : Id extends unknown ? `task id "${Id}" is one of a union of ids: a task has one id; make one task per id`
  : never
  : Id extends `${string}.__result__` ? `task id "${Id}" ends in ".__result__", the suffix of the keys that hold results`
  : never

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
  /** Type-level only: what a task with it in `after` reads, `{ [id]: result }` (see {@link Deps}). */
  readonly "~dep": { readonly [K in Id]: A }
  /** Type-level only: the same with `Task.optional(task)` in `after`, `{ [id]: Option<result> }`. */
  readonly "~optionalDep": { readonly [K in Id]: Option.Option<A> }
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
  readonly "~dep": object
  readonly "~optionalDep": object
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

// These look at the entries' tags and shapes, never `E extends Any`: a structural
// check against the whole task interface per entry costs more than the rest of a
// task's type, and grew with every task before it.

// Entries are read through the `~entry` property every `after` entry has: an
// indexed access, where an `infer` pattern would build new object types per use.
/** The entries of the required `after` tasks: each task's own entry (the same type object). */
type NeedsOf<After extends ReadonlyArray<AfterEntry>> = After[number] extends infer E extends AfterEntry
  ? E extends { readonly _tag: "Optional" } ? never : E["~entry"]
  : never
/** The entries of the `Task.optional` tasks of `after`. */
type WantsOf<After extends ReadonlyArray<AfterEntry>> = After[number] extends infer E extends AfterEntry
  ? E extends { readonly _tag: "Optional" } ? E["~entry"] : never
  : never

/**
 * The results a task can read, from its `after` list:
 * `{ fetch: { data: number[] }; mirror: Option<string> }` (with no `after`, a
 * record whose only key is the {@link NoDeps} message).
 *
 * **Example**
 *
 * ```ts
 * import { Task } from "effect-graflow"
 *
 * const a = Task.make("a", () => 1)
 * const b = Task.make("b", () => "two")
 * type D = Task.Deps<[typeof a, Task.Optional<typeof b>]> // { readonly a: number } & { readonly b: Option<string> }
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type Deps<After extends ReadonlyArray<AfterEntry>> = After extends readonly [] ? { readonly [K in NoDeps]: never }
  // Each entry carries its own record (`~dep`, made once per task): one or two
  // entries are read directly, more are intersected. A mapped type over the
  // entries would be rebuilt for every inference pass of every task.
  : After extends readonly [infer Only extends DepOf] ? Only["~dep"]
  : After extends readonly [infer First extends DepOf, infer Second extends DepOf] ? First["~dep"] & Second["~dep"]
  : AllDeps<After[number]>

interface DepOf {
  readonly "~dep": object
}

/** The intersection of the entries' records (each entry in a contravariant position, then inferred). */
type AllDeps<E> = (E extends DepOf ? (deps: E["~dep"]) => void : never) extends (deps: infer All) => void ? All : never

/**
 * What the body of a task may do besides reading and writing: iterate with
 * input `Input`, jump to `Goto`, stop the run when `Terminate` is `true`.
 *
 * **Example**
 *
 * ```ts
 * import type { Task } from "effect-graflow"
 *
 * type LoopControl = Task.ControlOf<{ readonly n: number }, readonly ["cleanup"], false>
 * type Input = LoopControl["input"] // { readonly n: number }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Control {
  readonly input: unknown
  readonly goto: string
  readonly skip: boolean
  readonly terminate: boolean
  readonly adds: Any
  /** The response type of each request the task may wait for, by name. */
  readonly awaits: object
}

/**
 * The control of a task that declares none: no input, no jumps, no terminate.
 *
 * **Example**
 *
 * ```ts
 * import type { Task } from "effect-graflow"
 *
 * type PlainContext = Task.Context<{}, {}, never, never, Task.NoControl>
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface NoControl {
  readonly input: void
  readonly goto: never
  readonly skip: false
  readonly terminate: false
  readonly adds: never
  readonly awaits: {}
}

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
  /** The ad-hoc channel: any key, values read back as `unknown`. */
  readonly untyped: Channel.Untyped
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
   * `get_typed_channel`): wrong values do not compile; stored data that does
   * not decode fails with `ChannelDecodeError`.
   */
  typedChannel<A>(schema: Channel.ValueSchema<A>): Channel.Typed<{ readonly [key: string]: A }, string, string>
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
    task: [C["adds"]] extends [never] ? NoAdds : C["adds"],
    ...options: C["skip"] extends true ? [options?: NextTaskOptions] : []
  ): Effect.Effect<void, InvalidNextTaskError | ChannelError>
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
 * The one "result" of a task that declares no `after`: a message, so that
 * `ctx.getResult("x")` there says what to do instead of `… parameter of type
 * 'never'`.
 *
 * @category type-level
 * @since 0.1.0
 */
export type NoDeps = "this task declares no `after`: add the task whose result it reads to `after: [task]`"

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
  Awaits = {}
> {
  /** The channel schema the task reads and writes keys of. */
  readonly channels?: Channel.ChannelSchema<T>
  /** The tasks whose results this task reads (they must certainly run before it, or be `Task.optional`). */
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
  /**
   * A schema for the task's errors (a `Schema.TaggedError` class, or a union
   * of them): in a distributed run, an error of an attempt on a worker comes
   * back as itself, decoded, instead of as a `RemoteTaskError`.
   */
  readonly error?: Channel.ValueSchema
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
 * What a body may return when the task has a `result` schema.
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Task } from "effect-graflow"
 *
 * // With `result: Schema.Date`, the body must return a Date (or an Effect of one).
 * const stamp = Task.make("stamp", { result: Schema.Date }, () => Effect.succeed(new Date(0)))
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type ResultBound<RA> = [RA] extends [never] ? unknown : RA | Effect.Effect<RA, unknown, unknown>

/**
 * The declarations recorded in a task's type. Every argument is a plain union
 * (entries, keys) or the value types of the touched keys, never the types of
 * the `after` tasks themselves (an entry is the dependency's id and result
 * type): a task's type does not nest the types of the tasks before it, so a
 * chain of 500 tasks costs 500 small types, not a 500-deep one.
 *
 * **Example**
 *
 * ```ts
 * import type { Task } from "effect-graflow"
 *
 * // what `Task.make("process", { after: [fetch], reads: ["config"] }, …)` records
 * type Io = Task.DeclaredIo<Task.Entry<"fetch", number>, never, "config", never, { readonly config: { batchSize: number } }, never, never, never>
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export interface DeclaredIo<
  Needs extends AnyEntry,
  Wants extends AnyEntry,
  Reads extends string,
  Writes extends string,
  Channels extends object,
  Goto extends string,
  Skips extends true,
  Stops extends true,
  Adds extends FlowShape = never,
  Schema extends true = never,
  Awaits extends AnyAwait = never
> extends Io {
  readonly needs: Needs
  readonly wants: Wants
  readonly reads: Reads
  readonly writes: Writes
  readonly channels: Channels
  readonly goto: Goto
  readonly skips: Skips
  readonly stops: Stops
  readonly adds: Adds
  readonly schema: Schema
  readonly awaits: Awaits
  readonly input: never
}

/**
 * Whether a task with this `goto` option may skip what follows it: `true` when
 * it declares `goto` (targets or `true`), `never` otherwise.
 *
 * **Example**
 *
 * ```ts
 * import type { Task } from "effect-graflow"
 *
 * type Jumps = Task.SkipsOf<readonly ["cleanup"]> // true
 * type Plain = Task.SkipsOf<readonly []>          // never
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type SkipsOf<Goto> = Skips<Goto> extends true ? true : never

/**
 * Whether a task with this `terminate` option may stop the run: `true` or `never`.
 *
 * **Example**
 *
 * ```ts
 * import type { Task } from "effect-graflow"
 *
 * type Stops = Task.StopsOf<true> // true
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type StopsOf<Terminate extends boolean> = Terminate extends true ? true : never

/**
 * The `goto` option: the ids of the tasks it may jump to, or `true`.
 *
 * **Example**
 *
 * ```ts
 * import { Task } from "effect-graflow"
 *
 * const jumps = Task.make("jumps", { goto: ["cleanup"] }, (ctx) => ctx.goto("cleanup"))
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type GotoOption = ReadonlyArray<string> | true

/**
 * The jump targets a `goto` option declares.
 *
 * **Example**
 *
 * ```ts
 * import type { Task } from "effect-graflow"
 *
 * type Ids = Task.GotoIds<readonly ["cleanup", "retry"]> // "cleanup" | "retry"
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type GotoIds<Goto> = Goto extends ReadonlyArray<infer Id extends string> ? Id : never

/**
 * Whether a `goto` option lets the task skip what follows it.
 *
 * **Example**
 *
 * ```ts
 * import type { Task } from "effect-graflow"
 *
 * type Yes = Task.Skips<true>          // true
 * type No = Task.Skips<readonly []>    // false
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type Skips<Goto> = Goto extends true ? true : [GotoIds<Goto>] extends [never] ? false : true

/**
 * The control a body gets from these options.
 *
 * **Example**
 *
 * ```ts
 * import type { Task } from "effect-graflow"
 *
 * type C = Task.ControlOf<number, readonly ["cleanup"], true>
 * type CanTerminate = C["terminate"] // true
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export interface ControlOf<
  Input,
  Goto extends GotoOption,
  Terminate extends boolean,
  Adds extends ReadonlyArray<Any> = readonly [],
  Awaits extends object = {}
> extends Control {
  readonly input: Input
  readonly goto: GotoIds<Goto>
  readonly skip: Skips<Goto>
  readonly terminate: Terminate
  readonly adds: Adds[number]
  readonly awaits: Awaits
}

/**
 * The errors the engine adds to a task's own: a timeout, when it has one.
 *
 * **Example**
 *
 * ```ts
 * import type { Task } from "effect-graflow"
 *
 * type WithTimeout = Task.EngineError<"5 seconds"> // TaskTimeoutError
 * type Without = Task.EngineError<never>           // never
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type EngineError<Timeout> = [Timeout] extends [never] ? never : TaskTimeoutError

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
export const make: {
  <const Id extends string, Out>(
    id: Id,
    body: (ctx: Context<Deps<readonly []>, {}, never, never>) => BodyReturn<Out>
  ): Task<Id, BodySuccess<Out>, BodyError<Out>, BodyServices<Out>>
  <
    const Id extends string,
    Out extends ResultBound<RA>,
    T extends object = {},
    const After extends ReadonlyArray<AfterEntry> = readonly [],
    const Reads extends ReadonlyArray<keyof T & string> = readonly [],
    const Writes extends ReadonlyArray<keyof T & string> = readonly [],
    RA = never,
    Input = void,
    const Goto extends GotoOption = readonly [],
    Terminate extends boolean = false,
    Timeout extends Duration.Input = never,
    const Adds extends ReadonlyArray<Any> = readonly [],
    const Aw extends AwaitSchemas = {}
  >(
    id: Id,
    options: Options<T, After, Reads, Writes, RA, Input, Goto, Terminate, Timeout, Adds, Aw>,
    body: (
      ctx: Context<Deps<After>, T, Reads[number], Writes[number], ControlOf<Input, Goto, Terminate, Adds, AwaitTypes<Aw>>>,
      input: Input
    ) => BodyReturn<Out>
  ): Task<
    Id,
    [RA] extends [never] ? BodySuccess<Out> : RA,
    BodyError<Out> | EngineError<Timeout>,
    BodyServices<Out>,
    DeclaredIo<
      NeedsOf<After>,
      WantsOf<After>,
      Reads[number],
      Writes[number],
      { readonly [K in Reads[number] | Writes[number]]: T[K] },
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
 * parameters to get a task.
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
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Template<P, A, E, R, I extends Io> {
  <const Id extends string>(id: Id, params: P): Task<Id, A, E, R, I>
}

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
    body: (ctx: Context<Deps<readonly []>, {}, never, never, ControlOf<P, readonly [], false>>, params: P) => BodyReturn<Out>
  ): Template<P, BodySuccess<Out>, BodyError<Out>, BodyServices<Out>, NoIo>
  <
    P,
    Out extends ResultBound<RA>,
    T extends object = {},
    const After extends ReadonlyArray<AfterEntry> = readonly [],
    const Reads extends ReadonlyArray<keyof T & string> = readonly [],
    const Writes extends ReadonlyArray<keyof T & string> = readonly [],
    RA = never,
    const Goto extends GotoOption = readonly [],
    Terminate extends boolean = false,
    Timeout extends Duration.Input = never,
    const Adds extends ReadonlyArray<Any> = readonly [],
    const Aw extends AwaitSchemas = {}
  >(
    options: Options<T, After, Reads, Writes, RA, never, Goto, Terminate, Timeout, Adds, Aw>,
    body: (
      ctx: Context<Deps<After>, T, Reads[number], Writes[number], ControlOf<P, Goto, Terminate, Adds, AwaitTypes<Aw>>>,
      params: P
    ) => BodyReturn<Out>
  ): Template<
    P,
    [RA] extends [never] ? BodySuccess<Out> : RA,
    BodyError<Out> | EngineError<Timeout>,
    BodyServices<Out>,
    DeclaredIo<
      NeedsOf<After>,
      WantsOf<After>,
      Reads[number],
      Writes[number],
      { readonly [K in Reads[number] | Writes[number]]: T[K] },
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
) => { readonly [K in keyof Ids]: Task<Ids[K], A, E, R, I> } = internal.forEach

/**
 * The declarations of a {@link input} task: its result is the run's input, of
 * type `A`, with a schema.
 *
 * @category type-level
 * @since 0.2.0
 */
export interface InputIo<A> extends Omit<NoIo, "schema" | "input"> {
  readonly schema: true
  readonly input: A
}

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
) => Task<Id, S["Type"], never, never, InputIo<S["Type"]>> = internal.input
