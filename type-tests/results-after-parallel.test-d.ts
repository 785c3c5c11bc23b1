/** after a parallel group, every member's result is visible downstream. */
import { Effect } from "effect"
import { expectType } from "tsd"
import { Task, Workflow } from "effect-graflow"

const a = Task.make("a", () => 1)
const b = Task.make("b", () => "two")
const c = Task.make("c", () => Effect.succeed([3]))
const join = Task.make("join", { after: [a, b, c] }, (ctx) =>
  Effect.gen(function*() {
    expectType<number>(yield* ctx.getResult("a"))
    expectType<string>(yield* ctx.getResult("b"))
    expectType<Array<number>>(yield* ctx.getResult("c"))
    return "joined"
  }))

const fanIn = Workflow.make("fan-in", Workflow.chain(Task.make("start", () => 0), Workflow.parallel(a, b, c), join))
Effect.gen(function*() {
  const out = yield* Workflow.run(fanIn)
  expectType<number>(out.results.a)
  expectType<string>(out.results.b)
  expectType<Array<number>>(out.results.c)
  expectType<string>(out.results.join)
  expectType<number>(out.results.start)
})
