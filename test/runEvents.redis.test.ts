/**
 * Recorded run events on Redis, where a review found them wrong: the layer
 * with checkpoints records too; a run deleted while it runs leaves no events;
 * a run id used again keeps its new run's events for as long as that run's
 * retention says; an anonymous run records nothing, not even its sub-workflow's.
 */
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Layer, Stream } from "effect"
import { randomUUID } from "node:crypto"
import { Redis } from "ioredis"
import { inject } from "vitest"
import { Task, Workflow } from "../src/index.js"
import * as RedisChannel from "../src/RedisChannel.js"

const url = inject("redisUrl")
const fresh = () => `test:evreview:${randomUUID().slice(0, 8)}:`

describe("recorded run events on Redis", () => {
  it.live("a watcher on a connection of its own sees what another connection's runs record; another prefix's watcher does not", () => {
    const prefix = fresh()
    const flow = Workflow.make("rev0", Workflow.chain(Task.make("a", () => 1), Task.make("b", () => 2)))
    return Effect.scoped(Effect.gen(function*() {
      const watcher = yield* Layer.build(RedisChannel.layer({ url, prefix }))
      const stranger = yield* Layer.build(RedisChannel.layer({ url, prefix: fresh() }))
      const events = yield* Workflow.watchRunEvents(flow).pipe(Effect.provideContext(watcher))
      const seen = yield* events.pipe(Stream.takeUntil((e) => e.event.type === "RunFinished"), Stream.runCollect, Effect.forkScoped)
      const elsewhere = yield* Workflow.watchRunEvents().pipe(Effect.provideContext(stranger))
      const strayed = yield* elsewhere.pipe(Stream.take(1), Stream.runCollect, Effect.forkScoped)
      yield* Workflow.run(flow, { runId: "r1", retention: "keep" }).pipe(Effect.provide(RedisChannel.layer({ url, prefix, runEvents: true })))
      const got = Array.from(yield* Fiber.join(seen))
      assert.deepStrictEqual(got.map((e) => e.event.type), ["RunStarted", "TaskStarted", "TaskSucceeded", "TaskStarted", "TaskSucceeded", "RunFinished"])
      assert.isTrue(got.every((e) => e.workflow === "rev0" && e.runId === "r1"))
      // Everything recorded was published by then (one connection, in order): the other prefix's watcher saw none of it.
      assert.isUndefined(strayed.pollUnsafe())
    }))
  })

  it.live("layerWithCheckpoints({ runEvents: true }) records the run's events", () =>
    Effect.gen(function*() {
      const flow = Workflow.make("rev1", Task.make("a", () => 1))
      yield* Workflow.run(flow, { runId: "r1", retention: "keep" })
      assert.isAbove((yield* Workflow.runEvents(flow, "r1")).length, 0)
    }).pipe(Effect.provide(RedisChannel.layerWithCheckpoints({ url, prefix: fresh(), runEvents: true }))))

  it.live("a durable run deleted while it runs leaves no events behind", () => {
    const prefix = fresh()
    return Effect.gen(function*() {
      const started = yield* Deferred.make<void>()
      const deleted = yield* Deferred.make<void>()
      const slow = Task.make("slow", () => Effect.andThen(Deferred.succeed(started, undefined), Deferred.await(deleted)))
      const flow = Workflow.make("rev3", Workflow.chain(slow, Task.make("b", () => 2)))
      const fiber = yield* Effect.forkChild(Effect.exit(Workflow.run(flow, { runId: "r1", durable: true })))
      yield* Deferred.await(started)
      yield* Workflow.deleteRun(flow, "r1")
      // The run goes on after it was deleted: its events (the task's end, the run's) are not recorded any more.
      yield* Deferred.succeed(deleted, undefined)
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(yield* Workflow.runEvents(flow, "r1"), [])
      const admin = new Redis(url)
      const ttl = yield* Effect.promise(() => admin.pttl(`${prefix}{rev3/r1}:e:`).finally(() => admin.quit()))
      assert.notStrictEqual(ttl, -1, "an events list without TTL, of a deleted run")
    }).pipe(Effect.provide(RedisChannel.layer({ url, prefix, runEvents: true, runLease: "600 millis" })))
  }, 20_000)

  it.live("a run id used again with retention keep (or suspended) keeps its events", () =>
    Effect.gen(function*() {
      const flow = Workflow.make("rev2", Task.make("a", () => 1))
      yield* Workflow.run(flow, { runId: "r1", retention: { expireAfter: "1 second" } })
      yield* Workflow.run(flow, { runId: "r1", retention: "keep" })
      // Past the first run's retention (a real expiry on the server): the kept run's record and events are there.
      yield* Effect.sleep("1500 millis")
      assert.isTrue((yield* Workflow.getRun(flow, "r1"))._tag === "Some")
      assert.isAbove((yield* Workflow.runEvents(flow, "r1")).length, 0)
    }).pipe(Effect.provide(RedisChannel.layer({ url, prefix: fresh(), runEvents: true }))), 20_000)

  it.live("an anonymous run records nothing, even with a retried sub-workflow step", () =>
    Effect.gen(function*() {
      const inner = Workflow.make("rev4inner", Task.make("charge", () => 1))
      const outer = Workflow.make("rev4", Task.workflow("pay", inner, { retry: { times: 1 } }))
      const out = yield* Workflow.run(outer)
      assert.deepStrictEqual(yield* Workflow.runEvents(outer, out.runId), [])
    }).pipe(Effect.provide(RedisChannel.layer({ url, prefix: fresh(), runEvents: true }))))
})
