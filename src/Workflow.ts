/**
 * Workflows: flows of tasks, checked as a whole and run as an Effect.
 *
 * - `Workflow.chain(a, b, c)` runs flows one after another (Graflow's `>>`);
 * - `Workflow.parallel(a, b, c)` runs them concurrently on the same channel
 *   (Graflow's `|`); `Workflow.parallelWith({ policy }, …)` chooses how member
 *   failures are treated;
 * - `Workflow.make(name, options, flow)` checks the flow: no duplicate ids,
 *   every `getResult` reads a task that certainly runs before, every channel
 *   key a task reads is written before it or has an initial value, every jump
 *   target is a task of the workflow;
 * - `Workflow.run(workflow)` is an Effect: its error type lists the tasks that
 *   can fail and how, its requirements are the services the tasks need.
 *
 * @since 0.1.0
 */
import { type Duration, Effect, type JsonSchema, Option, Pipeable, type Scope, type Stream } from "effect"
import * as Channel from "./Channel.js"
import type { RunStatus as ChannelBackendRunStatus, RunSummary as ChannelBackendRunSummary } from "./ChannelBackend.js"
import type { ChannelDecodeError, ChannelError, InvalidNamespaceError, InvalidValueError } from "./ChannelError.js"
import * as Flow from "./Flow.js"
import { CheckpointStore } from "./internal/checkpoint.js"
import * as engine from "./internal/run.js"
import { show } from "./internal/format.js"
import { jsonSchemasOf } from "./internal/jsonSchema.js"
import { decodeEvents, type RecordedEvent as RecordedEventOf, type RunEventSeen, watchRuns } from "./internal/runEvents.js"
import { cursorOf, positionOf } from "./internal/runIndex.js"
import { toMermaid as renderMermaid } from "./internal/mermaid.js"
import { runNamespace } from "./internal/keys.js"
import { compile } from "./internal/plan.js"
import { isWorkflowImpl, WorkflowImpl, workflowProblem } from "./internal/workflow.js"
import { executionOf, isTask } from "./internal/task.js"
import type * as Task from "./Task.js"
import type { InputOf } from "./types/Entry.js"
import type { ResultsOf } from "./types/ResultsOf.js"
import type { CheckedName } from "./types/WorkflowProblems.js"
import type * as Checkpoint from "./Checkpoint.js"
import type {
  CheckpointDecodeError,
  CheckpointMismatchError,
  CheckpointNotFoundError,
  CheckpointStoreError,
  InvalidResponseError,
  InvalidRunInputError,
  ParallelGroupError,
  RunLeaseLostError,
  RunNotFoundError,
  RunNotWaitingError,
  TaskFailed,
  TaskTimeoutError
} from "./WorkflowError.js"

/**
 * Flows that run one after another: {@link Flow.Sequence}.
 *
 * @category models
 * @since 0.1.0
 */
export type Sequence<S extends Flow.FlowShape> = Flow.Sequence<S>

/**
 * Flows that run concurrently: {@link Flow.Parallel}.
 *
 * @category models
 * @since 0.1.0
 */
export type Parallel<S extends Flow.FlowShape> = Flow.Parallel<S>

/**
 * How a parallel group treats member failures: {@link Flow.Policy}.
 *
 * @category models
 * @since 0.1.0
 */
export type Policy<Ids extends string = string> = Flow.Policy<Ids>

/**
 * The options of {@link parallelWith}: {@link Flow.GroupOptions}.
 *
 * @category models
 * @since 0.1.0
 */
export type GroupOptions<P> = Flow.GroupOptions<P>

/**
 * The type-level kind of a policy: {@link Flow.KindOf}.
 *
 * @category type-level
 * @since 0.1.0
 */
export type KindOf<P> = Flow.KindOf<P>

/**
 * Runs flows one after another (Graflow's `a >> b >> c`): {@link Flow.chain}.
 *
 * **Example**
 *
 * ```ts
 * import { Task, Workflow } from "effect-graflow"
 *
 * const flow = Workflow.chain(Task.make("a", () => 1), Task.make("b", () => 2))
 * ```
 *
 * @category composition
 * @since 0.1.0
 */
export const chain: typeof Flow.chain = Flow.chain

/**
 * Runs flows concurrently (Graflow's `a | b | c`), strict: {@link Flow.parallel}.
 *
 * **Example**
 *
 * ```ts
 * import { Task, Workflow } from "effect-graflow"
 *
 * const both = Workflow.parallel(Task.make("a", () => 1), Task.make("b", () => 2))
 * ```
 *
 * @category composition
 * @since 0.1.0
 */
export const parallel: typeof Flow.parallel = Flow.parallel

/**
 * Runs flows concurrently with a policy for member failures: {@link Flow.parallelWith}.
 *
 * **Example**
 *
 * ```ts
 * import { Task, Workflow } from "effect-graflow"
 *
 * const either = Workflow.parallelWith({ policy: { atLeast: 1 } }, Task.make("a", () => 1), Task.make("b", () => 2))
 * ```
 *
 * @category composition
 * @since 0.1.0
 */
export const parallelWith: typeof Flow.parallelWith = Flow.parallelWith

/**
 * A checked workflow: `Results` maps task ids to results, `E` is how a run can
 * fail, `R` what it needs, `T` the channel value types, `In` the run's input
 * (`never`: none), `Aw` the requests its tasks may wait for.
 *
 * **Example**
 *
 * ```ts
 * import { Task, Workflow } from "effect-graflow"
 *
 * const hello: Workflow.Workflow<"hello", { readonly hello: string }, unknown, never, {}> =
 *   Workflow.make("hello", Task.make("hello", () => "world"))
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Workflow<
  out Name extends string,
  out Results,
  out E,
  out R,
  in out T extends object,
  in out In = never,
  out Aw extends Task.AnyAwait = never
> extends Pipeable.Pipeable {
  readonly "~effect-graflow/Workflow": {
    readonly results: (_: never) => Results
    readonly error: (_: never) => E
    readonly services: (_: never) => R
    readonly channels: (_: T) => T
    /** The run's input (`never`: the workflow takes none). */
    readonly input: (_: In) => In
    /** The requests its tasks may wait for. */
    readonly awaits: (_: never) => Aw
  }
  readonly _tag: "Workflow"
  /**
   * Type-level only: a workflow is not a flow. Given where a flow is expected
   * (`Workflow.chain(a, workflow)`), the error says what to do instead.
   */
  readonly [Flow.TypeId]: Flow.TypeId
  readonly "~shape": AWorkflowIsNotAFlow_RunItAsAStepWithTaskWorkflow_OrOverAListWithFlowMap
  readonly name: Name
  /** The task ids, in the order they appear in the flow. */
  readonly taskIds: ReadonlyArray<string>
  readonly channels: Channel.ChannelSchema<T> | undefined
  readonly initial: Partial<T>
}

/**
 * What a workflow's type says when it is given where a flow is expected.
 *
 * **Example**
 *
 * ```ts
 * import type { Workflow } from "effect-graflow"
 *
 * type Words = keyof Workflow.WorkflowIsNotAFlow
 * ```
 *
 * @category type-level
 * @since 0.3.0
 */
export interface WorkflowIsNotAFlow {
  readonly "a workflow is not a flow: run it as a step of another with Task.workflow(id, workflow), or over a list with Flow.map": true
}

/**
 * The same words as a type's name, which is what an error shows.
 *
 * **Example**
 *
 * ```ts
 * import type { Workflow } from "effect-graflow"
 *
 * type Shown = Workflow.AWorkflowIsNotAFlow_RunItAsAStepWithTaskWorkflow_OrOverAListWithFlowMap
 * ```
 *
 * @category type-level
 * @since 0.3.0
 */
export interface AWorkflowIsNotAFlow_RunItAsAStepWithTaskWorkflow_OrOverAListWithFlowMap extends WorkflowIsNotAFlow {}

/**
 * Defaults for every task of a workflow that does not set its own.
 *
 * **Example**
 *
 * ```ts
 * import { Task, Workflow } from "effect-graflow"
 *
 * const patient = Workflow.make("patient", { defaults: { retry: { times: 3 }, timeout: "1 minute", maxCycles: 20 } }, Task.make("a", () => 1))
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Defaults<Timeout> {
  readonly retry?: Task.RetryPolicy
  readonly timeout?: Timeout
  readonly maxCycles?: number
}

/**
 * The options of {@link make}.
 *
 * **Example**
 *
 * ```ts
 * import { Schema } from "effect"
 * import { Channel, Task, Workflow } from "effect-graflow"
 *
 * const Channels = Channel.schema({ config: Schema.Struct({ batchSize: Schema.Number }) })
 * const use = Task.make("use", { channels: Channels, reads: ["config"] }, (ctx) => ctx.channel.get("config"))
 * const configured = Workflow.make("configured", { channels: Channels, initial: { config: { batchSize: 100 } } }, use)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface MakeOptions<T extends object, Initial, Timeout = Duration.Input> {
  /** The workflow's channel schema: the keys its tasks declare, and their types. */
  readonly channels?: Channel.ChannelSchema<T>
  /** Values written to the channel before the first task runs. */
  readonly initial?: Initial
  /** Retries, timeout and cycle limit for the tasks that set none. */
  readonly defaults?: Defaults<Timeout>
}

/**
 * How a run of a flow can fail: `TaskFailed` naming the task, a
 * `ParallelGroupError` when the flow has groups, `WorkflowCancelled` when a
 * task can cancel.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task, Workflow } from "effect-graflow"
 *
 * const boom = Task.make("boom", () => Effect.fail("bad" as const))
 * const flow = Workflow.chain(boom, Task.make("ok", () => 1))
 * type Fails = Workflow.Failure<typeof flow["~shape"]>
 * // TaskFailed<"boom", "bad" | InvalidValueError | ChannelError> | TaskFailed<"ok", InvalidValueError | ChannelError>
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type Failure<S extends Flow.FlowShape, Extra = never> =
  | WithExtra<S["failures"], Extra>
  | ([S["groups"]] extends [never] ? never : ParallelGroupError<WithExtra<S["failures"], Extra> | ParallelGroupError<unknown>>)
  | S["cancels"]

/** The error a workflow-wide default timeout adds to every task. */
type TimeoutError<Timeout> = [Timeout] extends [never] ? never : TaskTimeoutError

/** Each task's failure with the errors the workflow adds to every task (a default timeout). */
type WithExtra<Failures, Extra> = [Extra] extends [never] ? Failures
  : Failures extends TaskFailed<infer Id, infer E> ? TaskFailed<Id, E | Extra>
  : never

/**
 * The workflow type of a valid flow.
 *
 * **Example**
 *
 * ```ts
 * import { Task, Workflow } from "effect-graflow"
 *
 * const flow = Workflow.chain(Task.make("a", () => 1))
 * type W = Workflow.Of<"w", typeof flow["~shape"], {}> // what Workflow.make("w", flow) returns
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type Of<Name extends string, S extends Flow.FlowShape, T extends object, Extra = never> = Workflow<
  Name,
  ResultsOf<S["results"], Exclude<S["lits"], S["present"]>>,
  Failure<S, Extra>,
  S["services"],
  T
>

/** The keys an `initial` object gives a value (a key set to `undefined` gives none). */
type InitialKeys<Initial> = { [K in keyof Initial]-?: [Initial[K]] extends [undefined] ? never : K }[keyof Initial] & string

/**
 * Makes a workflow from a flow, checking it as a whole. A flow with duplicate
 * task ids, a result read from a task that does not certainly run before, a
 * channel key read before anything writes it (and without an initial value),
 * or a jump to an id that is not one of its tasks does not compile: the error
 * lists each problem in words.
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Channel, Task, Workflow } from "effect-graflow"
 *
 * const Channels = Channel.schema({ config: Schema.Struct({ batchSize: Schema.Number }) })
 * const fetch = Task.make("fetch", () => Effect.succeed({ data: [1, 2, 3] }))
 * const process = Task.make("process", { channels: Channels, after: [fetch], reads: ["config"] }, (ctx) =>
 *   Effect.gen(function*() {
 *     const config = yield* ctx.channel.get("config")
 *     const input = yield* ctx.getResult("fetch")
 *     return input.data.length * config.batchSize
 *   }))
 *
 * const pipeline = Workflow.make(
 *   "pipeline",
 *   { channels: Channels, initial: { config: { batchSize: 100 } } },
 *   Workflow.chain(fetch, process)
 * )
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make: {
  <const Name extends string, F extends Flow.Any>(
    name: CheckedName<Name, F["~shape"], {}, never>,
    flow: F
  ): Workflow<
    Name,
    ResultsOf<F["~shape"]["results"], Exclude<F["~shape"]["lits"], F["~shape"]["present"]>>,
    | F["~shape"]["failures"]
    | ([F["~shape"]["groups"]] extends [never] ? never
      : ParallelGroupError<F["~shape"]["failures"] | ParallelGroupError<unknown>>)
    | F["~shape"]["cancels"],
    F["~shape"]["services"],
    {},
    InputOf<F["~shape"]["input"]>,
    F["~shape"]["awaits"]
  >
  <
    const Name extends string,
    F extends Flow.Any,
    T extends object = {},
    Initial extends Partial<T> = {},
    Timeout extends Duration.Input = never
  >(
    name: CheckedName<Name, F["~shape"], T, InitialKeys<Initial>>,
    options: MakeOptions<T, Initial, Timeout>,
    flow: F
  ): Workflow<
    Name,
    ResultsOf<F["~shape"]["results"], Exclude<F["~shape"]["lits"], F["~shape"]["present"]>>,
    // Failure<…>, spelled out: an alias instantiated with the shape would be
    // shown (in hovers and emitted declarations) with the whole shape.
    | WithExtra<F["~shape"]["failures"], TimeoutError<Timeout>>
    | ([F["~shape"]["groups"]] extends [never] ? never
      : ParallelGroupError<WithExtra<F["~shape"]["failures"], TimeoutError<Timeout>> | ParallelGroupError<unknown>>)
    | F["~shape"]["cancels"],
    F["~shape"]["services"],
    T,
    InputOf<F["~shape"]["input"]>,
    F["~shape"]["awaits"]
  >
} = (
  name: string,
  optionsOrFlow: MakeOptions<object, { readonly [key: string]: unknown }> | Flow.Any,
  maybeFlow?: Flow.Any
): never => {
  const [options, flow]: readonly [MakeOptions<object, { readonly [key: string]: unknown }>, unknown] =
    Flow.isFlow(optionsOrFlow) ? [{}, optionsOrFlow] : [optionsOrFlow, maybeFlow]
  const initial = options.initial ?? {}
  const plan = compile(name, flow, Object.keys(initial))
  const defaults = options.defaults === undefined ? engine.noDefaults : executionOf(`${name} (defaults)`, options.defaults)
  // The overloads give the workflow its checked type; at run time it is one shape.
  return new WorkflowImpl(name, plan, options.channels, initial, defaults) as never
}

/**
 * Any workflow.
 *
 * **Example**
 *
 * ```ts
 * import { Task, Workflow } from "effect-graflow"
 *
 * const all: ReadonlyArray<Workflow.Any> = [Workflow.make("one", Task.make("a", () => 1))]
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Any {
  readonly "~effect-graflow/Workflow": {
    readonly results: (_: never) => unknown
    readonly error: (_: never) => unknown
    readonly services: (_: never) => unknown
    readonly channels: (_: never) => object
    readonly input: (_: never) => unknown
    readonly awaits: (_: never) => Task.AnyAwait
  }
  readonly name: string
}

/**
 * The final channel contents of a run (Graflow's `ret_context=True`): declared
 * keys with their types, any other key as `unknown`. Result keys are not in it;
 * the results are in {@link RunResult.results}.
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Channel, Task, Workflow } from "effect-graflow"
 *
 * const Channels = Channel.schema({ total: Schema.Number })
 * const count = Task.make("count", { channels: Channels, writes: ["total"] }, (ctx) => ctx.channel.atomicAdd("total", 1))
 * const program = Effect.map(Workflow.run(Workflow.make("count", { channels: Channels }, count)), (out) => out.channel.total) // number | undefined
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type ChannelContents<T extends object> = { readonly [K in keyof T]?: T[K] } & { readonly [key: string]: unknown }

/**
 * What a run returns: how it ended, the result of every task that ran, and the
 * final channel contents.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task, Workflow } from "effect-graflow"
 *
 * const program = Effect.map(Workflow.run(Workflow.make("hello", Task.make("hello", () => "world"))), (out) =>
 *   `${out.status}: ${out.results.hello}`) // "completed: world"
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface RunResult<Results, T extends object> {
  readonly workflow: string
  readonly runId: string
  /** `"terminated"` when a task called `ctx.terminate()`, `"completed"` otherwise. */
  readonly status: "completed" | "terminated"
  /**
   * Every task's latest result, by task id (optional for the tasks that may
   * not run: lenient group members, tasks after a jump or a terminate).
   */
  readonly results: Results
  /** The channel at the end of the run. */
  readonly channel: ChannelContents<T>
}

/**
 * A request a suspended run waits for: its name, what it asks, the task
 * waiting and the run. Answer it with {@link respond}, then {@link resume}.
 *
 * **Example**
 *
 * ```ts
 * import type { Workflow } from "effect-graflow"
 *
 * const request: Workflow.PendingRequest<"approval"> = { name: "approval", taskId: "review", runId: "r1", prompt: "Approve?" }
 * ```
 *
 * @category models
 * @since 0.2.0
 */
export interface PendingRequest<Name extends string = string> {
  readonly name: Name
  readonly taskId: string
  readonly runId: string
  readonly prompt?: string
}

/**
 * What a run returns when a task waited for a response that did not come in
 * time: the run was checkpointed (`checkpoint`: its id in the
 * `CheckpointStore`) and waits for the `requests`. {@link respond} answers
 * them; {@link resume} continues the run, here or in another process.
 *
 * **Example**
 *
 * ```ts
 * import type { Workflow } from "effect-graflow"
 *
 * const describe = (out: Workflow.Suspended<"approval">) => `${out.runId} waits for ${out.requests.map((r) => r.name).join(", ")}`
 * ```
 *
 * @category models
 * @since 0.2.0
 */
export interface Suspended<Name extends string = string> {
  readonly workflow: string
  readonly runId: string
  readonly status: "suspended"
  /** The id of the checkpoint the run suspended at: `Workflow.resume(workflow, checkpoint)`. */
  readonly checkpoint: string
  readonly requests: ReadonlyArray<PendingRequest<Name>>
}

/**
 * A {@link Suspended} run as {@link Output} has it: its name says what a
 * program that reads `out.results` without looking at `out.status` should do
 * (the error names this type) — `if (out.status === "suspended") …` first.
 *
 * **Example**
 *
 * ```ts
 * import type { Workflow } from "effect-graflow"
 *
 * const waitsFor = (out: Workflow.Suspended_NarrowOnOutStatusBeforeReadingResults<"approval">) => out.requests.length
 * ```
 *
 * @category models
 * @since 0.3.0
 */
export interface Suspended_NarrowOnOutStatusBeforeReadingResults<Name extends string = string> extends Suspended<Name> {}

/**
 * What {@link run} and {@link resume} give: the run's result, or, for a
 * workflow whose tasks wait for requests, possibly a {@link Suspended} run.
 *
 * **Example**
 *
 * ```ts
 * import type { Workflow } from "effect-graflow"
 *
 * type Out = Workflow.Output<{ readonly a: number }, {}, never> // Workflow.RunResult<{ readonly a: number }, {}>
 * ```
 *
 * @category models
 * @since 0.2.0
 */
export type Output<Results, T extends object, Aw extends Task.AnyAwait> =
  | RunResult<Results, T>
  | ([Aw] extends [never] ? never : Suspended_NarrowOnOutStatusBeforeReadingResults<Aw["name"]>)

/**
 * The options of {@link run}: `RunOptions<In>` for a workflow whose input has
 * type `In` (`never`: it takes none, and `input` may not be given; `unknown`:
 * a workflow of a flow typed `Flow.Any`, which may take one).
 *
 * **Example**
 *
 * ```ts
 * import { Task, Workflow } from "effect-graflow"
 *
 * const program = Workflow.run(Workflow.make("hello", Task.make("hello", () => "world")), {
 *   runId: "nightly-2026-11-22",
 *   retention: { expireAfter: "7 days" }
 * })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type RunOptions<In = never> =
  & BaseRunOptions
  & ([In] extends [never] ? { readonly input?: never } : unknown extends In ? { readonly input?: unknown } : { readonly input: In })
  & (
    | { readonly durable?: false | undefined }
    | {
      /**
       * Journal every task completion (with its result: one round trip on
       * Redis), so that after a crash running the same `runId` again
       * continues the run: completed tasks do not run again, the one that was
       * running does (at least once). Needs a `runId`.
       */
      readonly durable: true
      readonly runId: string
    }
  )

/**
 * The arguments after the workflow of {@link run} (and `Distributed.run`):
 * the options `O`, which a workflow with an input always takes (its `input`
 * typed `In`); optional for a workflow without one, and for a workflow of a
 * flow typed `Flow.Any` (`unknown` input: it may or may not take one).
 *
 * **Example**
 *
 * ```ts
 * import type { Workflow } from "effect-graflow"
 *
 * type Args = Workflow.RunArguments<{ readonly id: string }, Workflow.RunOptions<{ readonly id: string }>>
 * // [options: …] — required, with its input
 * ```
 *
 * @category models
 * @since 0.3.0
 */
export type RunArguments<In, O> = [In] extends [never] ? [options?: O & DurableNeeds<O>]
  : unknown extends In ? [options?: O & DurableNeeds<O>]
  : [options: O & DurableNeeds<O> & NoExtraFields<O, NoInfer<In>>]

/** A durable run's options need a run id: {@link DurableNeedsARunId}, when `O` asks for a durable run. */
type DurableNeeds<O> = O extends { readonly durable: true } ? DurableNeedsARunId : unknown

/**
 * What the options a run infers (`O`) are checked against first: the options
 * of a run of a workflow with input `In` — {@link RunOptions} without the
 * forms of `durable`, which {@link RunArguments} checks once `O` is known — as
 * named parts, so that a mistake's message leads with what to do (a missing
 * input names {@link TakesAnInput}, an input given to a workflow without one
 * {@link TakesNoInput_RemoveInput}).
 *
 * **Example**
 *
 * ```ts
 * import type { Workflow } from "effect-graflow"
 *
 * const options: Workflow.RunOptionsFor<{ readonly id: string }> = { input: { id: "o-1" }, runId: "r-1" }
 * ```
 *
 * @category models
 * @since 0.3.0
 */
export type RunOptionsFor<In> =
  & BaseRunOptions
  & ([In] extends [never] ? { readonly input?: TakesNoInput_RemoveInput } : unknown extends In ? { readonly input?: unknown } : TakesAnInput<In>)
  & { readonly durable?: boolean | undefined }

/**
 * What a run without options checks its workflow against: nothing, but for a
 * workflow that takes an input, which must be given — {@link GiveTheInput}
 * says so, with its type.
 *
 * **Example**
 *
 * ```ts
 * import type { Workflow } from "effect-graflow"
 *
 * type None = Workflow.WithoutOptions<never> // unknown: nothing to check
 * type Some = Workflow.WithoutOptions<{ readonly id: string }> // GiveTheInput<{ readonly id: string }>
 * ```
 *
 * @category models
 * @since 0.3.0
 */
export type WithoutOptions<In> = [In] extends [never] ? unknown : unknown extends In ? unknown : GiveTheInput<In>

/**
 * What a run of a workflow that takes an input, given no options, is told:
 * run it with `{ input }`, of the type shown.
 *
 * **Example**
 *
 * ```ts
 * import type { Workflow } from "effect-graflow"
 *
 * type Told = keyof Workflow.GiveTheInput<{ readonly id: string }> // the words
 * ```
 *
 * @category models
 * @since 0.3.0
 */
export interface GiveTheInput<In> {
  readonly "this workflow takes an input (its Task.input): run it with { input }, of this type": In
}

/**
 * What the options of a run of a workflow with an input must have: the input,
 * of the type of its `Task.input` schema.
 *
 * **Example**
 *
 * ```ts
 * import type { Workflow } from "effect-graflow"
 *
 * const options: Workflow.TakesAnInput<{ readonly id: string }> = { input: { id: "o-1" } }
 * ```
 *
 * @category models
 * @since 0.3.0
 */
export interface TakesAnInput<In> {
  readonly input: In
}

/**
 * What `input` shows in a run of a workflow that takes none (no `Task.input`).
 *
 * **Example**
 *
 * ```ts
 * import type { Workflow } from "effect-graflow"
 *
 * type Told = keyof Workflow.TakesNoInput_RemoveInput // the words
 * ```
 *
 * @category models
 * @since 0.3.0
 */
export interface TakesNoInput_RemoveInput {
  readonly "this workflow takes no input (none of its tasks is a Task.input): remove `input`": never
}

/**
 * What the options of a durable run must have: a run id, which a run that
 * continues after a crash gives again.
 *
 * **Example**
 *
 * ```ts
 * import type { Workflow } from "effect-graflow"
 *
 * const options: Workflow.DurableNeedsARunId = { durable: true, runId: "nightly-2026-12-06" }
 * ```
 *
 * @category models
 * @since 0.3.0
 */
export interface DurableNeedsARunId {
  readonly durable: true
  readonly runId: string
}

/**
 * The excess-property check a fresh input literal would get if `O` were not
 * inferred from it: a field of the given input that the input type does not
 * have takes {@link NotInTheInputSchema} (which no value is), at the top level of
 * an object input. (Decoding would drop such a field: said now, not lost then.)
 */
type NoExtraFields<O, In> = O extends { readonly input: infer Given } ? [Given] extends [object] ? [In] extends [object]
      ? [Exclude<keyof Given, FieldOf<In>>] extends [never] ? unknown
      : { readonly input: { readonly [K in Exclude<keyof Given, FieldOf<In>>]: NotInTheInputSchema<K> } }
    : unknown
  : unknown
  : unknown

/** The fields of any member of an input type (a union of structs: a field of one of them). */
type FieldOf<In> = In extends unknown ? keyof In : never

/**
 * What a field of a run's input shows when the workflow's input type has no
 * such field (a typo, or a field the schema does not declare).
 *
 * **Example**
 *
 * ```ts
 * import type { Workflow } from "effect-graflow"
 *
 * type Extra = Workflow.NotInTheInputSchema<"extra">
 * ```
 *
 * @category models
 * @since 0.3.0
 */
export interface NotInTheInputSchema<K> {
  readonly "this field is not in the workflow's input schema: remove it, or add it to the Task.input schema": K
}

/**
 * The options every run takes (see {@link RunOptions}).
 *
 * **Example**
 *
 * ```ts
 * import type { Workflow } from "effect-graflow"
 *
 * const options: Workflow.BaseRunOptions = { runId: "r1", retention: "keep" }
 * ```
 *
 * @category models
 * @since 0.2.0
 */
export interface BaseRunOptions {
  /**
   * The run id (default: a random UUID). The run's channel namespace is
   * {@link namespace}`(workflow, runId)`: `{workflow}/{runId}`, each part with
   * `%` and `/` percent-encoded.
   */
  readonly runId?: string | undefined
  /**
   * What the run's namespace gets when the run ends, however it ends (default:
   * the backend's — deleted on memory, expiring after a day on Redis). A
   * suspended run keeps its namespace until it is resumed; a durable run that
   * fails keeps it, so that it can be continued.
   */
  readonly retention?: Channel.Retention | undefined
}

/**
 * The options of {@link resume}: a run id (default: the checkpoint's), a
 * retention, and whether the resumed run is durable.
 *
 * **Example**
 *
 * ```ts
 * import type { Workflow } from "effect-graflow"
 *
 * const options: Workflow.ResumeOptions = { runId: "retry-of-r1", durable: true }
 * ```
 *
 * @category models
 * @since 0.2.0
 */
export interface ResumeOptions extends BaseRunOptions {
  readonly durable?: boolean | undefined
}

/**
 * How loading a checkpoint for {@link resume} can fail: no such checkpoint or
 * run, a corrupt, foreign or other workflow's checkpoint, the store itself.
 *
 * **Example**
 *
 * ```ts
 * import type { Workflow } from "effect-graflow"
 *
 * const tag = (e: Workflow.ResumeError) => e._tag // "CheckpointNotFoundError" | …
 * ```
 *
 * @category models
 * @since 0.2.0
 */
export type ResumeError =
  | CheckpointNotFoundError
  | CheckpointDecodeError
  | CheckpointMismatchError
  | CheckpointStoreError
  | RunNotFoundError

/**
 * The errors a run adds to its tasks' (`E`): the channel's at the run's level,
 * a bad input when the workflow takes one, the checkpoint store's for a
 * durable run or one that may suspend.
 *
 * **Example**
 *
 * ```ts
 * import type { Workflow } from "effect-graflow"
 *
 * type E = Workflow.RunError<"boom", never, never, {}> // "boom" | ChannelError | InvalidValueError | ChannelDecodeError
 * ```
 *
 * @category type-level
 * @since 0.2.0
 */
export type RunError<E, In, Aw, O> =
  | E
  | ChannelError
  | InvalidValueError
  | ChannelDecodeError
  | ([In] extends [never] ? never : InvalidRunInputError)
  | ([O] extends [{ readonly durable: true }] ? CheckpointStoreError | CheckpointMismatchError : never)
  | ([O] extends [{ readonly runId: string }] ? RunLeaseLostError : never)
  | ([Aw] extends [never] ? never : CheckpointStoreError)

/**
 * The channel namespace of a run: `{workflow}/{runId}`, with `%` and `/` of
 * each part percent-encoded, so that two different (workflow, run id) pairs
 * never share one. Use it to read a finished run's channel from elsewhere.
 *
 * **Example**
 *
 * ```ts
 * import { Workflow } from "effect-graflow"
 *
 * Workflow.namespace("etl/daily", "2026-12-01") // "etl%2Fdaily/2026-12-01"
 * ```
 *
 * @category running
 * @since 0.1.0
 */
export const namespace = (workflow: string | Any, runId: string): string =>
  runNamespace(typeof workflow === "string" ? workflow : workflow.name, runId)

/**
 * Deletes what a run left: every key of its namespace in the provided channel
 * backend, results, journal and responses included (what `retention:
 * "delete"` does when a run ends), and its checkpoints and journal in the
 * `CheckpointStore` (which keeps them, whatever the retention, until this).
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { MemoryChannel, Task, Workflow } from "effect-graflow"
 *
 * const hello = Workflow.make("hello", Task.make("hello", () => "world"))
 * const program = Effect.gen(function*() {
 *   yield* Workflow.run(hello, { runId: "r1", retention: "keep" })
 *   yield* Workflow.deleteRun(hello, "r1")
 * }).pipe(Effect.provide(MemoryChannel.layer))
 * ```
 *
 * @category running
 * @since 0.1.0
 */
export const deleteRun = (
  workflow: string | Any,
  runId: string
): Effect.Effect<void, InvalidNamespaceError | ChannelError | CheckpointStoreError, Channel.Channel> =>
  Effect.andThen(
    Channel.drop(namespace(workflow, runId)),
    Effect.flatMap(Effect.service(CheckpointStore), (store) => store.removeRun(namespace(workflow, runId)))
  )

/**
 * A run as {@link listRuns} and {@link getRun} show it: its id, status
 * (`"running"`, `"suspended"`, or how it ended), whether it is durable, when
 * its latest driver started it and when it ended (ms since the epoch), and
 * the requests a suspended run waits for.
 *
 * **Example**
 *
 * ```ts
 * import type { Workflow } from "effect-graflow"
 *
 * const line = (run: Workflow.RunSummary) =>
 *   `${run.runId} ${run.status}${run.endedAt === undefined ? "" : ` in ${run.endedAt - run.startedAt} ms`}`
 * ```
 *
 * @category models
 * @since 0.5.0
 */
export interface RunSummary extends ChannelBackendRunSummary {}

/**
 * Where a run stands: `"running"`, `"suspended"` (waiting for a response), or how it ended.
 *
 * **Example**
 *
 * ```ts
 * import type { Workflow } from "effect-graflow"
 *
 * const needsAttention: ReadonlyArray<Workflow.RunStatus> = ["failed", "suspended"]
 * ```
 *
 * @category models
 * @since 0.5.0
 */
export type RunStatus = ChannelBackendRunStatus

/**
 * A page of {@link listRuns}: its runs, newest first start first, and the cursor
 * of the next page (`undefined`: this is the last).
 *
 * **Example**
 *
 * ```ts
 * import type { Workflow } from "effect-graflow"
 *
 * const nextLink = (page: Workflow.RunsPage) => page.cursor === undefined ? undefined : `?cursor=${page.cursor}`
 * ```
 *
 * @category models
 * @since 0.5.0
 */
export interface RunsPage {
  readonly runs: ReadonlyArray<RunSummary>
  readonly cursor: string | undefined
}

/**
 * The runs of a workflow on the provided channel backend, by their first
 * start, newest first, a page at a time: `status` keeps those of one status
 * (or of any of several), `limit` says how many (1–1000, default 50), `cursor`
 * continues after the page that gave it (a run started again keeps its place:
 * no page loses it). A top-level run is listed when it has a record: it was
 * given a `runId`, is durable, or waits for requests (every run of such a
 * workflow). Read from the backend's index of the workflow's runs — on Redis
 * a sorted set per workflow, each run's record in its own slot — never a
 * walk of the keyspace; a run whose namespace is gone (its retention passed)
 * is not listed. A limit out of range, or a cursor no page gave, is a
 * programming error (a defect naming it).
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { MemoryChannel, Task, Workflow } from "effect-graflow"
 *
 * const nightly = Workflow.make("nightly", Task.make("load", () => 42))
 * const program = Effect.gen(function*() {
 *   yield* Workflow.run(nightly, { runId: "2026-12-06", retention: "keep" })
 *   const page = yield* Workflow.listRuns(nightly, { status: "completed", limit: 20 })
 *   return page.runs.map((run) => run.runId) // ["2026-12-06"]
 * }).pipe(Effect.provide(MemoryChannel.layer))
 * ```
 *
 * @category running
 * @since 0.5.0
 */
export const listRuns = (
  workflow: string | Any,
  options?: {
    readonly status?: RunStatus | ReadonlyArray<RunStatus> | undefined
    readonly limit?: number | undefined
    readonly cursor?: string | undefined
  }
): Effect.Effect<RunsPage, ChannelError, Channel.Channel> =>
  Effect.suspend(() => {
    const name = typeof workflow === "string" ? workflow : workflow.name
    const limit = options?.limit ?? 50
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      return Effect.die(new TypeError(`Workflow.listRuns: the limit is a whole number from 1 to 1000, not ${show(limit)}`))
    }
    const after = options?.cursor === undefined ? undefined : positionOf(options.cursor)
    if (options?.cursor !== undefined && after === undefined) {
      return Effect.die(new TypeError(`Workflow.listRuns: ${show(options.cursor)} is not a cursor a page of runs gave`))
    }
    const status = options?.status
    const statuses = status === undefined ? undefined : typeof status === "string" ? [status] : status
    return Effect.flatMap(Effect.service(Channel.Channel), (backend) =>
      Effect.map(backend.listRuns(name, { statuses, limit, after }), (page): RunsPage => ({
        runs: page.runs,
        cursor: page.next === undefined ? undefined : cursorOf(page.next)
      })))
  })

/**
 * One run of a workflow, as {@link listRuns} shows it; `Option.none()` when
 * the provided backend has no record of it (no such run, a run without a
 * record, or its retention passed).
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Option } from "effect"
 * import { MemoryChannel, Task, Workflow } from "effect-graflow"
 *
 * const nightly = Workflow.make("nightly", Task.make("load", () => 42))
 * const program = Effect.gen(function*() {
 *   yield* Workflow.run(nightly, { runId: "2026-12-06", retention: "keep" })
 *   const run = yield* Workflow.getRun(nightly, "2026-12-06")
 *   return Option.map(run, (r) => r.status) // Option.some("completed")
 * }).pipe(Effect.provide(MemoryChannel.layer))
 * ```
 *
 * @category running
 * @since 0.5.0
 */
export const getRun = (workflow: string | Any, runId: string): Effect.Effect<Option.Option<RunSummary>, ChannelError, Channel.Channel> =>
  Effect.flatMap(Effect.service(Channel.Channel), (backend) =>
    Effect.map(backend.runRecord(namespace(workflow, runId)), (record): Option.Option<RunSummary> =>
      record === undefined ? Option.none() : Option.some({ runId, ...record })))

/**
 * An event a run recorded on a backend that keeps run events: the run's start
 * and end (with its status), and each attempt of a task — started, succeeded,
 * failed (with `willRetry` and the error in words: its `Cause.pretty`, at most
 * 4,000 characters), suspended (with the request) — or a completion replayed
 * from a journal; for a distributed run, `TaskAssigned` says which worker
 * (`host:pid`) took an attempt. `RunStarted` carries the run's input as JSON
 * (a `Redacted` part as `"<redacted>"`). `at` is when, in ms since the epoch; a
 * sub-workflow's tasks come as part of the outer run, by their path
 * (`"pay/charge"`).
 *
 * **Example**
 *
 * ```ts
 * import type { Workflow } from "effect-graflow"
 *
 * const failures = (events: ReadonlyArray<Workflow.RecordedEvent>) =>
 *   events.flatMap((e) => e.type === "TaskFailed" ? [`${e.taskId} #${e.attempt}: ${e.error.split("\n")[0]}`] : [])
 * ```
 *
 * @category models
 * @since 0.5.0
 */
export type RecordedEvent = RecordedEventOf

/**
 * The events a run recorded, oldest first, on the provided backend. A run
 * records them when it runs on a backend made with `runEvents: true`
 * (`RedisChannel.layer({ url, runEvents: true })`,
 * `MemoryChannel.layerWith({ runEvents: true })`) and has a record (a
 * `runId`, durable, or waiting for requests): attempts, retries, failures
 * with their errors, suspensions. Any backend reads what was recorded on it,
 * by this process or another (on Redis). Empty for a run that recorded none
 * (a run without a record, a backend not recording, or its retention
 * passed); an entry another program wrote is left out.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { MemoryChannel, Task, Workflow } from "effect-graflow"
 *
 * const nightly = Workflow.make("nightly", Task.make("load", () => 42))
 * const program = Effect.gen(function*() {
 *   yield* Workflow.run(nightly, { runId: "n1", retention: "keep" })
 *   const events = yield* Workflow.runEvents(nightly, "n1")
 *   return events.map((e) => e.type) // ["RunStarted", "TaskStarted", "TaskSucceeded", "RunFinished"]
 * }).pipe(Effect.provide(MemoryChannel.layerWith({ runEvents: true })))
 * ```
 *
 * @category running
 * @since 0.5.0
 */
export const runEvents = (
  workflow: string | Any,
  runId: string
): Effect.Effect<ReadonlyArray<RecordedEvent>, ChannelError, Channel.Channel> =>
  Effect.flatMap(Effect.service(Channel.Channel), (backend) =>
    backend.runEvents === undefined
      ? Effect.succeed([])
      : Effect.map(backend.runEvents.read(namespace(workflow, runId)), decodeEvents))

/**
 * An event a run recorded, as {@link watchRunEvents} sees it: the run's
 * workflow and id, and the event.
 *
 * **Example**
 *
 * ```ts
 * import type { Workflow } from "effect-graflow"
 *
 * const line = (seen: Workflow.WatchedRunEvent) => `${seen.workflow}/${seen.runId}: ${seen.event.type}`
 * ```
 *
 * @category models
 * @since 0.5.0
 */
export interface WatchedRunEvent extends RunEventSeen {}

/**
 * Subscribes to the events runs record (of one workflow, or of every one):
 * the stream has each event recorded after the subscription is made, as it
 * is recorded, until the scope closes — on Redis, by every process that
 * shares the prefix (a Pub/Sub channel, `<prefix>:events`; on a Cluster, any
 * node's), on memory by this process. Subscribe first, then read what is
 * there ({@link listRuns}, {@link runEvents}), and nothing falls between.
 * Each run's events come in the order they were recorded; two runs' events
 * may interleave (on a Redis Cluster each run publishes from its own node).
 * A live feed for a page or a tail: a watcher too slow to keep up loses the
 * oldest events it has not taken, and an event recorded while its Redis
 * connection is re-established is not seen; {@link runEvents} reads every
 * one. An empty stream on a backend that cannot be watched.
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Workflow } from "effect-graflow"
 * import * as RedisChannel from "effect-graflow/RedisChannel"
 *
 * // Prints what every process's runs of "nightly" do, as they do it.
 * const tail = Effect.scoped(Effect.gen(function*() {
 *   const events = yield* Workflow.watchRunEvents("nightly")
 *   yield* Stream.runForEach(events, (seen) => Effect.log(`${seen.runId}: ${seen.event.type}`))
 * })).pipe(Effect.provide(RedisChannel.layer({ url: "redis://localhost:6379" })))
 * ```
 *
 * @category running
 * @since 0.5.0
 */
export const watchRunEvents = (
  workflow?: string | Any
): Effect.Effect<Stream.Stream<WatchedRunEvent>, ChannelError, Channel.Channel | Scope.Scope> =>
  Effect.flatMap(Effect.service(Channel.Channel), (backend) =>
    watchRuns(backend, workflow === undefined ? undefined : typeof workflow === "string" ? workflow : workflow.name))

/**
 * Runs a workflow. The channel is the provided `Channel` service
 * (`MemoryChannel.layer`, `RedisChannel.layer(...)`), or a fresh memory
 * channel when none is provided. Fails with `TaskFailed` naming the task that
 * failed (`ParallelGroupError` for a group, `WorkflowCancelled` when a task
 * cancels); a run-level channel failure (opening the namespace, writing
 * initial values, reading the final contents) fails with the channel error
 * itself.
 *
 * With a tracer installed (an OpenTelemetry exporter from
 * `effect/observability`, or `Effect.withTracer`), every task attempt is a span
 * `task {id}` (attributes: workflow, run id, task, attempt, iteration) inside a
 * `workflow {name}` span. With Effect's built-in tracer, which exports nowhere,
 * or with `References.TracerEnabled` off, the engine makes no spans.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { MemoryChannel, Task, Workflow } from "effect-graflow"
 *
 * const hello = Task.make("hello", () => Effect.succeed("world"))
 * const program = Effect.gen(function*() {
 *   const out = yield* Workflow.run(Workflow.make("hello", hello))
 *   return out.results.hello // "world"
 * })
 * Effect.runPromise(program.pipe(Effect.provide(MemoryChannel.layer)))
 * ```
 *
 * @category running
 * @since 0.1.0
 */
export const run: {
  // Without options: a workflow that takes no input (for one that does, the error says to give it).
  <Name extends string, Results, E, R, T extends object, In, Aw extends Task.AnyAwait>(
    workflow: Workflow<Name, Results, E, R, T, In, Aw> & WithoutOptions<In>
  ): Effect.Effect<Output<Results, T, Aw>, RunError<E, In, Aw, {}>, R>
  <
    Name extends string,
    Results,
    E,
    R,
    T extends object,
    In,
    Aw extends Task.AnyAwait,
    const O extends RunOptionsFor<NoInfer<In>> = RunOptions<NoInfer<In>>
  >(
    workflow: Workflow<Name, Results, E, R, T, In, Aw>,
    ...optionsWithTheInputIfTheWorkflowTakesOne: RunArguments<In, O>
  ): Effect.Effect<Output<Results, T, Aw>, RunError<E, In, Aw, O>, R>
} = (workflow: Any, options?: engine.RunSettings): never => {
  // Misuse the types let through (a value that is no workflow) is a defect, inside the Effect.
  const problem = workflowProblem("Workflow.run", workflow)
  if (problem !== undefined || !isWorkflowImpl(workflow)) return Effect.die(new TypeError(problem)) as never
  // `make` checked the flow and computed the run's types from it; the engine
  // runs that flow, so its output has those types.
  return engine.run(workflow, options) as never
}

/**
 * Continues a run from a checkpoint — its id, the checkpoint itself, or
 * `{ runId }` for the run's latest one — in this process or any other with
 * the same workflow: the channel is restored as it was at the checkpoint
 * (results included, TTLs counting on from the restore), completed tasks are
 * not run again (their results and control-flow decisions are replayed), and
 * what was pending runs. Gives the same output as {@link run}. A checkpoint
 * of another workflow or of another version of this one (its plan) is a
 * `CheckpointMismatchError`; nothing runs.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task, Workflow } from "effect-graflow"
 *
 * const step1 = Task.make("step_1", () => 1)
 * const step2 = Task.make("step_2", (ctx) => Effect.as(ctx.checkpoint({ stage: "after step 2" }), 2))
 * const step3 = Task.make("step_3", () => 3)
 * const flow = Workflow.make("steps", Workflow.chain(step1, step2, step3))
 * const program = Effect.gen(function*() {
 *   yield* Workflow.run(flow, { runId: "r1" })
 *   return yield* Workflow.resume(flow, { runId: "r1" }) // runs step_3 only
 * })
 * ```
 *
 * @category running
 * @since 0.2.0
 */
export const resume: <Name extends string, Results, E, R, T extends object, In, Aw extends Task.AnyAwait>(
  workflow: Workflow<Name, Results, E, R, T, In, Aw>,
  from: string | Checkpoint.Checkpoint | { readonly runId: string },
  options?: ResumeOptions
) => Effect.Effect<
  Output<Results, T, Aw>,
  RunError<E, In, Aw, { readonly durable: true; readonly runId: string }> | ResumeError,
  R
> = (workflow: Any, from: unknown, options?: ResumeOptions): never => {
  const problem = workflowProblem("Workflow.resume", workflow)
  if (problem !== undefined || !isWorkflowImpl(workflow)) return Effect.die(new TypeError(problem)) as never
  // As for `run`: the engine runs the checked flow, from the checkpoint.
  return engine.resume(workflow, from, options) as never
}

/**
 * The type of the response to request `N` among the requests `Aw`.
 *
 * **Example**
 *
 * ```ts
 * import type { Task, Workflow } from "effect-graflow"
 *
 * type R = Workflow.ResponseOf<Task.Await<"approval", boolean> | Task.Await<"note", string>, "note"> // string
 * ```
 *
 * @category type-level
 * @since 0.2.0
 */
export type ResponseOf<Aw extends Task.AnyAwait, N extends string> = Aw extends
  { readonly name: N; readonly value: infer V } ? V : never

/**
 * What {@link respond} takes as a request name for a workflow whose tasks
 * wait for none: a message.
 *
 * @category type-level
 * @since 0.2.0
 */
export type NoRequests = "no task of this workflow waits for a request: declare it with `awaits: { name: schema }`"

/**
 * How {@link respond} can fail: a response that does not fit the request's
 * schema (or a name no task awaits), a run that takes no response (there is
 * none of that id, or it has ended), or the channel.
 *
 * **Example**
 *
 * ```ts
 * import type { Workflow } from "effect-graflow"
 *
 * const tag = (e: Workflow.RespondError) => e._tag // "InvalidResponseError" | …
 * ```
 *
 * @category models
 * @since 0.3.0
 */
export type RespondError = InvalidResponseError | RunNotWaitingError | ChannelError

/**
 * Answers request `name` of run `runId`: the value is checked against the
 * request's schema at compile time (an unknown name or a value of another
 * type does not compile) and at run time (`InvalidResponseError`, nothing
 * sent), then queued for the task that waits for it — now, in this process or
 * another one on the same channel backend, or when the suspended run is
 * resumed. Only a run that can still take it does: one that runs, is
 * suspended, or failed durably (it can be continued). For a run that does not
 * exist (a typo in the id: it never started) or has ended, it fails with
 * `RunNotWaitingError` and writes nothing — no answer waits for a future run
 * of the same id.
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { MemoryChannel, Task, Workflow } from "effect-graflow"
 *
 * const review = Task.make("review", { awaits: { approval: Schema.Struct({ approved: Schema.Boolean }) } }, (ctx) =>
 *   Effect.map(ctx.waitFor("approval", { prompt: "Ship it?", timeout: 0 }), (answer) => answer.approved))
 * const release = Workflow.make("release", review)
 * const program = Effect.gen(function*() {
 *   const out = yield* Workflow.run(release, { runId: "r1" }) // suspended: nobody answered yet
 *   yield* Workflow.respond(release, "r1", "approval", { approved: true })
 *   return yield* Workflow.resume(release, { runId: "r1" }) // results.review === true
 * }).pipe(Effect.provide(MemoryChannel.layer))
 * ```
 *
 * @category running
 * @since 0.2.0
 */
export const respond: <
  Name extends string,
  Results,
  E,
  R,
  T extends object,
  In,
  Aw extends Task.AnyAwait,
  const N extends Aw["name"]
>(
  workflow: Workflow<Name, Results, E, R, T, In, Aw>,
  runId: string,
  name: [Aw] extends [never] ? NoRequests : N,
  value: ResponseOf<Aw, N>
) => Effect.Effect<void, RespondError, Channel.Channel> = (
  workflow: Any,
  runId: string,
  name: string,
  value: unknown
): never => {
  const problem = workflowProblem("Workflow.respond", workflow)
  if (problem !== undefined || !isWorkflowImpl(workflow)) return Effect.die(new TypeError(problem)) as never
  // The engine's effect has exactly these error and service types; the overload names them.
  return engine.respond(workflow, runId, name, value) as never
}

/**
 * The result of a task in a run's output, read through the task value — the
 * way to read the result of a task added at run time with `ctx.nextTask`.
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Option } from "effect"
 * import { Task, Workflow } from "effect-graflow"
 *
 * const extra = Task.make("extra", () => 42)
 * const main = Task.make("main", { adds: [extra] }, (ctx) => ctx.nextTask(extra))
 * const program = Effect.map(Workflow.run(Workflow.make("dyn", main)), (out) => Workflow.resultOf(out, extra))
 * // Option.some(42)
 * ```
 *
 * @category running
 * @since 0.1.0
 */
export const resultOf = <T extends Task.Any>(
  output: RunResult<unknown, object>,
  task: T
): Option.Option<Task.Result<T>> => {
  const results = output.results
  if (!isTask(task) || typeof results !== "object" || results === null || !Object.hasOwn(results, task.id)) {
    return Option.none()
  }
  // The output holds the value the task with this id returned.
  return Option.some((results as { readonly [id: string]: Task.Result<T> })[task.id]!)
}

/**
 * The workflow's static graph as a Mermaid flowchart: tasks as nodes,
 * sequences as edges, parallel groups as subgraphs (labelled with their
 * policy), jumps as dotted edges.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task, Workflow } from "effect-graflow"
 *
 * const a = Task.make("a", () => 1)
 * const b = Task.make("b", () => 2)
 * console.log(Workflow.toMermaid(Workflow.make("ab", Workflow.chain(a, b))))
 * // flowchart TD
 * //   t0["a"] --> t1["b"]
 * ```
 *
 * @category rendering
 * @since 0.1.0
 */
export const toMermaid = (workflow: Any): string => {
  // A function, not an Effect: a value that is no workflow (only reachable past the types) throws.
  const problem = workflowProblem("Workflow.toMermaid", workflow)
  if (problem !== undefined || !isWorkflowImpl(workflow)) throw new TypeError(problem)
  return renderMermaid(workflow.name, workflow.plan)
}

/**
 * The JSON Schemas (draft 2020-12) of what enters a workflow from outside:
 * its run input (`input`, from its `Task.input` task's schema; `undefined`
 * when it takes none) and the response to each request its tasks may wait
 * for (`requests`, by name, from their `awaits` schemas), each with the task
 * that takes it. A schema describes the value's JSON form (a `Date` as an ISO
 * string): what a form, or a client in another language, sends; the workflow
 * decodes it with the Effect Schema itself, so the JSON Schema never decides.
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Task, Workflow } from "effect-graflow"
 *
 * const order = Task.input("order", Schema.Struct({ id: Schema.String, amount: Schema.Number }))
 * const approve = Task.make("approve", { awaits: { approval: Schema.Struct({ ok: Schema.Boolean }) } }, (ctx) =>
 *   ctx.waitFor("approval"))
 * const shop = Workflow.make("shop", Workflow.chain(order, approve))
 * const { input, requests } = Workflow.jsonSchemas(shop)
 * // input?.schema: { $schema: …, type: "object", properties: { id: { type: "string" }, amount: … }, required: ["id", "amount"] }
 * // requests.approval.taskId: "approve"
 * ```
 *
 * @category rendering
 * @since 0.5.0
 */
export const jsonSchemas = <Name extends string, Results, E, R, T extends object, In, Aw extends Task.AnyAwait>(
  workflow: Workflow<Name, Results, E, R, T, In, Aw>
): JsonSchemas<Aw> => {
  const problem = workflowProblem("Workflow.jsonSchemas", workflow)
  if (problem !== undefined || !isWorkflowImpl(workflow)) throw new TypeError(problem)
  // The requests are the plan's: exactly the names of Aw.
  return jsonSchemasOf(workflow.plan) as JsonSchemas<Aw>
}

/**
 * What {@link jsonSchemas} gives: the JSON Schema of the run's input and of
 * each request's response, with the task that takes it.
 *
 * **Example**
 *
 * ```ts
 * import type { Task, Workflow } from "effect-graflow"
 *
 * const requestNames = <Aw extends Task.AnyAwait>(schemas: Workflow.JsonSchemas<Aw>) => Object.keys(schemas.requests)
 * ```
 *
 * @category models
 * @since 0.5.0
 */
export interface JsonSchemas<Aw extends Task.AnyAwait> {
  readonly input: JsonSchemaOf | undefined
  readonly requests: { readonly [N in Aw["name"]]: JsonSchemaOf }
}

/**
 * A JSON Schema document and the task whose value it describes.
 *
 * **Example**
 *
 * ```ts
 * import type { Workflow } from "effect-graflow"
 *
 * const describe = (of: Workflow.JsonSchemaOf) => `${of.taskId}: ${JSON.stringify(of.schema)}`
 * ```
 *
 * @category models
 * @since 0.5.0
 */
export interface JsonSchemaOf {
  readonly taskId: string
  /** A standalone JSON Schema, draft 2020-12 (`$schema`, the keywords, `$defs` when it has definitions). */
  readonly schema: JsonSchema.JsonSchema
}

/**
 * Whether a value is a workflow made by {@link make}.
 *
 * **Example**
 *
 * ```ts
 * import { Task, Workflow } from "effect-graflow"
 *
 * Workflow.isWorkflow(Workflow.make("w", Task.make("a", () => 1))) // true
 * ```
 *
 * @category guards
 * @since 0.1.0
 */
export const isWorkflow = (u: unknown): u is Any => isWorkflowImpl(u)
