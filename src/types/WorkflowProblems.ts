import type { IsEqual } from "type-fest"
import type { AnyEntry, RunInput } from "./Entry.js"
import type { ByTask, FlowShape } from "./FlowShape.js"

type Quote<S extends string> = `"${S}"`

/** Messages as they are (a conditional, so that a flow TypeScript cannot see yet does not fail the check: see CheckedName). */
type Messages<M> = M extends infer Message ? Message extends string ? Message : never : never

type DupProblems<Ids extends string> = Ids extends string ? `task id ${Quote<Ids>} is used more than once` : never

type OtherType<Task extends string, Id extends string> =
  `task ${Quote<Task>} reads the result of ${Quote<Id>} as another type than the workflow's task ${Quote<Id>} returns (its \`after\` names another task with that id)`

/**
 * An unmet need, in words. Only unmet needs get here (a valid flow has none),
 * so the lookups below (over every result) cost nothing on the common path:
 *
 * - no task of the workflow has the id: it does not run before;
 * - one has the id but another result type: the `after` named another task;
 * - the task is there but may not have run: it may be absent, or runs later.
 */
type NeedProblems<Needs, Results, Uncertain extends string> = Needs extends ByTask<infer Need extends AnyEntry, infer Task>
  ? [Extract<Results, { readonly id: Need["id"] }>] extends [never]
    ? `task ${Quote<Task>} reads the result of ${Quote<Need["id"]>}, which does not certainly run before it`
  : [Need] extends [Results] ? Need["id"] extends Uncertain
      ? `task ${Quote<Task>} requires the result of ${Quote<Need["id"]>}, which may be absent (it is in a lenient parallel group or in one of a branch's cases, or runs after a task that may jump); read it with Task.optional(…)`
    : `task ${Quote<Task>} reads the result of ${Quote<Need["id"]>}, which does not certainly run before it`
  : OtherType<Task, Need["id"]>
  : never

type WantProblems<Wants, Results> = Wants extends ByTask<infer Want extends AnyEntry, infer Task>
  ? [Want] extends [Results] | [never] ? `task ${Quote<Task>} reads the optional result of ${Quote<Want["id"]>}, which does not run before it`
  : [Extract<Results, { readonly id: Want["id"] }>] extends [never]
    ? `task ${Quote<Task>} reads the optional result of ${Quote<Want["id"]>}, which does not run before it`
  : OtherType<Task, Want["id"]>
  : never

type ReadProblems<Reads, Initial extends string> = Reads extends ByTask<infer Key extends string, infer Task>
  ? Key extends Initial ? never
  : `task ${Quote<Task>} reads channel key ${
    Quote<Key>
  }, which no task certainly writes before it and which has no initial value`
  : never

type JumpProblems<Jumps, Ids extends string> = Jumps extends ByTask<infer Target extends string, infer Task>
  ? Target extends Ids ? never
  : `task ${Quote<Task>} may jump to ${Quote<Target>}, which is not a task of this workflow`
  : never

/** One message per `Task.input` task when there are two or more (the ids of a shape's inputs: `Ids`). */
type InputProblems<Ids extends string, All extends string = Ids> = Ids extends string ? [All] extends [Ids] ? never
  : `task ${Quote<Ids>} takes the run's input, and so does task ${
    Quote<Exclude<All, Ids>>
  }: a workflow has at most one Task.input; make it one, whose schema is a Schema.Struct of both`
  : never

type ChannelProblems<Touched, T> = Touched extends object ? {
    [K in keyof Touched & string]: K extends keyof T ? IsEqual<Touched[K], T[K]> extends true ? never
      : `channel key ${Quote<K>} has another type in a task than in the workflow's channels`
      : `channel key ${Quote<K>} is used by a task but not declared in the workflow's channels`
  }[keyof Touched & string]
  : never

/**
 * Everything that keeps a flow from being a workflow, as readable messages
 * naming the task and the key or id: duplicate ids, ids that cannot be ids,
 * results read from tasks that do not certainly run before (or whose result
 * may be absent), results read as another task's result type, channel keys
 * read before any task certainly writes them (`Initial` lists the keys with an
 * initial value), jumps to ids that are not tasks of the workflow, and channel
 * keys whose types differ from the workflow's channels `T`. `never` when there
 * is nothing.
 *
 * **Example**
 *
 * ```ts
 * import type { WorkflowProblems } from "./WorkflowProblems.js"
 * import type { Flow } from "effect-graflow"
 *
 * type P = WorkflowProblems<Flow.EmptyShape, {}, never> // never
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type WorkflowProblems<S extends FlowShape, T, Initial extends string> = Messages<
  | DupProblems<S["dups"]>
  | S["invalid"]
  | NeedProblems<S["needs"], S["results"], Exclude<S["lits"], S["certain"]["id"]>>
  | WantProblems<S["wants"], S["results"]>
  | ReadProblems<S["reads"], Initial>
  | JumpProblems<S["jumps"], S["ids"]>
  | ChannelProblems<S["channels"], T>
  | InputProblems<S["input"] extends RunInput<infer Id, unknown> ? Id : never>
>

/**
 * The type `Workflow.make` takes as the workflow's name: the name itself for a
 * valid flow; otherwise the problems, so that the call does not compile and the
 * error reads `Argument of type '"pipeline"' is not assignable to parameter of
 * type '"invalid workflow: task \"process\" reads the result of \"fetch\",
 * which does not certainly run before it" | …'` — every problem in words, first.
 *
 * **Example**
 *
 * ```ts
 * import type { CheckedName } from "./WorkflowProblems.js"
 * import type { Flow } from "effect-graflow"
 *
 * type OK = CheckedName<"w", Flow.EmptyShape, {}, never> // "w"
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type CheckedName<Name extends string, S extends FlowShape, T, Initial extends string> =
  // No `infer` here: for a flow TypeScript cannot see (a generic factory's type
  // parameter), a conditional without one is checked against its true branch
  // only, so `<F>(flow: F) => Workflow.make("w", flow)` compiles (the flow is
  // checked when the factory runs: WorkflowDefinitionError).
  [WorkflowProblems<S, T, Initial>] extends [never] ? Name : Words<WorkflowProblems<S, T, Initial>>

/**
 * The problems as a union of new strings, not the alias instance above: an
 * error message prints an alias by its name and arguments (the whole flow's
 * shape), a plain union of strings by its members.
 */
type Words<Problems> = Problems extends string ? `invalid workflow: ${Problems}` : never
