/**
 * Results as every backend keeps them, in the corners the "results kept once"
 * work of issue 21 touched: an iteration that fails to store, a run id used
 * again after an expiring retention, a branch's choice in a durable run and
 * its checkpoint, a store's own write of a result key. Run against every backend.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Option, Schema } from "effect"
import { TestClock } from "effect/testing"
import { Channel, Checkpoint, Flow, Task, Workflow } from "../../src/index.js"

export interface Subject {
  readonly name: string
  readonly layer: Layer.Layer<Channel.Channel, unknown>
}

export const resultsConformance = (subject: Subject) => {
  const test = it.effect
  const provide = <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.provide(self, subject.layer)

  describe(`results conformance: ${subject.name}`, () => {
    test("a later iteration whose result cannot be stored leaves the earlier iteration's result readable", () =>
      Effect.gen(function*() {
        // "loop" stores 1 in iteration 1, then its iteration 2 gives NaN (not JSON): the step fails,
        // the best-effort group absorbs it, and "read" finds iteration 1's result, in the channel too.
        const loop = Task.make("loop", { maxCycles: 3 }, (ctx) =>
          ctx.iteration === 1 ? Effect.as(ctx.nextIteration(), 1) : Effect.succeed<number>(Number.NaN))
        const other = Task.make("other", () => 2)
        const read = Task.make("read", { after: [Task.optional(loop)] }, (ctx) =>
          Effect.map(ctx.getResult("loop"), (o) => Option.getOrElse(o, () => "none" as const)))
        const workflow = Workflow.make("t1", Workflow.chain(Workflow.parallelWith({ policy: "best-effort" }, loop, other), read))
        const out = yield* Workflow.run(workflow, { runId: "t1", retention: "keep" })
        const stored = yield* Effect.scoped(Effect.flatMap(Channel.open(Workflow.namespace("t1", "t1")), (ch) => ch.get("loop.__result__", "none")))
        assert.deepStrictEqual({ read: out.results.read, stored }, { read: 1, stored: 1 })
      }).pipe(provide))

    test("a run started again under an id whose earlier run had an expiring retention keeps its results readable", () =>
      Effect.gen(function*() {
        const a = Task.make("a", () => 1)
        const b = Task.make("b", (ctx) =>
          Effect.gen(function*() {
            // The earlier run's deadline passes while this run runs.
            yield* TestClock.adjust("2 seconds")
            return yield* Effect.map(ctx.lookupResult("a"), (x) => x)
          }))
        const workflow = Workflow.make("t2", Workflow.chain(a, b))
        yield* Workflow.run(workflow, { runId: "t2", retention: { expireAfter: "1 second" } })
        const again = yield* Effect.result(Workflow.run(workflow, { runId: "t2", retention: "keep" }))
        const seen = again._tag === "Success" ? again.success.results.b : String(again.failure)
        assert.strictEqual(seen, 1)
      }).pipe(provide))

    test("a durable run keeps its branch's choice under {branch}.__result__", () =>
      Effect.gen(function*() {
        const classify = Task.make("classify", () => "x" as const)
        const route = Flow.branch("route", classify)
          .with("x", () => Task.make("onX", () => "X"))
          .otherwise(() => Task.make("other", () => "O"))
        const workflow = Workflow.make("t3", Flow.chain(classify, route))
        yield* Workflow.run(workflow, { runId: "t3", durable: true, retention: "keep" })
        const stored = yield* Effect.scoped(Effect.flatMap(Channel.open(Workflow.namespace("t3", "t3")), (ch) => ch.get("route.__result__", "none")))
        assert.strictEqual(stored, 0)
      }).pipe(provide))

    test("a checkpoint of a durable run lists the branch's choice as its result, in its channel too", () =>
      Effect.gen(function*() {
        const classify = Task.make("classify", () => "x" as const)
        const route = Flow.branch("route", classify)
          .with("x", () => Task.make("wait", { awaits: { ok: Schema.Boolean } }, (ctx) => ctx.waitFor("ok", { timeout: 0 })))
          .otherwise(() => Task.make("other", () => "O"))
        const workflow = Workflow.make("t3b", Flow.chain(classify, route))
        const out = yield* Workflow.run(workflow, { runId: "t3b", durable: true })
        assert.strictEqual(out.status, "suspended")
        if (out.status !== "suspended") return
        const data = yield* Checkpoint.load(out.checkpoint)
        const branch = data.completed.find((c) => c.task === "route")
        const channel = data.channel.find((e) => e.key === "route.__result__")
        assert.deepStrictEqual({ result: branch?.result, channel: channel?.value }, { result: 0, channel: 0 })
      }).pipe(provide))

    test("after a kept run, a store's write or delete of a result key is what it reads back (ChannelStore)", () =>
      Effect.gen(function*() {
        const a = Task.make("a", () => 1)
        const workflow = Workflow.make("t4", a)
        yield* Workflow.run(workflow, { runId: "t4", retention: "keep" })
        const backend = yield* Channel.Channel
        const read = yield* Effect.scoped(Effect.gen(function*() {
          const store = yield* backend.open(Workflow.namespace("t4", "t4"))
          yield* store.set("a.__result__", 2, undefined)
          const afterSet = yield* store.getOrElse("a.__result__", "none")
          const deleted = yield* store.delete("a.__result__")
          const afterDelete = yield* store.getOrElse("a.__result__", "none")
          return { afterSet, deleted, afterDelete }
        }))
        assert.deepStrictEqual(read, { afterSet: 2, deleted: true, afterDelete: "none" })
      }).pipe(provide))
  })
}
