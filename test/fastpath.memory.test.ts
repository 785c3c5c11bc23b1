/**
 * The common task — no retries, timeout, span, events, not sent elsewhere — is called at once (issue 21):
 * a throw, a failure, an interruption and every request behave as on the full path.
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, Deferred, Effect, Exit, Fiber, Layer, Option } from "effect"
import { Channel, ChannelBackend, Flow, MemoryChannel, Task, Workflow } from "../src/index.js"
import { namespacesOf } from "../src/internal/memory.js"
import { sharedDefaultChannel } from "../src/internal/run.js"

const provide = <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.provide(self, MemoryChannel.layer)

describe("the common task, called at once", () => {
  it.effect("a throwing body is a defect of the run; a failing Effect is TaskFailed(attempts 1, retryLimit 0)", () =>
    Effect.gen(function*() {
      const boom = Task.make("boom", (): number => {
        throw new Error("boom")
      })
      const exit = yield* Effect.exit(Workflow.run(Workflow.make("boom", boom)))
      assert.isTrue(Exit.isFailure(exit) && Cause.hasDies(exit.cause))
      const fails = Task.make("fails", () => Effect.fail("no" as const))
      const error = yield* Effect.flip(Workflow.run(Workflow.make("fails", fails)))
      assert.deepStrictEqual({ tag: error._tag, ...(error._tag === "TaskFailed" ? { a: error.attempts, r: error.retryLimit, c: error.cause } : {}) }, {
        tag: "TaskFailed",
        a: 1,
        r: 0,
        c: "no"
      })
    }).pipe(provide))

  it.effect("a run interrupted inside a fast-path body is interrupted; nothing after it runs", () =>
    Effect.gen(function*() {
      const started = yield* Deferred.make<void>()
      let after = 0
      const wait = Task.make("wait", () => Effect.andThen(Deferred.succeed(started, undefined), Effect.never))
      const next = Task.make("next", () => {
        after++
        return 1
      })
      const fiber = yield* Effect.forkChild(Workflow.run(Workflow.make("intr", Workflow.chain(wait, next))))
      yield* Deferred.await(started)
      yield* Fiber.interrupt(fiber)
      const exit = yield* Fiber.await(fiber)
      assert.isTrue(Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause))
      assert.strictEqual(after, 0)
    }).pipe(provide))

  it.effect("requests of a sync-valued chain: nextIteration, goto, nextTask, checkpoint, getResult of each", () =>
    Effect.gen(function*() {
      const extra = Task.make("extra", () => "x")
      const loop = Task.make("loop", { maxCycles: 3, adds: [extra] }, (ctx) =>
        ctx.iteration < 3
          ? Effect.as(ctx.nextIteration(), ctx.iteration)
          : Effect.as(Effect.andThen(ctx.nextTask(extra), ctx.checkpoint({ at: "loop" })), ctx.iteration))
      const read = Task.make("read", { after: [loop] }, (ctx) => Effect.map(ctx.getResult("loop"), (n) => n * 10))
      const plain = Task.make("plain", { after: [read] }, () => 7)
      const out = yield* Workflow.run(Workflow.make("req", Workflow.chain(loop, read, plain)))
      assert.deepStrictEqual(out.results as object, { loop: 3, read: 30, plain: 7, extra: "x" })
      const optional = Task.make("opt", { after: [Task.optional(loop)] }, (ctx) => Effect.map(ctx.getResult("loop"), Option.getOrNull))
      const out2 = yield* Workflow.run(Workflow.make("req2", Workflow.chain(loop, optional)))
      assert.strictEqual(out2.results.opt, 3)
    }).pipe(provide))
})

describe("runs without a channel of their own", () => {
  it.effect("share one memory channel and leave nothing in it: done, failed, interrupted, with TTL keys, sub-workflows, a map, a group", () =>
    Effect.gen(function*() {
      const shared = sharedDefaultChannel()
      const held = () => namespacesOf(shared)
      const before = held()
      const ttl = Task.make("ttl", (ctx) => Effect.as(ctx.untyped.set("k", 1, { ttl: "1 hour" }), 1))
      const fails = Task.make("fails", { after: [ttl] }, () => Effect.fail("no" as const))
      yield* Effect.exit(Workflow.run(Workflow.make("leaves-f", Workflow.chain(ttl, fails))))
      const inner = Workflow.make("inner", Task.make("i", () => 2))
      const list = Task.make("list", () => [1, 2, 3])
      const each = Flow.map("each", list, Task.template((_ctx, n: number) => Effect.succeed(n * 2)))
      yield* Workflow.run(Workflow.make("leaves-s", Workflow.chain(Task.workflow("sub", inner), list, each,
        Workflow.parallel(Task.make("p1", () => 1), Task.make("p2", () => 2)))))
      const started = yield* Deferred.make<void>()
      const stuck = Task.make("stuck", () => Effect.andThen(Deferred.succeed(started, undefined), Effect.never))
      const fiber = yield* Effect.forkChild(Workflow.run(Workflow.make("leaves-i", Workflow.chain(ttl, stuck))))
      yield* Deferred.await(started)
      assert.isAbove(held() ?? 0, before ?? 0, "a run that runs holds its namespace")
      yield* Fiber.interrupt(fiber)
      assert.strictEqual(held(), before)
      // A run that may outlive itself has a channel of its own: the shared one never holds it.
      yield* Workflow.run(Workflow.make("own", ttl), { runId: "named", retention: "keep" })
      yield* Workflow.run(Workflow.make("own-2", ttl), { retention: "keep" })
      assert.strictEqual(held(), before)
    }))

  it.effect("a backend that spreads the memory backend with an open of its own is opened through it, by every run", () =>
    Effect.gen(function*() {
      const memory = yield* MemoryChannel.make
      const opened: Array<string> = []
      // A decorator counting what runs open: the memory backend's way to lend a namespace is not its.
      const counting: ChannelBackend.ChannelBackend = {
        ...memory,
        open: (namespace) => Effect.tap(memory.open(namespace), () => Effect.sync(() => opened.push(namespace)))
      }
      const inner = Workflow.make("inner", Task.make("i", () => 2))
      const flow = Workflow.make("counted", Workflow.chain(Task.make("a", () => 1), Task.workflow("sub", inner)))
      const out = yield* Workflow.run(flow, { runId: "r1" }).pipe(Effect.provide(Layer.succeed(Channel.Channel, counting)))
      assert.deepStrictEqual(out.results, { a: 1, sub: { i: 2 } })
      assert.deepStrictEqual(opened, ["counted/r1", "inner/counted%2Fr1%2Fsub"])
    }))
})
