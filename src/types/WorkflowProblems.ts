import type { FlowShape } from "./FlowShape.js"

type Quote<S extends string> = `"${S}"`

type DupProblems<Ids extends string> = Ids extends string ? `task id ${Quote<Ids>} is used more than once` : never

type NeedProblems<Needs, Maybe extends string> = Needs extends readonly [infer Id extends string, infer Task extends string]
  ? Id extends Maybe
    ? `task ${Quote<Task>} requires the result of ${Quote<Id>}, which may be absent (it is in a lenient parallel group, or runs after a task that may jump or terminate); read it with Task.optional(…)`
  : `task ${Quote<Task>} reads the result of ${Quote<Id>}, which does not certainly run before it`
  : never

type WantProblems<Wants> = Wants extends readonly [infer Id extends string, infer Task extends string]
  ? `task ${Quote<Task>} reads the optional result of ${Quote<Id>}, which does not run before it`
  : never

type ReadProblems<Reads, Initial extends string> = Reads extends readonly [infer Key extends string, infer Task extends string]
  ? Key extends Initial ? never
  : `task ${Quote<Task>} reads channel key ${Quote<Key>}, which no task before it writes and which has no initial value`
  : never

type JumpProblems<Jumps, Ids extends string> = Jumps extends readonly [infer Target extends string, infer Task extends string]
  ? Target extends Ids ? never
  : `task ${Quote<Task>} may jump to ${Quote<Target>}, which is not a task of this workflow`
  : never

type ChannelProblems<Touched, T> = Touched extends object ? {
    [K in keyof Touched & string]: K extends keyof T
      ? [Touched[K], T[K]] extends [T[K], Touched[K]] ? never
      : `channel key ${Quote<K>} has another type in a task than in the workflow's channels`
      : `channel key ${Quote<K>} is used by a task but not declared in the workflow's channels`
  }[keyof Touched & string]
  : never

/**
 * Everything that keeps a flow from being a workflow, as readable messages:
 * duplicate ids, results read from tasks that do not certainly run before (or
 * whose result may be absent), channel keys read before anything writes them
 * (`Initial` lists the keys with an initial value), jumps to ids that are not
 * tasks of the workflow, and channel keys whose types differ from the
 * workflow's channels `T`. `never` when there is nothing.
 *
 * **Example**
 *
 * ```ts
 * import type { WorkflowProblems } from "effect-graflow/types/WorkflowProblems"
 * import type { Flow } from "effect-graflow"
 *
 * type P = WorkflowProblems<Flow.EmptyShape, {}, never> // never
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type WorkflowProblems<S extends FlowShape, T, Initial extends string> =
  | DupProblems<S["dups"]>
  | NeedProblems<S["needs"], S["maybe"]>
  | WantProblems<S["wants"]>
  | ReadProblems<S["reads"], Initial>
  | JumpProblems<S["jumps"], S["ids"]>
  | ChannelProblems<S["channels"], T>

/**
 * `unknown` for a valid flow; otherwise an object type whose one property
 * lists the problems, so that passing the flow to `Workflow.make` fails to
 * compile with the problems in the message.
 *
 * **Example**
 *
 * ```ts
 * import type { CheckWorkflow } from "effect-graflow/types/WorkflowProblems"
 * import type { Flow } from "effect-graflow"
 *
 * type OK = CheckWorkflow<Flow.EmptyShape, {}, never> // unknown
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type CheckWorkflow<S extends FlowShape, T, Initial extends string> = [WorkflowProblems<S, T, Initial>] extends
  [never] ? unknown
  : { readonly "workflow is not valid": WorkflowProblems<S, T, Initial> }
