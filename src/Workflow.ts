/**
 * Workflows: flows of tasks, checked as a whole and run as an Effect.
 *
 * - `Workflow.chain(a, b, c)` runs flows one after another (Graflow's `>>`);
 * - `Workflow.parallel(a, b, c)` runs them concurrently on the same channel
 *   (Graflow's `|`);
 * - `Workflow.make(name, options, flow)` checks the flow: no duplicate ids,
 *   every `getResult` reads a task that certainly runs before, every channel
 *   key a task reads is written before it or has an initial value;
 * - `Workflow.run(workflow)` is an Effect: its error type lists the tasks that
 *   can fail and how, its requirements are the services the tasks need.
 *
 * @since 0.1.0
 */
import { type Effect, Pipeable } from "effect"
import type * as Channel from "./Channel.js"
import type { ChannelDecodeError, ChannelError, InvalidValueError } from "./ChannelError.js"
import type * as Flow from "./Flow.js"
import * as engine from "./internal/engine.js"
import { compile, Composite, type Plan } from "./internal/plan.js"
import type { FoldShape } from "./types/FoldShape.js"
import type { ResultsOf } from "./types/ResultsOf.js"
import type { CheckWorkflow } from "./types/WorkflowProblems.js"
import type { TaskFailed } from "./WorkflowError.js"

/**
 * Flows that run one after another.
 *
 * @category models
 * @since 0.1.0
 */
export interface Sequence<out S extends Flow.FlowShape> extends Flow.Flow<S> {
  readonly _tag: "Sequence"
  readonly flows: ReadonlyArray<Flow.Any>
}

/**
 * Flows that run concurrently.
 *
 * @category models
 * @since 0.1.0
 */
export interface Parallel<out S extends Flow.FlowShape> extends Flow.Flow<S> {
  readonly _tag: "Parallel"
  readonly flows: ReadonlyArray<Flow.Any>
}

/**
 * Runs flows one after another (Graflow's `a >> b >> c`): each starts when the
 * one before it has finished, and sees its results and writes.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task, Workflow } from "effect-graflow"
 *
 * const fetch = Task.make("fetch", () => Effect.succeed([1, 2, 3]))
 * const count = Task.make("count", { after: [fetch] }, (ctx) => Effect.map(ctx.getResult("fetch"), (xs) => xs.length))
 * const flow = Workflow.chain(fetch, count)
 * ```
 *
 * @category composition
 * @since 0.1.0
 */
export const chain = <const Flows extends readonly [Flow.Any, ...Array<Flow.Any>]>(
  ...flows: Flows
): Sequence<FoldShape<"sequence", Flows>> => new Composite<"Sequence", FoldShape<"sequence", Flows>>("Sequence", flows)

/**
 * Runs flows concurrently on the same channel (Graflow's `a | b | c`). The
 * group finishes when every member has; if one fails, the others are
 * interrupted. A member does not see its siblings' results; what comes after
 * the group sees all of them.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task, Workflow } from "effect-graflow"
 *
 * const a = Task.make("a", (ctx) => ctx.untyped.append("items", "a"))
 * const b = Task.make("b", (ctx) => ctx.untyped.append("items", "b"))
 * const both = Workflow.parallel(a, b) // afterwards "items" holds both
 * ```
 *
 * @category composition
 * @since 0.1.0
 */
export const parallel = <const Flows extends readonly [Flow.Any, ...Array<Flow.Any>]>(
  ...flows: Flows
): Parallel<FoldShape<"parallel", Flows>> => new Composite<"Parallel", FoldShape<"parallel", Flows>>("Parallel", flows)

/**
 * A checked workflow: `Results` maps task ids to results, `E` is how a run can
 * fail, `R` what it needs, `T` the channel value types.
 *
 * @category models
 * @since 0.1.0
 */
export interface Workflow<out Name extends string, out Results, out E, out R, in out T extends object>
  extends Pipeable.Pipeable
{
  readonly "~effect-graflow/Workflow": {
    readonly results: (_: never) => Results
    readonly error: (_: never) => E
    readonly services: (_: never) => R
    readonly channels: (_: T) => T
  }
  readonly name: Name
  /** The task ids, in the order they appear in the flow. */
  readonly taskIds: ReadonlyArray<string>
  readonly channels: Channel.ChannelSchema<T> | undefined
  readonly initial: Partial<T>
}

/**
 * The options of {@link make}.
 *
 * @category models
 * @since 0.1.0
 */
export interface MakeOptions<T extends object, Initial> {
  /** The workflow's channel schema: the keys its tasks declare, and their types. */
  readonly channels?: Channel.ChannelSchema<T>
  /** Values written to the channel before the first task runs. */
  readonly initial?: Initial
}

/**
 * The workflow type of a valid flow.
 *
 * @category type-level
 * @since 0.1.0
 */
export type Of<Name extends string, S extends Flow.FlowShape, T extends object> = Workflow<
  Name,
  ResultsOf<S["results"]>,
  TaskFailed<S["ids"], S["error"]>,
  S["services"],
  T
>

/**
 * Makes a workflow from a flow, checking it as a whole. A flow with duplicate
 * task ids, a result read from a task that does not certainly run before, or a
 * channel key read before anything writes it (and without an initial value)
 * does not compile: the error lists each problem in words.
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
    name: Name,
    flow: F & CheckWorkflow<Flow.Shape<F>, {}, never>
  ): Of<Name, Flow.Shape<F>, {}>
  <const Name extends string, F extends Flow.Any, T extends object = {}, Initial extends Partial<T> = {}>(
    name: Name,
    options: MakeOptions<T, Initial>,
    flow: F & CheckWorkflow<Flow.Shape<F>, T, keyof Initial & string>
  ): Of<Name, Flow.Shape<F>, T>
} = (
  name: string,
  optionsOrFlow: MakeOptions<object, { readonly [key: string]: unknown }> | Flow.Any,
  maybeFlow?: Flow.Any
): never => {
  const [options, flow] = maybeFlow === undefined
    ? [{}, optionsOrFlow]
    : [optionsOrFlow as MakeOptions<object, { readonly [key: string]: unknown }>, maybeFlow]
  const initial = options.initial ?? {}
  const plan = compile(name, flow, Object.keys(initial))
  // The overloads give the workflow its checked type; at run time it is one shape.
  return new WorkflowImpl(name, plan, options.channels, initial) as never
}

class WorkflowImpl extends Pipeable.Class implements engine.Runnable {
  declare readonly "~effect-graflow/Workflow": Any["~effect-graflow/Workflow"]
  constructor(
    readonly name: string,
    readonly plan: Plan,
    readonly channels: Channel.ChannelSchema<object> | undefined,
    readonly initial: { readonly [key: string]: unknown }
  ) {
    super()
  }
  get taskIds(): ReadonlyArray<string> {
    return this.plan.ids
  }
}

/**
 * Any workflow.
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
  }
  readonly name: string
}

/**
 * The final channel contents of a run (Graflow's `ret_context=True`): declared
 * keys with their types, any other key as `unknown`. Result keys are not in it;
 * the results are in {@link RunResult.results}.
 *
 * @category models
 * @since 0.1.0
 */
export type ChannelContents<T extends object> = { readonly [K in keyof T]?: T[K] } & { readonly [key: string]: unknown }

/**
 * What a run returns: the result of every task, and the final channel contents.
 *
 * @category models
 * @since 0.1.0
 */
export interface RunResult<Results, T extends object> {
  readonly workflow: string
  readonly runId: string
  /** Every task's result, by task id. */
  readonly results: Results
  /** The channel at the end of the run. */
  readonly channel: ChannelContents<T>
}

/**
 * The options of {@link run}.
 *
 * @category models
 * @since 0.1.0
 */
export interface RunOptions {
  /** The run id (default: a random UUID). The run's channel namespace is `{workflow}/{runId}`. */
  readonly runId?: string | undefined
}

/**
 * Runs a workflow. The channel is the provided `Channel` service
 * (`MemoryChannel.layer`, `RedisChannel.layer(...)`), or a fresh memory
 * channel when none is provided. Fails with `TaskFailed` naming the task that
 * failed; a run-level channel failure (opening the namespace, writing initial
 * values, reading the final contents) fails with the channel error itself.
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
export const run: <Name extends string, Results, E, R, T extends object>(
  workflow: Workflow<Name, Results, E, R, T>,
  options?: RunOptions
) => Effect.Effect<
  RunResult<Results, T>,
  E | ChannelError | InvalidValueError | ChannelDecodeError,
  R
> = (workflow, options) => {
  if (!(workflow instanceof WorkflowImpl)) throw new TypeError("Workflow.run: not a workflow made by Workflow.make")
  // `make` checked the flow and computed the run's types from it; the engine
  // runs that flow, so its output has those types.
  return engine.run(workflow, options) as never
}
