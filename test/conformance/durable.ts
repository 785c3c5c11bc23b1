/**
 * Durable runs on a channel backend and its checkpoint store, written once and
 * run against each (MemoryChannel with a memory store, RedisChannel with the
 * Redis store): run input, checkpoints and resume, durable runs continued in
 * the same process, human in the loop, and bad input. Crashes of real
 * processes are in durable.crash.test.ts.
 */
import { assert, describe, expect, it } from "@effect/vitest"
import { Deferred, type Duration, Effect, Fiber, type Layer, Option, Ref, Schema } from "effect"
import { TestClock } from "effect/testing"
import { randomUUID } from "node:crypto"
import { Channel, Checkpoint, Flow, Progress, Task, Workflow } from "../../src/index.js"

export interface Subject {
  readonly name: string
  /** The channel backend and a checkpoint store (built once per test). */
  readonly layer: Layer.Layer<Channel.Channel, unknown>
  /** "test": time is TestClock (memory); "live": real time (Redis expiries, blocking waits). */
  readonly clock: "test" | "live"
}

/** Counts how many times each task's body ran. */
export const makeCounts = () =>
  Effect.map(Ref.make<Record<string, number>>({}), (ref) => ({
    ran: (id: string) => Ref.update(ref, (counts) => ({ ...counts, [id]: (counts[id] ?? 0) + 1 })),
    get: Ref.get(ref)
  }))

export const durableConformance = (subject: Subject) => {
  const test = subject.clock === "live" ? it.live : it.effect
  const provide = <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.provide(self, subject.layer)
  const unique = (name: string) => `${name}-${randomUUID().slice(0, 8)}`

  describe(`durable runs: ${subject.name}`, () => {
    describe("typed run input", () => {
      const Order = Schema.Struct({ id: Schema.String, amount: Schema.Number.check(Schema.isGreaterThan(0)) })

      test("the input is decoded and read by tasks; one workflow runs many inputs at once", () =>
        Effect.gen(function*() {
          const order = Task.input("order", Order)
          const charge = Task.make("charge", { after: [order] }, (ctx) =>
            Effect.map(ctx.getResult("order"), (o) => `${o.id}:${o.amount * 100}`))
          const orders = Workflow.make("orders", Workflow.chain(order, charge))
          const outs = yield* Effect.forEach(
            [1, 2, 3, 4, 5],
            (n) => Workflow.run(orders, { input: { id: `o${n}`, amount: n } }),
            { concurrency: "unbounded" }
          )
          assert.deepStrictEqual(outs.map((o) => o.status === "completed" ? o.results.charge : undefined), [
            "o1:100",
            "o2:200",
            "o3:300",
            "o4:400",
            "o5:500"
          ])
          assert.deepStrictEqual(outs[0]!.status === "completed" ? outs[0]!.results.order : undefined, { id: "o1", amount: 1 })
        }).pipe(provide))

      test("bad input fails with InvalidRunInputError naming the path, and nothing runs", () =>
        Effect.gen(function*() {
          const counts = yield* makeCounts()
          const order = Task.input("order", Order)
          const charge = Task.make("charge", { after: [order] }, () => counts.ran("charge"))
          const orders = Workflow.make("orders", Workflow.chain(order, charge))
          const runId = unique("bad")
          const error = yield* Effect.flip(Workflow.run(orders, { runId, input: { id: "o1", amount: -1 }, retention: "keep" }))
          assert.strictEqual(error._tag, "InvalidRunInputError")
          if (error._tag !== "InvalidRunInputError") return
          assert.deepStrictEqual(error.issues.map((i) => i.path), [["amount"]])
          expect(error.message).toContain(`the input of workflow "orders" is not valid`)
          const missing = yield* Effect.flip(Workflow.run(orders, { input: { id: 7 } as never }))
          assert.strictEqual(missing._tag, "InvalidRunInputError")
          assert.deepStrictEqual(yield* counts.get, {})
          const channel = yield* Channel.open(Workflow.namespace(orders, runId))
          assert.deepStrictEqual(yield* channel.keys(), [])
          assert.isFalse(yield* channel.exists("order.__result__"))
        }).pipe(provide))

      test("a workflow without Task.input refuses an input; a second Task.input is a definition error (it does not compile either)", () =>
        Effect.gen(function*() {
          const plain = Workflow.make("plain", Task.make("a", () => 1))
          const error = yield* Effect.flip(Workflow.run(plain, { input: 1 } as never))
          assert.strictEqual(error._tag, "InvalidRunInputError")
          expect(() =>
            // @ts-expect-error: two Task.input tasks do not compile (type-tests/second-pass.test-d.ts); untyped code gets the definition error
            Workflow.make("two", Workflow.chain(Task.input("x", Schema.Number), Task.input("y", Schema.String)))
          ).toThrow(/a workflow takes one input, and tasks "x", "y" are all Task.input tasks/)
        }).pipe(provide))
    })

    describe("checkpoint and resume", () => {
      test("step_1 >> step_2 >> step_3: the checkpoint after step_2, and a resume that runs step_3 only", () =>
        Effect.gen(function*() {
          const counts = yield* makeCounts()
          const step1 = Task.make("step_1", (ctx) =>
            Effect.gen(function*() {
              yield* counts.ran("step_1")
              yield* ctx.untyped.set("token", "abc", { ttl: "1 hour" })
              yield* ctx.untyped.set("state", "after step_1")
              return 1
            }))
          const step2 = Task.make("step_2", (ctx) =>
            Effect.gen(function*() {
              yield* counts.ran("step_2")
              yield* ctx.untyped.set("state", "after step_2")
              yield* ctx.checkpoint({ stage: "validated" })
              return 2
            }))
          const step3 = Task.make("step_3", { after: [step1, step2] }, (ctx) =>
            Effect.gen(function*() {
              yield* counts.ran("step_3")
              const seen = yield* ctx.untyped.get("state")
              yield* ctx.untyped.set("state", "after step_3")
              return { seen, sum: (yield* ctx.getResult("step_1")) + (yield* ctx.getResult("step_2")) }
            }))
          const steps = Workflow.make("steps", Workflow.chain(step1, step2, step3))
          const runId = unique("steps")
          const first = yield* Workflow.run(steps, { runId })
          assert.strictEqual(first.status, "completed")
          assert.deepStrictEqual(first.results.step_3, { seen: "after step_2", sum: 3 })

          const ids = yield* Checkpoint.list("steps", runId)
          assert.strictEqual(ids.length, 1)
          const checkpoint = yield* Checkpoint.load(ids[0]!)
          assert.deepStrictEqual(checkpoint.completed.map((c) => c.task), ["step_1", "step_2"])
          assert.deepStrictEqual(checkpoint.pending, ["step_3"])
          assert.strictEqual(checkpoint.metadata.stage, "validated")
          assert.strictEqual(checkpoint.metadata.taskId, "step_2")
          assert.strictEqual(checkpoint.metadata.iteration, 1)
          assert.isString(checkpoint.metadata.time)
          assert.strictEqual(checkpoint.runId, runId)
          // The channel as it was: the write step_3 made afterwards is not in it.
          const byKey = new Map(checkpoint.channel.map((e) => [e.key, e]))
          assert.strictEqual(byKey.get("state")?.value, "after step_2")
          assert.strictEqual(byKey.get("step_2.__result__")?.value, 2)
          assert.isFalse(byKey.has("step_3.__result__"))
          const ttl = byKey.get("token")?.ttl
          assert.isTrue(ttl !== undefined && ttl > 3_500_000 && ttl <= 3_600_000, `ttl ${ttl}`)

          const resumed = yield* Workflow.resume(steps, ids[0]!, { retention: "keep" })
          assert.deepStrictEqual(yield* counts.get, { step_1: 1, step_2: 1, step_3: 2 })
          assert.strictEqual(resumed.status, "completed")
          if (resumed.status !== "completed") return
          assert.deepStrictEqual(resumed.results, { step_1: 1, step_2: 2, step_3: { seen: "after step_2", sum: 3 } })
          assert.strictEqual(resumed.channel.state, "after step_3")
          assert.strictEqual(resumed.channel.token, "abc")
          // The TTL counts on: the key expires an hour after the restore at the latest.
          const backend = yield* Channel.Channel
          const store = yield* backend.open(Workflow.namespace(steps, runId))
          const token = (yield* store.dump).find((e) => e.key === "token")
          assert.isTrue(token?.ttl !== undefined && token.ttl <= ttl!, `ttl ${token?.ttl}`)
          if (subject.clock === "test") {
            yield* TestClock.adjust("61 minutes")
            assert.isFalse(yield* store.exists("token"))
          }
          // Checkpoints stay in the store (whatever the retention) until the run is deleted.
          yield* Workflow.deleteRun(steps, runId)
          assert.deepStrictEqual(yield* Checkpoint.list("steps", runId), [])
          assert.strictEqual((yield* Effect.flip(Checkpoint.load(ids[0]!)))._tag, "CheckpointNotFoundError")
          assert.deepStrictEqual(yield* store.dump, [])
        }).pipe(Effect.scoped, provide))

      test("a state machine NEW → VALIDATED → PAID → SHIPPED: resuming from every checkpoint ends the same", () =>
        Effect.gen(function*() {
          const counts = yield* makeCounts()
          const next: Record<string, string> = { NEW: "VALIDATED", VALIDATED: "PAID", PAID: "SHIPPED" }
          const order = Task.make("order", { input: { state: "NEW" }, maxCycles: 10 }, (ctx, input) =>
            Effect.gen(function*() {
              yield* counts.ran(`order:${input.state}`)
              const state = next[input.state]!
              yield* ctx.untyped.append("history", state)
              yield* ctx.checkpoint({ state })
              if (state !== "SHIPPED") yield* ctx.nextIteration({ state })
              return state
            }))
          const notify = Task.make("notify", { after: [order] }, (ctx) =>
            Effect.tap(Effect.map(ctx.getResult("order"), (state) => `order is ${state}`), () => counts.ran("notify")))
          const machine = Workflow.make("order-machine", Workflow.chain(order, notify))
          const runId = unique("order")
          const first = yield* Workflow.run(machine, { runId })
          assert.strictEqual(first.status === "completed" ? first.results.notify : undefined, "order is SHIPPED")
          assert.deepStrictEqual(first.channel.history, ["VALIDATED", "PAID", "SHIPPED"])
          const ids = yield* Checkpoint.list("order-machine", runId)
          assert.strictEqual(ids.length, 3)
          const states: Array<unknown> = []
          for (const id of ids) {
            const checkpoint = yield* Checkpoint.load(id)
            states.push(checkpoint.metadata.state)
            const out = yield* Workflow.resume(machine, id, { runId: `${runId}-from-${states.length}` })
            assert.strictEqual(out.status, "completed")
            if (out.status !== "completed") return
            assert.strictEqual(out.results.order, "SHIPPED")
            assert.strictEqual(out.results.notify, "order is SHIPPED")
            assert.deepStrictEqual(out.channel.history, ["VALIDATED", "PAID", "SHIPPED"])
          }
          assert.deepStrictEqual(states, ["VALIDATED", "PAID", "SHIPPED"])
          // From VALIDATED, PAID and SHIPPED ran again once each; from SHIPPED only notify.
          assert.deepStrictEqual(yield* counts.get, {
            "order:NEW": 1,
            "order:VALIDATED": 2,
            "order:PAID": 3,
            notify: 4
          })
        }).pipe(provide))

      test("control flow is replayed: a goto loop and an added task resume where they were", () =>
        Effect.gen(function*() {
          const counts = yield* makeCounts()
          const extra = Task.make("extra", () => Effect.as(counts.ran("extra"), "added"))
          const start = Task.make("start", { adds: [extra] }, (ctx) =>
            Effect.andThen(counts.ran("start"), ctx.nextTask(extra)))
          const loop = Task.make("loop", { goto: ["loop"] }, (ctx) =>
            Effect.gen(function*() {
              yield* counts.ran(`loop:${ctx.iteration}`)
              if (ctx.iteration === 2) yield* ctx.checkpoint()
              if (ctx.iteration < 3) yield* ctx.goto("loop")
              return ctx.iteration
            }))
          const end = Task.make("end", () => Effect.as(counts.ran("end"), "end"))
          const flow = Workflow.make("replayed", Workflow.chain(start, loop, end))
          const runId = unique("replayed")
          yield* Workflow.run(flow, { runId })
          const out = yield* Workflow.resume(flow, { runId })
          assert.strictEqual(out.status, "completed")
          if (out.status !== "completed") return
          assert.strictEqual(out.results.loop, 3)
          assert.strictEqual(Option.getOrUndefined(Workflow.resultOf(out, extra)), "added")
          assert.deepStrictEqual(yield* counts.get, { start: 1, extra: 1, "loop:1": 1, "loop:2": 1, "loop:3": 2, end: 2 })
        }).pipe(provide))

      test("members of a parallel group checkpointing at once are all listed; resuming from one re-runs the others", () =>
        Effect.gen(function*() {
          const counts = yield* makeCounts()
          const members = Task.forEach(["m1", "m2", "m3", "m4", "m5"], (id) =>
            Task.make(id, (ctx) => Effect.andThen(counts.ran(id), Effect.as(ctx.checkpoint({ member: id }), id))))
          const group = Workflow.make("group", Workflow.parallel(...members))
          const runId = unique("group")
          yield* Workflow.run(group, { runId })
          const ids = yield* Checkpoint.list("group", runId)
          assert.strictEqual(ids.length, 5)
          const first = yield* Checkpoint.load(ids[0]!)
          const out = yield* Workflow.resume(group, first.id, { runId: `${runId}-again` })
          assert.deepStrictEqual(out.status === "completed" ? out.results : undefined, { m1: "m1", m2: "m2", m3: "m3", m4: "m4", m5: "m5" })
          const ran = yield* counts.get
          // What had completed when the first checkpoint was taken ran once; the others twice.
          const done = new Set(first.completed.map((c) => c.task))
          for (const id of ["m1", "m2", "m3", "m4", "m5"]) assert.strictEqual(ran[id], done.has(id) ? 1 : 2, id)
        }).pipe(provide))

      test("no checkpoint when the task fails; a checkpoint in a retried task is written once it succeeds", () =>
        Effect.gen(function*() {
          const attempts = yield* Ref.make(0)
          const flaky = Task.make("flaky", { retry: { times: 2 } }, (ctx) =>
            Effect.gen(function*() {
              yield* ctx.checkpoint({ attempt: ctx.attempt })
              const n = yield* Ref.updateAndGet(attempts, (k) => k + 1)
              if (n < 2) return yield* Effect.fail("not yet" as const)
              return n
            }))
          const broken = Task.make("broken", (ctx) => Effect.andThen(ctx.checkpoint(), Effect.fail("broken" as const)))
          const runId = unique("flaky")
          yield* Workflow.run(Workflow.make("flaky", flaky), { runId })
          const ids = yield* Checkpoint.list("flaky", runId)
          assert.strictEqual(ids.length, 1)
          assert.strictEqual((yield* Checkpoint.load(ids[0]!)).metadata.attempt, 2)
          const brokenRun = unique("broken")
          yield* Effect.flip(Workflow.run(Workflow.make("broken", broken), { runId: brokenRun }))
          assert.deepStrictEqual(yield* Checkpoint.list("broken", brokenRun), [])
        }).pipe(provide))

      test("bad input: corrupt, foreign, unsupported and other workflows' checkpoints, unknown ids and runs; nothing runs", () =>
        Effect.gen(function*() {
          const counts = yield* makeCounts()
          const a = Task.make("a", (ctx) => Effect.andThen(counts.ran("a"), ctx.checkpoint()))
          const b = Task.make("b", () => counts.ran("b"))
          const flow = Workflow.make("target", Workflow.chain(a, b))
          const other = Workflow.make("other", Workflow.chain(a, b))
          const changed = Workflow.make("target", Workflow.chain(a, Task.make("c", () => 1)))
          const runId = unique("bad")
          yield* Workflow.run(flow, { runId })
          const id = (yield* Checkpoint.list("target", runId))[0]!
          const good = yield* Checkpoint.load(id)
          const before = yield* counts.get

          const tags = [
            yield* Effect.flip(Workflow.resume(flow, "no/such/cp-1-x")),
            yield* Effect.flip(Workflow.resume(flow, { runId: "never-ran" })),
            yield* Effect.flip(Workflow.resume(flow, JSON.parse("{\"format\":\"someone-else\"}"))),
            yield* Effect.flip(Workflow.resume(flow, { ...good, version: 2 } as never)),
            yield* Effect.flip(Workflow.resume(flow, { ...good, completed: [{ task: 1 }] } as never)),
            yield* Effect.flip(Workflow.resume(other, good)),
            yield* Effect.flip(Workflow.resume(changed, id))
          ]
          assert.deepStrictEqual(tags.map((e) => e._tag), [
            "CheckpointNotFoundError",
            "RunNotFoundError",
            "CheckpointDecodeError",
            "CheckpointDecodeError",
            "CheckpointDecodeError",
            "CheckpointMismatchError",
            "CheckpointMismatchError"
          ])
          expect(tags[3]!.message).toContain("it has version 2; this version of effect-graflow reads version 1")
          expect(tags[5]!.message).toContain(`is one of workflow "target"`)
          expect(tags[6]!.message).toContain("was made by another version of the workflow")
          assert.deepStrictEqual(yield* counts.get, before)
          const decoded = yield* Effect.flip(Checkpoint.decode("not json"))
          assert.strictEqual(decoded._tag, "CheckpointDecodeError")
        }).pipe(provide))
    })

    describe("durable runs in one process", () => {
      test("a failed durable run continues: completed tasks do not run again, the failed one does", () =>
        Effect.gen(function*() {
          const counts = yield* makeCounts()
          const healthy = yield* Ref.make(false)
          const extract = Task.make("extract", (ctx) =>
            Effect.gen(function*() {
              yield* counts.ran("extract")
              yield* ctx.untyped.append("log", "extract")
              return [1, 2, 3]
            }))
          const load = Task.make("load", { after: [extract] }, (ctx) =>
            Effect.gen(function*() {
              yield* counts.ran("load")
              if (!(yield* Ref.get(healthy))) return yield* Effect.fail("warehouse down" as const)
              return (yield* ctx.getResult("extract")).length
            }))
          const etl = Workflow.make("etl", { initial: { log: [] } }, Workflow.chain(extract, load))
          const runId = unique("etl")
          const failed = yield* Effect.flip(Workflow.run(etl, { runId, durable: true }))
          assert.strictEqual(failed._tag, "TaskFailed")
          yield* Ref.set(healthy, true)
          const out = yield* Workflow.run(etl, { runId, durable: true, retention: "keep" })
          assert.strictEqual(out.results.load, 3)
          assert.deepStrictEqual(out.results.extract, [1, 2, 3])
          assert.deepStrictEqual(yield* counts.get, { extract: 1, load: 2 })
          // The channel is the one the failed run left: the append was not made twice.
          assert.deepStrictEqual(out.channel.log, ["extract"])
          // Running a completed durable run again (while its journal is kept) runs nothing and gives the same output.
          const again = yield* Workflow.run(etl, { runId, durable: true, retention: "keep" })
          assert.deepStrictEqual(again.results, out.results)
          assert.deepStrictEqual(yield* counts.get, { extract: 1, load: 2 })
          // With the retention "delete", the run leaves nothing, its journal included: the same runId starts afresh.
          yield* Workflow.run(etl, { runId, durable: true, retention: "delete" })
          yield* Workflow.run(etl, { runId, durable: true })
          assert.deepStrictEqual(yield* counts.get, { extract: 2, load: 3 })
        }).pipe(provide))

      test("a continued durable run replays retried, looped and branched tasks as they completed, in order", () =>
        Effect.gen(function*() {
          // Completions of a first attempt of a first iteration, of a retried task and of a loop's later
          // iterations, between entries of other kinds (a goto, the branch's choice): each replayed as journaled.
          const counts = yield* makeCounts()
          const healthy = yield* Ref.make(false)
          const failOnce = yield* Ref.make(true)
          const first = Task.make("first", () => Effect.as(counts.ran("first"), 1))
          const flaky = Task.make("flaky", { retry: { times: 2 } }, () =>
            Effect.gen(function*() {
              yield* counts.ran("flaky")
              if (yield* Ref.getAndSet(failOnce, false)) return yield* Effect.fail("once" as const)
              return "steady"
            }))
          const loop = Task.make("loop", { goto: ["loop"] }, (ctx) =>
            Effect.gen(function*() {
              yield* counts.ran(`loop:${ctx.iteration}`)
              if (ctx.iteration < 3) yield* ctx.goto("loop")
              return ctx.iteration * 10
            }))
          const kind = Task.make("kind", (): Effect.Effect<"a" | "b"> => Effect.as(counts.ran("kind"), "b"))
          const route = Flow.branch("route", kind)
            .with("a", () => Task.make("onA", () => Effect.as(counts.ran("onA"), "A")))
            .with("b", () => Task.make("onB", () => Effect.as(counts.ran("onB"), "B")))
            .exhaustive()
          const after = Array.from({ length: 40 }, (_, i) => Task.make(`after${i}`, () => Effect.as(counts.ran("after"), i)))
          const last = Task.make("last", { after: [flaky, loop] }, (ctx) =>
            Effect.gen(function*() {
              yield* counts.ran("last")
              if (!(yield* Ref.get(healthy))) return yield* Effect.fail("down" as const)
              return [yield* ctx.getResult("flaky"), yield* ctx.getResult("loop")] as const
            }))
          const flow = Workflow.make("replays", Flow.chain(first, flaky, kind, route, loop, Flow.chain(after[0]!, ...after.slice(1)), last))
          const runId = unique("replays")
          const failed = yield* Effect.flip(Workflow.run(flow, { runId, durable: true }))
          assert.strictEqual(failed._tag, "TaskFailed")
          const ranFirst = { first: 1, flaky: 2, "loop:1": 1, "loop:2": 1, "loop:3": 1, kind: 1, onB: 1, after: 40, last: 1 }
          assert.deepStrictEqual(yield* counts.get, ranFirst)
          yield* Ref.set(healthy, true)
          const events: Array<Progress.Event> = []
          const recording = Progress.layer({ onEvent: (event) => Effect.sync(() => events.push(event)) })
          const out = yield* Workflow.run(flow, { runId, durable: true, retention: "keep" }).pipe(Effect.provide(recording))
          assert.deepStrictEqual(yield* counts.get, { ...ranFirst, last: 2 })
          // Each execution replayed as it completed: the loop's three iterations, in order.
          assert.deepStrictEqual(
            events.flatMap((e) => e._tag === "TaskReplayed" ? [`${e.taskId}#${e.iteration}`] : []),
            ["first#1", "flaky#1", "kind#1", "onB#1", "loop#1", "loop#2", "loop#3", ...after.map((_, i) => `after${i}#1`)]
          )
          assert.deepStrictEqual(out.results, {
            first: 1,
            flaky: "steady",
            loop: 30,
            kind: "b",
            onB: "B",
            ...Object.fromEntries(after.map((_, i) => [`after${i}`, i])),
            last: ["steady", 30]
          })
          // Completed and kept: run again, nothing runs, the same results.
          const again = yield* Workflow.run(flow, { runId, durable: true, retention: "delete" })
          assert.deepStrictEqual(again.results, out.results)
          assert.deepStrictEqual(yield* counts.get, { ...ranFirst, last: 2 })
        }).pipe(provide))

      test("a durable run started again with another input or another plan is refused", () =>
        Effect.gen(function*() {
          const n = Task.input("n", Schema.Number)
          const fail = Task.make("fail", () => Effect.fail("stop" as const))
          const flow = Workflow.make("inputs", Workflow.chain(n, fail))
          const runId = unique("inputs")
          yield* Effect.flip(Workflow.run(flow, { runId, durable: true, input: 1 }))
          const other = yield* Effect.flip(Workflow.run(flow, { runId, durable: true, input: 2 }))
          assert.strictEqual(other._tag, "CheckpointMismatchError")
          expect(other.message).toContain("it was started with another input")
          const changed = Workflow.make("inputs", Workflow.chain(n, Task.make("other", () => 1)))
          const plan = yield* Effect.flip(Workflow.run(changed, { runId, durable: true, input: 1 }))
          assert.strictEqual(plan._tag, "CheckpointMismatchError")
          expect(plan.message).toContain("another version of the workflow")
        }).pipe(provide))
    })

    describe("one driver per run id", () => {
      test("a second driver of a durable run waits for the first: no task body runs twice, both give the run's output", () =>
        Effect.gen(function*() {
          const counts = yield* makeCounts()
          const inB = yield* Deferred.make<void>()
          const gate = yield* Deferred.make<void>()
          const a = Task.make("a", () => Effect.as(counts.ran("a"), 1))
          const b = Task.make("b", () =>
            Effect.gen(function*() {
              yield* counts.ran("b")
              yield* Deferred.succeed(inB, undefined)
              yield* Deferred.await(gate)
              return 2
            }))
          const c = Task.make("c", () => Effect.as(counts.ran("c"), 3))
          const flow = Workflow.make("one-driver", Workflow.chain(a, b, c))
          const runId = unique("one-driver")
          const first = yield* Effect.forkChild(Workflow.run(flow, { runId, durable: true, retention: "keep" }))
          yield* Deferred.await(inB)
          const second = yield* Effect.forkChild(Workflow.run(flow, { runId, durable: true, retention: "keep" }))
          for (let i = 0; i < 5; i++) yield* Effect.yieldNow
          // While the first drives the run, the second has done nothing.
          assert.isUndefined(second.pollUnsafe())
          assert.deepStrictEqual(yield* counts.get, { a: 1, b: 1 })
          yield* Deferred.succeed(gate, undefined)
          const [one, two] = [yield* Fiber.join(first), yield* Fiber.join(second)]
          assert.deepStrictEqual(one.results, { a: 1, b: 2, c: 3 })
          assert.deepStrictEqual(two.results, { a: 1, b: 2, c: 3 })
          assert.deepStrictEqual(yield* counts.get, { a: 1, b: 1, c: 1 })
        }).pipe(provide))

      test("two runs of one named run id at once run one after the other, not over each other", () =>
        Effect.gen(function*() {
          const inside = yield* Ref.make(0)
          const most = yield* Ref.make(0)
          const step = Task.make("step", () =>
            Effect.gen(function*() {
              const now = yield* Ref.updateAndGet(inside, (n) => n + 1)
              yield* Ref.update(most, (m) => Math.max(m, now))
              yield* Effect.yieldNow
              yield* Ref.update(inside, (n) => n - 1)
              return now
            }))
          const flow = Workflow.make("named", step)
          const runId = unique("named")
          const outs = yield* Effect.all([Workflow.run(flow, { runId }), Workflow.run(flow, { runId })], { concurrency: "unbounded" })
          assert.deepStrictEqual(outs.map((o) => o.status), ["completed", "completed"])
          assert.strictEqual(yield* Ref.get(most), 1)
        }).pipe(provide))
    })

    describe("human in the loop", () => {
      const Approval = Schema.Struct({ approved: Schema.Boolean, by: Schema.String })
      const makeRelease = (timeout: Duration.Input | undefined) => {
        const started = Deferred.makeUnsafe<void>()
        const prepare = Task.make("prepare", () => Effect.as(Deferred.succeed(started, undefined), "v1.2"))
        const review = Task.make("review", { after: [prepare], awaits: { approval: Approval } }, (ctx) =>
          Effect.gen(function*() {
            const version = yield* ctx.getResult("prepare")
            const answer = yield* ctx.waitFor("approval", { prompt: `Ship ${version}?`, ...(timeout === undefined ? {} : { timeout }) })
            return answer.approved ? `shipped by ${answer.by}` : `held by ${answer.by}`
          }))
        return { started, release: Workflow.make("release", Workflow.chain(prepare, review)) }
      }

      test("answered in the same process while the task waits", () =>
        Effect.gen(function*() {
          const { release, started } = makeRelease(undefined)
          const runId = unique("inproc")
          const fiber = yield* Effect.forkChild(Workflow.run(release, { runId }))
          yield* Deferred.await(started)
          yield* Workflow.respond(release, runId, "approval", { approved: true, by: "ana" })
          const out = yield* Fiber.join(fiber)
          assert.strictEqual(out.status, "completed")
          assert.strictEqual(out.status === "completed" ? out.results.review : undefined, "shipped by ana")
        }).pipe(provide))

      test("not answered in time: suspended with its requests, then responded and resumed to completion", () =>
        Effect.gen(function*() {
          const { release } = makeRelease(0)
          const runId = unique("suspend")
          const out = yield* Workflow.run(release, { runId })
          assert.strictEqual(out.status, "suspended")
          if (out.status !== "suspended") return
          assert.deepStrictEqual(out.requests, [{ name: "approval", taskId: "review", runId, prompt: "Ship v1.2?" }])
          const checkpoint = yield* Checkpoint.load(out.checkpoint)
          assert.deepStrictEqual(checkpoint.requests, out.requests)
          assert.deepStrictEqual(checkpoint.pending, ["review"])
          // A wrong payload is refused where it is sent, and nothing is queued.
          const wrong = yield* Effect.flip(Workflow.respond(release, runId, "approval", { approved: "yes" } as never))
          assert.strictEqual(wrong._tag, "InvalidResponseError")
          if (wrong._tag === "InvalidResponseError") assert.deepStrictEqual(wrong.issues.map((i) => i.path), [["approved"]])
          const still = yield* Workflow.resume(release, out.checkpoint)
          assert.strictEqual(still.status, "suspended")
          yield* Workflow.respond(release, runId, "approval", { approved: false, by: "bo" })
          const done = yield* Workflow.resume(release, { runId })
          assert.strictEqual(done.status, "completed")
          if (done.status !== "completed") return
          assert.deepStrictEqual(done.results, { prepare: "v1.2", review: "held by bo" })
        }).pipe(provide))

      test("a response that does not decode is skipped and the task keeps waiting", () =>
        Effect.gen(function*() {
          const { release } = makeRelease(0)
          const runId = unique("skip")
          const backend = yield* Channel.Channel
          assert.strictEqual((yield* Workflow.run(release, { runId })).status, "suspended")
          // Queued past the schema (as another program could): the task skips it and takes the next one.
          yield* backend.respond(Workflow.namespace(release, runId), "approval", { approved: 1 })
          yield* Workflow.respond(release, runId, "approval", { approved: true, by: "cy" })
          const out = yield* Workflow.resume(release, { runId })
          assert.strictEqual(out.status === "completed" ? out.results.review : out.status, "shipped by cy")
        }).pipe(provide))

      test("two runs waiting at once are answered independently", () =>
        Effect.gen(function*() {
          const one = makeRelease(undefined)
          const two = makeRelease(undefined)
          const [r1, r2] = [unique("two"), unique("two")]
          const f1 = yield* Effect.forkChild(Workflow.run(one.release, { runId: r1 }))
          const f2 = yield* Effect.forkChild(Workflow.run(two.release, { runId: r2 }))
          yield* Deferred.await(one.started)
          yield* Deferred.await(two.started)
          yield* Workflow.respond(two.release, r2, "approval", { approved: true, by: "second" })
          yield* Workflow.respond(one.release, r1, "approval", { approved: false, by: "first" })
          const [o1, o2] = [yield* Fiber.join(f1), yield* Fiber.join(f2)]
          assert.strictEqual(o1.status === "completed" ? o1.results.review : o1.status, "held by first")
          assert.strictEqual(o2.status === "completed" ? o2.results.review : o2.status, "shipped by second")
        }).pipe(provide))

      test("an answer for a run that does not exist, or has ended, is refused in words; nothing waits for a later run", () =>
        Effect.gen(function*() {
          const { release } = makeRelease(0)
          const runId = unique("typo")
          // No run of that id: refused, and a run started later with it does not take an answer.
          const none = yield* Effect.flip(Workflow.respond(release, runId, "approval", { approved: true, by: "ana" }))
          assert.strictEqual(none._tag, "RunNotWaitingError")
          if (none._tag !== "RunNotWaitingError") return
          assert.deepStrictEqual({ runId: none.runId, status: none.status, waitingFor: none.waitingFor }, { runId, status: undefined, waitingFor: [] })
          expect(none.message).toBe(
            `the response to "approval" for run "${runId}" of workflow "release" was not sent: no run of that id exists (it never started, it was deleted, or its namespace expired); nothing was written`
          )
          const later = yield* Workflow.run(release, { runId })
          assert.strictEqual(later.status, "suspended")
          // Suspended: it waits for "approval", and takes it.
          const backend = yield* Channel.Channel
          const suspended = yield* backend.runRecord(Workflow.namespace(release, runId))
          assert.deepStrictEqual({ status: suspended?.status, waitingFor: suspended?.waitingFor }, { status: "suspended", waitingFor: ["approval"] })
          yield* Workflow.respond(release, runId, "approval", { approved: true, by: "bo" })
          const done = yield* Workflow.resume(release, { runId }, { retention: "keep" })
          assert.strictEqual(done.status === "completed" ? done.results.review : done.status, "shipped by bo")
          // Completed: refused, in words; nothing queued for the next run of that id.
          const ended = yield* Effect.flip(Workflow.respond(release, runId, "approval", { approved: false, by: "cy" }))
          assert.strictEqual(ended._tag, "RunNotWaitingError")
          expect(ended.message).toContain("it has completed and waits for nothing; nothing was written")
          const again = yield* Workflow.run(release, { runId })
          assert.strictEqual(again.status, "suspended")
        }).pipe(provide))

      test("progress: the waiting task's attempt ends as TaskSuspended, a resume reports what it replayed", () =>
        Effect.gen(function*() {
          const { release } = makeRelease(0)
          const events: Array<Progress.Event> = []
          const recording = Progress.layer({ onEvent: (event) => Effect.sync(() => events.push(event)) })
          const runId = unique("progress")
          yield* Workflow.run(release, { runId }).pipe(Effect.provide(recording))
          const tags = (since: number) =>
            events.slice(since).map((e) => "taskId" in e ? `${e._tag} ${e.taskId}` : e._tag === "RunFinished" ? `${e._tag} ${e.status}` : e._tag)
          assert.deepStrictEqual(tags(0), [
            "RunStarted",
            "TaskStarted prepare",
            "TaskSucceeded prepare",
            "TaskStarted review",
            "TaskSuspended review",
            "RunFinished suspended"
          ])
          const suspendedAt = events.length
          yield* Workflow.respond(release, runId, "approval", { approved: true, by: "di" })
          yield* Workflow.resume(release, { runId }).pipe(Effect.provide(recording))
          assert.deepStrictEqual(tags(suspendedAt), [
            "RunStarted",
            "TaskReplayed prepare",
            "TaskStarted review",
            "TaskSucceeded review",
            "RunFinished completed"
          ])
        }).pipe(provide))

      test("an unknown request name is refused at run time too", () =>
        Effect.gen(function*() {
          const { release } = makeRelease(0)
          const error = yield* Effect.flip(Workflow.respond(release, "r", "refund" as never, {} as never))
          assert.strictEqual(error._tag, "InvalidResponseError")
          expect(error.message).toContain(`no task of the workflow awaits a request "refund"`)
        }).pipe(provide))

      if (subject.clock === "test") {
        test("a wait times out on the clock: a run waiting an hour suspends after an hour", () =>
          Effect.gen(function*() {
            const { release, started } = makeRelease("1 hour")
            const fiber = yield* Effect.forkChild(Workflow.run(release))
            yield* Deferred.await(started)
            yield* TestClock.adjust("59 minutes")
            assert.isUndefined(fiber.pollUnsafe())
            yield* TestClock.adjust("2 minutes")
            const out = yield* Fiber.join(fiber)
            assert.strictEqual(out.status, "suspended")
          }).pipe(provide))
      }
    })
  })
}
