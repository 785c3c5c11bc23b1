import type { ChannelError, InvalidValueError } from "../ChannelError.js"
import type { RunLeaseLostError, TaskFailed, WorkflowCancelled } from "../WorkflowError.js"

/** What a task's error may be that stops the run rather than failing the task: a cancel, a lost run lease (a sub-workflow's). */
type StopsRun = WorkflowCancelled | RunLeaseLostError
import type { ResultProblem } from "./BodyResult.js"
import type { Entry } from "./Entry.js"
import type { ByTask } from "./FlowShape.js"
import type { Io } from "./Io.js"

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
  readonly needs: EachByTask<I["needs"], Id>
  readonly wants: EachByTask<I["wants"], Id>
  readonly reads: EachByTask<I["reads"], Id>
  readonly jumps: EachByTask<I["goto"], Id>
  readonly dups: never
  readonly invalid: IdProblems<Id> | ([I["schema"]] extends [never] ? ResultProblem<Id, A> : never)
  readonly channels: I["channels"]
  readonly skips: I["skips"]
  readonly stops: I["stops"]
  readonly groups: never
  readonly failures: TaskFailed<Id, Exclude<E, StopsRun> | InvalidValueError | ChannelError> | I["adds"]["failures"]
  readonly cancels: Extract<E, StopsRun> | I["adds"]["cancels"]
  readonly services: R | I["adds"]["services"]
  readonly input: I["input"]
  readonly awaits: I["awaits"]
}


/**
 * Each of `What` paired with the task `Id` (`ByTask<What, Id>`, one per
 * member of the union), by a distributive alias: matching `I["needs"]`
 * against `infer Need` first would be a conditional type on the entries,
 * whose check type TypeScript walks with its permissive and restrictive
 * mappers (struct results and all).
 */
type EachByTask<What, Id extends string> = What extends unknown ? ByTask<What, Id> : never

/**
 * A task id as the checks see it: a literal id, or `never` for an id the type
 * checker only knows as `string` (or a template such as `` `fetch-${string}` ``),
 * and for a union of ids: such a task meets no need and is checked for
 * duplicates only when the workflow is made. (Written with `Record` and a
 * per-member check rather than type-fest's `IsStringLiteral`/`IsUnion`: once
 * per task, those cost about 160 more instantiations.)
 *
 * @internal
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
 * @internal
 */
export type IdProblems<Id extends string> = [LiteralId<Id>] extends [never]
  // a computed id has no problem to report here; a union has one per member
  ? {} extends Record<Id, 1> ? never
  : Id extends unknown ? `task id "${Id}" is one of a union of ids: a task has one id; make one task per id`
  : never
  : Id extends `${string}.__result__` ? `task id "${Id}" ends in ".__result__", the suffix of the keys that hold results`
  : never

