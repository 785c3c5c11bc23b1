/**
 * the result of a task that is not certainly upstream — a parallel sibling,
 * a downstream task, a task on another branch — does not compile.
 */
import { Effect } from "effect"
import { expectError, expectType } from "tsd"
import { Task, Workflow } from "effect-graflow"

const fetch = Task.make("fetch", () => 1)
const process = Task.make("process", { after: [fetch] }, (ctx) => ctx.getResult("fetch"))
const other = Task.make("other", () => 2)
const readsOther = Task.make("readsOther", { after: [other] }, (ctx) => ctx.getResult("other"))

// upstream: fine
expectType<"ok">(
  Workflow.make("ok", Workflow.chain(fetch, process)).name)

// a parallel sibling
expectError(Workflow.make("sibling", Workflow.parallel(fetch, process)))
// downstream
expectError(Workflow.make("downstream", Workflow.chain(process, fetch)))
// another branch: `other` runs in a sibling branch of `readsOther`
expectError(
  Workflow.make("branch", Workflow.parallel(Workflow.chain(fetch, other), Workflow.chain(Task.make("x", () => 0), readsOther)))
)
// not in the workflow at all
expectError(Workflow.make("absent", process))
// a branch that reads a task inside another branch's chain after the group is fine
expectType<"join">(
  Workflow.make("join", Workflow.chain(Workflow.parallel(Workflow.chain(fetch, other), Task.make("y", () => 0)), readsOther))
    .name
)

Effect.void
