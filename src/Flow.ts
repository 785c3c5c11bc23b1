/**
 * Flows: what `Workflow.chain` and `Workflow.parallel` compose. A task is a
 * flow; a chain of flows and a parallel group of flows are flows. Each flow's
 * type carries its {@link FlowShape}: the results it provides, the channel
 * keys it writes, and what it still needs from upstream.
 *
 * @since 0.1.0
 */
import * as internal from "./internal/flow.js"
import type { FlowShape } from "./types/FlowShape.js"

export type { ByTask, EmptyShape, FlowShape } from "./types/FlowShape.js"

/**
 * The runtime marker of flows.
 *
 * **Example**
 *
 * ```ts
 * import { Flow, Task } from "effect-graflow"
 *
 * Flow.TypeId in Task.make("a", () => 1) // true
 * ```
 *
 * @category symbols
 * @since 0.1.0
 */
export const TypeId: internal.TypeId = internal.TypeId

/**
 * The runtime marker of flows.
 *
 * @category symbols
 * @since 0.1.0
 */
export type TypeId = internal.TypeId

/**
 * A composable piece of a workflow. `S` says what it provides and needs.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Flow, Task, Workflow } from "effect-graflow"
 *
 * const a = Task.make("a", () => Effect.succeed(1))
 * const b = Task.make("b", () => Effect.succeed("two"))
 * const both: Flow.Flow<Flow.Shape<ReturnType<typeof Workflow.parallel<[typeof a, typeof b]>>>> = Workflow.parallel(a, b)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Flow<out S extends FlowShape> {
  readonly [TypeId]: TypeId
  readonly _tag: "Task" | "Sequence" | "Parallel"
  /** Type-level only: what the flow provides and needs. */
  readonly "~shape": S
}

/**
 * Any flow.
 *
 * **Example**
 *
 * ```ts
 * import { Flow, Task, Workflow } from "effect-graflow"
 *
 * const flows: ReadonlyArray<Flow.Any> = [Task.make("a", () => 1), Workflow.chain(Task.make("b", () => 2))]
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Any extends Flow<FlowShape> {}

/**
 * The shape of a flow type.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Flow, Task } from "effect-graflow"
 *
 * const a = Task.make("a", () => Effect.succeed(1))
 * type Ids = Flow.Shape<typeof a>["ids"] // "a"
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type Shape<F> = F extends Flow<infer S> ? S : never

/**
 * Whether a value is a flow.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Flow, Task } from "effect-graflow"
 *
 * Flow.isFlow(Task.make("a", () => Effect.void)) // true
 * Flow.isFlow({})                                   // false
 * ```
 *
 * @category guards
 * @since 0.1.0
 */
export const isFlow = (u: unknown): u is Any => internal.isFlow(u)
