import type { FlowShape } from "./FlowShape.js"

type Quote<S extends string> = `"${S}"`

type DupProblems<Ids extends string> = Ids extends string ? `task id ${Quote<Ids>} is used more than once` : never

type NeedProblems<Needs> = Needs extends readonly [infer Id extends string, infer Task extends string]
  ? `task ${Quote<Task>} reads the result of ${Quote<Id>}, which does not certainly run before it`
  : never

type ReadProblems<Reads, Initial extends string> = Reads extends readonly [infer Key extends string, infer Task extends string]
  ? Key extends Initial ? never
  : `task ${Quote<Task>} reads channel key ${Quote<Key>}, which no task before it writes and which has no initial value`
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
 * duplicate ids, results read from tasks that do not certainly run before,
 * channel keys read before anything writes them (`Initial` lists the keys with
 * an initial value), and channel keys whose types differ from the workflow's
 * channels `T`. `never` when there is nothing.
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
  | NeedProblems<S["needs"]>
  | ReadProblems<S["reads"], Initial>
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
