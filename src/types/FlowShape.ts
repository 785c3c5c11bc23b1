/**
 * What a flow (a task, a chain or a parallel group) provides to what runs after
 * it, and what it still needs from what runs before it. Composition computes it;
 * `Workflow.make` checks that nothing is left unmet.
 *
 * - `ids`: the task ids in the flow.
 * - `maybe`: the ids whose result may be absent after the flow: members of a
 *   lenient parallel group, and tasks that run after a task that may jump
 *   (`goto`) or `terminate`.
 * - `results`: one `readonly [id, result]` entry per task.
 * - `writes`: the channel keys some task of the flow writes.
 * - `needs`: `readonly [id, task]`: `task` requires the result of `id`, and no
 *   task certainly run before it in the flow produces it.
 * - `wants`: `readonly [id, task]`: `task` reads the result of `id` if there
 *   is one (`Task.optional`), and no task before it in the flow is `id`.
 * - `reads`: `readonly [key, task]`: `task` reads channel key `key`, and no task
 *   before it in the flow writes it.
 * - `jumps`: `readonly [target, task]`: `task` may jump to `target`.
 * - `dups`: task ids that occur more than once.
 * - `channels`: for each typed task, the value types of the keys it touches.
 * - `cut`: `true` when some task of the flow may skip what follows it (it may
 *   jump or terminate), `never` otherwise.
 * - `groups`: `true` when the flow has a parallel group (whose failure is a
 *   `ParallelGroupError`), `never` otherwise.
 * - `error`, `services`: the union of the tasks' errors and requirements.
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
export interface FlowShape {
  readonly ids: string
  readonly maybe: string
  readonly results: readonly [string, unknown]
  readonly writes: string
  readonly needs: readonly [string, string]
  readonly wants: readonly [string, string]
  readonly reads: readonly [string, string]
  readonly jumps: readonly [string, string]
  readonly dups: string
  readonly channels: object
  readonly cut: true
  readonly groups: true
  readonly error: unknown
  readonly services: unknown
}

/**
 * The shape of a flow with no tasks: the start of every fold.
 *
 * **Example**
 *
 * ```ts
 * import type { Flow } from "effect-graflow"
 *
 * type NoIds = Flow.EmptyShape["ids"] // never
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export interface EmptyShape {
  readonly ids: never
  readonly maybe: never
  readonly results: never
  readonly writes: never
  readonly needs: never
  readonly wants: never
  readonly reads: never
  readonly jumps: never
  readonly dups: never
  readonly channels: never
  readonly cut: never
  readonly groups: never
  readonly error: never
  readonly services: never
}
