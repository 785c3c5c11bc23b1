/** a duplicate task id in one workflow does not compile (see test/type-messages.test.ts). */
import { expectError, expectType } from "tsd"
import { Task, Workflow } from "effect-graflow"

const a = Task.make("a", () => 1)
const a2 = Task.make("a", () => 2)
const b = Task.make("b", () => 3)

expectType<"ok">(
  Workflow.make("ok", Workflow.chain(a, b)).name)
expectError(Workflow.make("chain", Workflow.chain(a, a2)))
expectError(Workflow.make("parallel", Workflow.parallel(a, a2)))
expectError(Workflow.make("nested", Workflow.chain(a, Workflow.parallel(b, Workflow.chain(Task.make("c", () => 4), a2)))))
expectError(Workflow.make("same", Workflow.chain(a, b, a)))
