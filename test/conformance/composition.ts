/**
 * Composition on a channel backend, written once and run against each
 * (MemoryChannel, RedisChannel): sub-workflows (`Task.workflow`), run-time
 * maps (`Flow.map`) and branches (`Flow.branch`) — their results, failures,
 * suspensions, durable continuation and namespaces.
 */
import { assert, describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, type Layer, Option, Ref, Schema } from "effect"
import { randomUUID } from "node:crypto"
import { Channel, Progress, Task, Workflow } from "../../src/index.js"

export interface Subject {
  readonly name: string
  /** The channel backend and a checkpoint store (built once per test). */
  readonly layer: Layer.Layer<Channel.Channel, unknown>
  /** "test": time is TestClock (memory); "live": real time. */
  readonly clock: "test" | "live"
}

/** Counts how many times each task's body ran. */
const makeCounts = () =>
  Effect.map(Ref.make<Record<string, number>>({}), (ref) => ({
    ran: (id: string) => Ref.update(ref, (counts) => ({ ...counts, [id]: (counts[id] ?? 0) + 1 })),
    get: Ref.get(ref)
  }))

export const compositionConformance = (subject: Subject) => {
  const test = subject.clock === "live" ? it.live : it.effect
  const provide = <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.provide(self, subject.layer)
  const unique = (name: string) => `${name}-${randomUUID().slice(0, 8)}`

  describe(`sub-workflows: ${subject.name}`, () => {
    /** checkout = order → pay (the charge workflow: amount → debit → note) → receipt. */
    const makeCheckout = (fail: Ref.Ref<boolean>, counts: Effect.Success<ReturnType<typeof makeCounts>>) => {
      const amount = Task.input("amount", Schema.Number)
      const debit = Task.make("debit", { after: [amount] }, (ctx) =>
        Effect.gen(function*() {
          yield* counts.ran("debit")
          yield* ctx.untyped.append("ledger", "debited")
          return `debited ${yield* ctx.getResult("amount")}`
        }))
      const note = Task.make("note", { after: [debit] }, (ctx) =>
        Effect.gen(function*() {
          yield* counts.ran("note")
          if (yield* Ref.get(fail)) return yield* Effect.fail("printer jammed" as const)
          return (yield* ctx.getResult("debit")).toUpperCase()
        }))
      const charge = Workflow.make("charge", Workflow.chain(amount, debit, note))
      const order = Task.make("order", () => Effect.as(counts.ran("order"), { total: 12 }))
      const pay = Task.workflow("pay", charge, { after: [order], input: (ctx) => Effect.map(ctx.getResult("order"), (o) => o.total) })
      const receipt = Task.make("receipt", { after: [pay] }, (ctx) => Effect.map(ctx.getResult("pay"), (r) => `${r.note} (${r.amount})`))
      return { charge, checkout: Workflow.make("checkout", Workflow.chain(order, pay, receipt)) }
    }

    test("the step's result is the sub-workflow's results; its input is made from the outer run's results", () =>
      Effect.gen(function*() {
        const counts = yield* makeCounts()
        const { checkout } = makeCheckout(yield* Ref.make(false), counts)
        const out = yield* Workflow.run(checkout)
        assert.strictEqual(out.status, "completed")
        assert.deepStrictEqual(out.results.pay, { amount: 12, debit: "debited 12", note: "DEBITED 12" })
        assert.strictEqual(out.results.receipt, "DEBITED 12 (12)")
        // The sub-workflow's channel is its own: the outer run's does not hold its writes.
        assert.deepStrictEqual(out.channel, {})
      }).pipe(provide))

    test("the sub-workflow's run has its own namespace, kept while the outer run runs and given its retention after", () =>
      Effect.gen(function*() {
        const counts = yield* makeCounts()
        const { checkout } = makeCheckout(yield* Ref.make(false), counts)
        const runId = unique("ns")
        yield* Workflow.run(checkout, { runId, retention: "keep" })
        const child = yield* Channel.open(Workflow.namespace("charge", `checkout/${runId}/pay`))
        assert.deepStrictEqual(yield* child.get("ledger"), ["debited"])
        yield* Workflow.run(checkout, { runId: unique("ns"), retention: "delete" }).pipe(
          Effect.tap((out) => Effect.sync(() => assert.strictEqual(out.status, "completed")))
        )
        const other = unique("ns")
        yield* Workflow.run(checkout, { runId: other, retention: "delete" })
        const gone = yield* Channel.open(Workflow.namespace("charge", `checkout/${other}/pay`))
        assert.deepStrictEqual(yield* gone.keys(), [])
      }).pipe(provide))

    test("a failure inside the sub-workflow fails the step, narrowable to the task that failed", () =>
      Effect.gen(function*() {
        const counts = yield* makeCounts()
        const { checkout } = makeCheckout(yield* Ref.make(true), counts)
        const error = yield* Effect.flip(Workflow.run(checkout))
        assert.strictEqual(error._tag, "TaskFailed")
        if (error._tag !== "TaskFailed" || error.taskId !== "pay") return assert.fail("the step failed")
        const cause = error.cause
        assert.strictEqual(cause._tag, "TaskFailed")
        if (cause._tag === "TaskFailed" && cause.taskId === "note") assert.strictEqual(cause.cause, "printer jammed")
        else assert.fail("the sub-workflow's note failed")
        expect(error.message).toContain(`task "pay" failed`)
      }).pipe(provide))

    test("a durable outer run continued after a failure inside the sub-workflow does not run its completed tasks again", () =>
      Effect.gen(function*() {
        const counts = yield* makeCounts()
        const fail = yield* Ref.make(true)
        const { checkout } = makeCheckout(fail, counts)
        const runId = unique("continue")
        yield* Effect.flip(Workflow.run(checkout, { runId, durable: true }))
        yield* Ref.set(fail, false)
        const out = yield* Workflow.run(checkout, { runId, durable: true })
        assert.strictEqual(out.status === "completed" ? out.results.receipt : out.status, "DEBITED 12 (12)")
        // order and debit ran once; note failed once, then succeeded.
        assert.deepStrictEqual(yield* counts.get, { order: 1, debit: 1, note: 2 })
      }).pipe(provide))

    test("a request inside the sub-workflow suspends the outer run; respond reaches it, resume continues inside it", () =>
      Effect.gen(function*() {
        const counts = yield* makeCounts()
        const prepare = Task.make("prepare", () => Effect.as(counts.ran("prepare"), "v2"))
        const approve = Task.make("approve", { after: [prepare], awaits: { approval: Schema.Struct({ by: Schema.String }) } }, (ctx) =>
          Effect.gen(function*() {
            yield* counts.ran("approve")
            const answer = yield* ctx.waitFor("approval", { prompt: "ship v2?", timeout: 0 })
            return `${yield* ctx.getResult("prepare")} approved by ${answer.by}`
          }))
        const review = Workflow.make("review", Workflow.chain(prepare, approve))
        const release = Workflow.make("release", Workflow.chain(Task.workflow("review", review), Task.make("ship", () => "shipped")))
        const runId = unique("suspend")
        const suspended = yield* Workflow.run(release, { runId })
        assert.strictEqual(suspended.status, "suspended")
        if (suspended.status !== "suspended") return
        assert.deepStrictEqual(suspended.requests, [{ name: "approval", taskId: "review/approve", runId, prompt: "ship v2?" }])
        yield* Workflow.respond(release, runId, "approval", { by: "ana" })
        const done = yield* Workflow.resume(release, { runId })
        assert.strictEqual(done.status, "completed")
        if (done.status !== "completed") return
        assert.deepStrictEqual(done.results.review, { prepare: "v2", approve: "v2 approved by ana" })
        assert.strictEqual(done.results.ship, "shipped")
        // prepare ran once (the sub-workflow continued); approve twice (it waited, then took the answer).
        assert.deepStrictEqual(yield* counts.get, { prepare: 1, approve: 2 })
      }).pipe(provide))

    test("progress: the sub-workflow's tasks are reported in the outer run, by their path", () =>
      Effect.gen(function*() {
        const counts = yield* makeCounts()
        const { checkout } = makeCheckout(yield* Ref.make(false), counts)
        const events: Array<Progress.Event> = []
        const runId = unique("events")
        yield* Workflow.run(checkout, { runId }).pipe(
          Effect.provide(Progress.layer({ onEvent: (event) => Effect.sync(() => events.push(event)) }))
        )
        const succeeded = events.flatMap((e) => e._tag === "TaskSucceeded" ? [e.taskId] : [])
        assert.deepStrictEqual(succeeded, ["order", "pay/amount", "pay/debit", "pay/note", "pay", "receipt"])
        assert.isTrue(events.every((e) => e.workflow === "checkout" && e.runId === runId))
        assert.deepStrictEqual(events.filter((e) => e._tag === "RunStarted" || e._tag === "RunFinished").length, 2)
      }).pipe(provide))

    test("an interrupted outer run interrupts its sub-workflow", () =>
      Effect.gen(function*() {
        const inside = yield* Deferred.make<void>()
        const stuck = Workflow.make("stuck", Task.make("wait", () => Effect.andThen(Deferred.succeed(inside, undefined), Effect.never)))
        const outer = Workflow.make("outer", Task.workflow("inner", stuck))
        const fiber = yield* Effect.forkChild(Workflow.run(outer, { runId: unique("interrupt") }))
        yield* Deferred.await(inside)
        yield* Fiber.interrupt(fiber)
        assert.isTrue(Option.isNone(Option.none()))
      }).pipe(provide))
  })
}
