/**
 * What a flow (a task, a chain or a parallel group) provides to what runs after
 * it, and what it still needs from what runs before it. Composition computes it;
 * `Workflow.make` checks that nothing is left unmet.
 *
 * - `ids`: the task ids in the flow.
 * - `results`: one `readonly [id, result]` entry per task.
 * - `writes`: the channel keys some task of the flow writes.
 * - `needs`: `readonly [id, task]`: `task` reads the result of `id`, and no
 *   task before it in the flow produces it.
 * - `reads`: `readonly [key, task]`: `task` reads channel key `key`, and no task
 *   before it in the flow writes it.
 * - `dups`: task ids that occur more than once.
 * - `channels`: for each typed task, the value types of the keys it touches.
 * - `error`, `services`: the union of the tasks' errors and requirements.
 *
 * **Example**
 *
 * ```ts
 * import type { Flow } from "effect-graflow"
 *
 * type Shape = Flow.Shape<typeof someFlow>
 * declare const someFlow: Flow.Flow<Flow.EmptyShape>
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export interface FlowShape {
  readonly ids: string
  readonly results: readonly [string, unknown]
  readonly writes: string
  readonly needs: readonly [string, string]
  readonly reads: readonly [string, string]
  readonly dups: string
  readonly channels: object
  readonly error: unknown
  readonly services: unknown
}

/**
 * The shape of a flow with no tasks: the start of every fold.
 *
 * @category type-level
 * @since 0.1.0
 */
export interface EmptyShape {
  readonly ids: never
  readonly results: never
  readonly writes: never
  readonly needs: never
  readonly reads: never
  readonly dups: never
  readonly channels: never
  readonly error: never
  readonly services: never
}
