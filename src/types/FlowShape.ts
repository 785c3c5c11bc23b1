import type { AnyAwait, AnyEntry } from "./Entry.js"

/**
 * What a flow (a task, a chain or a parallel group) provides to what runs after
 * it, and what it still needs from what runs before it. Composition computes it;
 * `Workflow.make` checks that nothing is left unmet.
 *
 * - `ids`: the task ids in the flow (`string` for a task made with a computed id).
 * - `lits`: the literal ids among them. Only a literal id can meet a literal
 *   need, and only literal ids are checked for duplicates at compile time.
 * - `certain`: the entries (`Entry<id, result>`) of the
 *   literal-id tasks that certainly ran once the flow has run, for the tasks
 *   after it: not those after a task that may jump (`goto`), nor the members
 *   of a lenient parallel group. (A task that may only `terminate` keeps what
 *   follows it certain: if a later task runs, the run was not stopped.)
 * - `present`: the literal ids whose result is certainly in the run's output:
 *   `certain`, less what follows a task that may terminate.
 * - `results`: one entry (`Entry<id, result>`) per task.
 * - `writes`: the channel keys the flow certainly writes (a write after a jump
 *   or in a lenient group may not happen, so it meets no later read).
 * - `needs`: `ByTask<entry, task>`: `task` requires the result `entry` (an
 *   id and a result type), and no task certainly run before it in the flow
 *   has that id with that result type.
 * - `wants`: `ByTask<entry, task>`: `task` reads that result if there is
 *   one (`Task.optional`), and no task before it in the flow has it (a task
 *   with a computed id may: the read gives an `Option` either way).
 * - `reads`: `ByTask<key, task>`: `task` reads channel key `key`, and no task
 *   before it in the flow certainly writes it.
 * - `jumps`: `ByTask<target, task>`: `task` may jump to `target`.
 * - `dups`: literal task ids that occur more than once.
 * - `invalid`: what is wrong with the flow's task ids themselves (a union of
 *   ids, the `.__result__` suffix), in words.
 * - `channels`: for each typed task, the value types of the keys it touches.
 * - `skips`: `true` when some task may jump (skipping what follows it).
 * - `stops`: `true` when some task may terminate the run.
 * - `groups`: `true` when the flow has a parallel group (whose failure is a
 *   `ParallelGroupError`), `never` otherwise.
 * - `failures`: one `TaskFailed<id, error>` per task: the run's failure, by task.
 * - `cancels`: `WorkflowCancelled` when a task may cancel the run.
 * - `services`: the union of the tasks' requirements.
 * - `input`: the type of the run's input, when a task is a `Task.input`.
 * - `awaits`: the requests its tasks may wait for (`Await<name, value>`).
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
  readonly lits: string
  readonly certain: AnyEntry
  readonly present: string
  readonly results: AnyEntry
  readonly writes: string
  readonly needs: ByTask<AnyEntry, string>
  readonly wants: ByTask<AnyEntry, string>
  readonly reads: ByTask<string, string>
  readonly jumps: ByTask<string, string>
  readonly dups: string
  readonly invalid: string
  readonly channels: object
  readonly skips: true
  readonly stops: true
  readonly groups: true
  readonly failures: unknown
  readonly cancels: unknown
  readonly services: unknown
  readonly input: unknown
  readonly awaits: AnyAwait
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
  readonly lits: never
  readonly certain: never
  readonly present: never
  readonly results: never
  readonly writes: never
  readonly needs: never
  readonly wants: never
  readonly reads: never
  readonly jumps: never
  readonly dups: never
  readonly invalid: never
  readonly channels: never
  readonly skips: never
  readonly stops: never
  readonly groups: never
  readonly failures: never
  readonly cancels: never
  readonly services: never
  readonly input: never
  readonly awaits: never
}

/**
 * Something a task of a flow needs, reads or may jump to, with the task:
 * `ByTask<Entry<"fetch", number>, "sum">` is task "sum" requiring the result
 * of "fetch". An interface rather than a pair: two of them compare by their
 * type arguments, where tuples compare member by member, array methods
 * included (a fifth of a long chain's type-check cost).
 *
 * **Example**
 *
 * ```ts
 * import type { Flow, Task } from "effect-graflow"
 *
 * type Need = Flow.ByTask<Task.Entry<"fetch", number>, "sum">
 * type Reader = Need["task"] // "sum"
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export interface ByTask<out What, out Task extends string> {
  readonly what: What
  readonly task: Task
}

/** A computed shape as a `FlowShape` (TypeScript cannot see through a fold or a conditional by itself). */
export type Shaped<S> = S extends FlowShape ? S : never
