/**
 * WorkflowProblems and CheckedName on their own: a valid flow, each kind of problem in words, initial values, the empty shape.
 */
import type { Task } from "effect-graflow"
import type { EmptyShape } from "../../dist/types/FlowShape.js"
import type { FoldShape } from "../../dist/types/FoldShape.js"
import type { CheckedName, WorkflowProblems } from "../../dist/types/WorkflowProblems.js"
import type { A, NeedsA, Seq } from "./support.js"
import { expectType } from "tsd"
import { is } from "./support.js"

expectType<never>(is<WorkflowProblems<Seq, {}, never>>())
expectType<"w">(is<CheckedName<"w", Seq, {}, never>>())
expectType<`task "needsA" reads the result of "a", which does not certainly run before it`>(
  is<WorkflowProblems<FoldShape<"sequence", readonly [NeedsA, A]>, {}, never>>()
)
expectType<`invalid workflow: task "needsA" reads the result of "a", which does not certainly run before it`>(
  is<CheckedName<"w", FoldShape<"sequence", readonly [NeedsA, A]>, {}, never>>()
)
expectType<
  | `task id "a" is used more than once`
  | `task "needsA" reads the result of "a", which does not certainly run before it`
>(is<WorkflowProblems<FoldShape<"sequence", readonly [NeedsA, A, A]>, {}, never>>())
// a read with an initial value is met
type ReadsConfig = Task.Task<"r", void, never, never, Task.DeclaredIo<never, never, "config", never, { readonly config: number }, never, never, never>>
expectType<`task "r" reads channel key "config", which no task certainly writes before it and which has no initial value`>(
  is<WorkflowProblems<FoldShape<"sequence", readonly [ReadsConfig]>, { readonly config: number }, never>>()
)
expectType<never>(is<WorkflowProblems<FoldShape<"sequence", readonly [ReadsConfig]>, { readonly config: number }, "config">>())
// a channel key of another type than the workflow's
expectType<`channel key "config" has another type in a task than in the workflow's channels`>(
  is<WorkflowProblems<FoldShape<"sequence", readonly [ReadsConfig]>, { readonly config: string }, "config">>()
)
// the empty shape has no problems
expectType<never>(is<WorkflowProblems<EmptyShape, {}, never>>())
