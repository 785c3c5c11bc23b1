/**
 * Composition on a channel backend, written once and run against each
 * (MemoryChannel, RedisChannel): sub-workflows (`Task.workflow`), run-time
 * maps (`Flow.map`) and branches (`Flow.branch`) — their results, failures,
 * suspensions, durable continuation and namespaces.
 */
import { assert, describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Option, Ref, Schema } from "effect"
import { randomUUID } from "node:crypto"
import { Channel, Flow, Progress, Task, Workflow } from "../../src/index.js"
// The same subjects as the durable suite (a backend with a checkpoint store, and its clock), and its counter.
import { makeCounts, type Subject } from "./durable.js"

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

    test("a retried step continues its sub-workflow (its completed tasks not run again), in a run without a journal too", () =>
      Effect.gen(function*() {
        const counts = yield* makeCounts()
        const attempts = yield* Ref.make(0)
        const first = Task.make("first", (ctx) => Effect.andThen(counts.ran("first"), Effect.as(ctx.untyped.append("ledger", "first"), 1)))
        // Fails on its first run only: the step's second attempt continues the sub-workflow from here.
        const flaky = Task.make("flaky", { after: [first] }, () =>
          Effect.flatMap(Ref.updateAndGet(attempts, (n) => n + 1), (n) => n === 1 ? Effect.fail("once" as const) : Effect.succeed(n)))
        const inner = Workflow.make("inner", Workflow.chain(first, flaky))
        const outer = Workflow.make("retrying", Task.workflow("step", inner, { retry: { times: 1 } }))
        const runId = unique("retried")
        const out = yield* Workflow.run(outer, { runId, retention: "keep" })
        assert.deepStrictEqual(out.results.step, { first: 1, flaky: 2 })
        assert.strictEqual((yield* counts.get).first, 1)
        // Its namespace was kept for the retry, then given the outer run's retention ("keep").
        const child = yield* Channel.open(Workflow.namespace("inner", `retrying/${runId}/step`))
        assert.deepStrictEqual(yield* child.get("ledger"), ["first"])
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

  describe(`run-time maps: ${subject.name}`, () => {
    const listOf = (n: number) => Task.make("list", () => Array.from({ length: n }, (_, i) => i))

    test("the items' results in the list's order, at most `concurrency` at once; an empty list gives an empty result", () =>
      Effect.gen(function*() {
        const running = yield* Ref.make(0)
        const most = yield* Ref.make(0)
        const list = listOf(20)
        const factor = Task.make("factor", () => 10)
        const times = Task.template({ after: [factor] }, (ctx, n: number) =>
          Effect.gen(function*() {
            const now = yield* Ref.updateAndGet(running, (r) => r + 1)
            yield* Ref.update(most, (m) => Math.max(m, now))
            yield* Effect.yieldNow
            yield* ctx.untyped.append("seen", n)
            yield* Ref.update(running, (r) => r - 1)
            return n * (yield* ctx.getResult("factor"))
          }))
        const mapped = Flow.map("times", list, times, { concurrency: 3 })
        const sum = Task.make("sum", { after: [mapped] }, (ctx) => Effect.map(ctx.getResult("times"), (xs) => xs.reduce((a, b) => a + b, 0)))
        const out = yield* Workflow.run(Workflow.make("mapped", Flow.chain(factor, list, mapped, sum)))
        assert.deepStrictEqual(out.results.times, Array.from({ length: 20 }, (_, i) => i * 10))
        assert.strictEqual(out.results.sum, 1900)
        assert.strictEqual([...(out.channel["seen"] as ReadonlyArray<number>)].sort((a, b) => a - b).length, 20)
        assert.isAtMost(yield* Ref.get(most), 3)
        const none = listOf(0)
        const empty = yield* Workflow.run(Workflow.make("empty", Flow.chain(factor, none, Flow.map("times", none, times), Task.make("after", () => "ran"))))
        assert.deepStrictEqual(empty.results.times, [])
        assert.strictEqual(empty.results.after, "ran")
      }).pipe(provide))

    test("an item knows itself: its id and input in its body, its result key in the error of a result that is not JSON", () =>
      Effect.gen(function*() {
        const list = listOf(3)
        // A body that gives a value, and one that gives an Effect: both run without attempts of their own.
        const named = Task.template((ctx, n: number) => `${ctx.taskId}:${n}:${ctx.workflow}`)
        const namedLater = Task.template((ctx, n: number) => Effect.sync(() => `${ctx.taskId}:${n}`))
        const out = yield* Workflow.run(Workflow.make("ids", Flow.chain(list, Flow.map("who", list, named), Flow.map("later", list, namedLater))))
        assert.deepStrictEqual(out.results.who, ["who[0]:0:ids", "who[1]:1:ids", "who[2]:2:ids"])
        assert.deepStrictEqual(out.results.later, ["later[0]:0", "later[1]:1", "later[2]:2"])
        for (const gives of ["a value", "an Effect"] as const) {
          const bad = Task.template((_ctx, n: number): unknown => {
            const result = n === 1 ? new Date(0) : n
            return gives === "a value" ? result : Effect.succeed(result)
          })
          const error = yield* Effect.flip(Workflow.run(Workflow.make("bad-items", Flow.chain(list, Flow.map("odd", list, bad)))))
          if (error._tag !== "TaskFailed" || error.cause._tag !== "MapItemsError") return assert.fail(`the map failed (${gives})`)
          const [failed] = error.cause.failed
          assert.strictEqual(failed?.index, 1)
          expect(failed?.error).toMatchObject({ _tag: "InvalidValueError", key: "odd[1].__result__" })
        }
      }).pipe(provide))

    test("a failed item under each policy: strict fails with the item's index; best-effort keeps none for it; atLeast counts", () =>
      Effect.gen(function*() {
        const list = listOf(5)
        const item = Task.template((_ctx, n: number) => n === 3 ? Effect.fail({ broken: n } as const) : Effect.succeed(n * 2))
        const strict = yield* Effect.flip(Workflow.run(Workflow.make("strict-map", Flow.chain(list, Flow.map("doubled", list, item)))))
        assert.strictEqual(strict._tag, "TaskFailed")
        if (strict._tag !== "TaskFailed" || strict.taskId !== "doubled") return assert.fail("the map failed")
        const cause = strict.cause
        assert.strictEqual(cause._tag, "MapItemsError")
        if (cause._tag === "MapItemsError") {
          assert.deepStrictEqual({ items: cause.items, succeeded: cause.succeeded }, { items: 5, succeeded: 4 })
          assert.deepStrictEqual(cause.failed, [{ index: 3, outcome: "failed", error: { broken: 3 } }])
          expect(cause.message).toContain(`map "doubled": 1 of 5 items failed (policy strict): item 3:`)
        }
        const lenient = yield* Workflow.run(Workflow.make("lenient", Flow.chain(list, Flow.map("doubled", list, item, { policy: "best-effort" }))))
        assert.deepStrictEqual(lenient.results.doubled.map(Option.getOrNull), [0, 2, 4, null, 8])
        const enough = yield* Workflow.run(Workflow.make("enough", Flow.chain(list, Flow.map("doubled", list, item, { policy: { atLeast: 4 } }))))
        assert.strictEqual(enough.results.doubled.filter(Option.isSome).length, 4)
        const tooFew = yield* Effect.flip(Workflow.run(Workflow.make("few", Flow.chain(list, Flow.map("doubled", list, item, { policy: { atLeast: 5 } })))))
        assert.strictEqual(tooFew._tag === "TaskFailed" ? tooFew.cause._tag : tooFew._tag, "MapItemsError")
      }).pipe(provide))

    test("durable: a run continued after a failed item runs only the items that had not completed", () =>
      Effect.gen(function*() {
        const counts = yield* makeCounts()
        const broken = yield* Ref.make(true)
        const list = listOf(8)
        const item = Task.template((_ctx, n: number) =>
          Effect.gen(function*() {
            yield* counts.ran(`item ${n}`)
            if (n === 6 && (yield* Ref.get(broken))) return yield* Effect.fail("flaky" as const)
            return n + 100
          }))
        const flow = Workflow.make("durable-map", Flow.chain(list, Flow.map("plus", list, item, { concurrency: 2 })))
        const runId = unique("durable-map")
        yield* Effect.flip(Workflow.run(flow, { runId, durable: true }))
        yield* Ref.set(broken, false)
        const out = yield* Workflow.run(flow, { runId, durable: true })
        assert.deepStrictEqual(out.results.plus, [100, 101, 102, 103, 104, 105, 106, 107])
        const ran = yield* counts.get
        for (let n = 0; n < 8; n++) assert.strictEqual(ran[`item ${n}`], n === 6 ? 2 : 1, `item ${n}`)
      }).pipe(provide))

    test("10 000 items: every result, in order", () =>
      Effect.gen(function*() {
        const list = listOf(10_000)
        const item = Task.template((_ctx, n: number) => n % 7)
        const out = yield* Workflow.run(Workflow.make("big-map", Flow.chain(list, Flow.map("mod", list, item, { concurrency: 64 }))))
        assert.strictEqual(out.results.mod.length, 10_000)
        assert.strictEqual(out.results.mod[9_999], 9_999 % 7)
        assert.strictEqual(out.results.mod.reduce((a, b) => a + b, 0), Array.from({ length: 10_000 }, (_, i) => i % 7).reduce((a, b) => a + b, 0))
      }).pipe(provide), 60_000)

    test("a workflow per element: each element is the input of a run of its own", () =>
      Effect.gen(function*() {
        const n = Task.input("n", Schema.Number)
        const square = Workflow.make("square", Workflow.chain(n, Task.make("sq", { after: [n] }, (ctx) => Effect.map(ctx.getResult("n"), (x) => x * x))))
        const list = listOf(4)
        const out = yield* Workflow.run(Workflow.make("squares", Flow.chain(list, Flow.map("squares", list, square))))
        assert.deepStrictEqual(out.results.squares.map((r) => r.sq), [0, 1, 4, 9])
      }).pipe(provide))

    test("items whose body gives a value: a result JSON cannot hold fails that item (named by its index); a throw stops the map", () =>
      Effect.gen(function*() {
        const list = listOf(4)
        // A Date does not compile as a result; cast past the compiler, it is caught at run time.
        const item = Task.template((_ctx, n: number) => n === 2 ? ({ at: new Date(0) } as unknown as { at: string }) : { at: `${n}` })
        const out = yield* Workflow.run(Workflow.make("values", Flow.chain(list, Flow.map("each", list, item, { policy: "best-effort" }))))
        assert.deepStrictEqual(out.results.each.map(Option.getOrNull), [{ at: "0" }, { at: "1" }, null, { at: "3" }])
        const strict = yield* Effect.flip(Workflow.run(Workflow.make("values", Flow.chain(list, Flow.map("each", list, item)))))
        if (strict._tag !== "TaskFailed" || strict.cause._tag !== "MapItemsError") return assert.fail(`a MapItemsError, not ${strict._tag}`)
        assert.deepStrictEqual(strict.cause.failed.map((f) => [f.index, f.outcome, (f.error as { _tag: string })._tag]), [[2, "failed", "InvalidValueError"]])
        const throws = Task.template((_ctx, n: number) => {
          if (n === 1) throw new Error("broken item")
          return n
        })
        const exit = yield* Effect.exit(Workflow.run(Workflow.make("throws", Flow.chain(list, Flow.map("each", list, throws)))))
        assert.isTrue(exit._tag === "Failure" && String(exit.cause).includes("broken item"))
      }).pipe(provide))

    test("failFast: the first failure stops the items still running (interrupted), and no item starts after it", () =>
      Effect.gen(function*() {
        const started = yield* Ref.make(0)
        const list = listOf(50)
        const item = Task.template((_ctx, n: number) =>
          Effect.gen(function*() {
            yield* Ref.update(started, (k) => k + 1)
            if (n === 3) return yield* Effect.fail("three" as const)
            return yield* Effect.never
          }))
        const error = yield* Effect.flip(Workflow.run(Workflow.make("fast", Flow.chain(list, Flow.map("each", list, item, { concurrency: 4, failFast: true })))))
        if (error._tag !== "TaskFailed" || error.cause._tag !== "MapItemsError") return assert.fail(`a MapItemsError, not ${error._tag}`)
        assert.deepStrictEqual(error.cause.failed.filter((f) => f.outcome === "failed").map((f) => f.index), [3])
        // Items 0, 1, 2 were running (never ending): interrupted; the other 46 never started.
        assert.deepStrictEqual(error.cause.failed.filter((f) => f.outcome === "interrupted").map((f) => f.index).slice(0, 3), [0, 1, 2])
        assert.strictEqual(yield* Ref.get(started), 4)
      }).pipe(provide))

    test("an item that asks to iterate or to checkpoint stops the run with a defect that says why", () =>
      Effect.gen(function*() {
        const list = listOf(2)
        const loops = Task.template({ maxCycles: 3 }, (ctx, n: number) => Effect.as(ctx.nextIteration(n + 1), n))
        const saves = Task.template((ctx, n: number) => Effect.as(ctx.checkpoint({ at: n }), n))
        const runs = [
          ["loops", Workflow.make("loops", Flow.chain(list, Flow.map("each", list, loops))), "ctx.nextIteration"],
          ["saves", Workflow.make("saves", Flow.chain(list, Flow.map("each", list, saves))), "ctx.checkpoint"]
        ] as const
        for (const [name, workflow, words] of runs) {
          const exit = yield* Effect.exit(Workflow.run(workflow, { retention: "keep", runId: unique(name) }))
          assert.isTrue(exit._tag === "Failure")
          if (exit._tag === "Failure") {
            const text = String(exit.cause)
            expect(text).toContain(`${words} in "each[0]", an item of a map`)
            expect(text).toContain("cannot iterate nor checkpoint")
          }
        }
      }).pipe(provide))

    test("progress: each item's events name it by its index", () =>
      Effect.gen(function*() {
        const events: Array<Progress.Event> = []
        const list = listOf(3)
        const item = Task.template((_ctx, n: number) => n)
        yield* Workflow.run(Workflow.make("evented", Flow.chain(list, Flow.map("each", list, item)))).pipe(
          Effect.provide(Progress.layer({ onEvent: (event) => Effect.sync(() => events.push(event)) }))
        )
        const items = events.flatMap((e) => e._tag === "TaskSucceeded" && e.item !== undefined ? [[e.taskId, e.item] as const] : [])
        assert.deepStrictEqual([...items].sort(([, a], [, b]) => a - b), [["each[0]", 0], ["each[1]", 1], ["each[2]", 2]])
      }).pipe(provide))
  })

  describe(`branches: ${subject.name}`, () => {
    type Claim = { readonly kind: "refund"; readonly amount: number } | { readonly kind: "dispute"; readonly reason: string } | { readonly kind: "spam" }
    const makeClaims = (claim: Claim) => {
      const classify = Task.make("classify", (): Claim => claim)
      const route = Flow.branch("route", classify)
        .with({ kind: "refund" }, (refund) => Task.make("pay", { after: [refund] }, (ctx) => Effect.map(ctx.getResult("classify"), (c) => c.amount * 100)))
        .with({ kind: "dispute" }, (dispute) =>
          Flow.chain(
            Task.make("escalate", { after: [dispute] }, (ctx) => Effect.map(ctx.getResult("classify"), (c) => c.reason)),
            Task.make("notify", () => "notified")
          ))
        .otherwise(() => Task.make("ignore", () => "ignored"))
      return Workflow.make("claims", Flow.chain(classify, route, Task.make("close", () => "closed")))
    }

    test("the first case whose pattern matches runs, reading the source narrowed; otherwise takes the rest", () =>
      Effect.gen(function*() {
        const refund = yield* Workflow.run(makeClaims({ kind: "refund", amount: 4 }))
        assert.deepStrictEqual(refund.results, { classify: { kind: "refund", amount: 4 }, pay: 400, close: "closed" })
        const dispute = yield* Workflow.run(makeClaims({ kind: "dispute", reason: "late" }))
        assert.deepStrictEqual(dispute.results, { classify: { kind: "dispute", reason: "late" }, escalate: "late", notify: "notified", close: "closed" })
        const spam = yield* Workflow.run(makeClaims({ kind: "spam" }))
        assert.deepStrictEqual(spam.results, { classify: { kind: "spam" }, ignore: "ignored", close: "closed" })
      }).pipe(provide))

    test("durable: the choice is journaled — a continued run takes the same case even if the source reads otherwise now", () =>
      Effect.gen(function*() {
        const counts = yield* makeCounts()
        type Kind = { readonly kind: "refund"; readonly amount: number } | { readonly kind: "dispute" }
        const classify = Task.make("classify", (): Effect.Effect<Kind> => Effect.as(counts.ran("classify"), { kind: "refund", amount: 5 }))
        const route = Flow.branch("route", classify)
          .with({ kind: "refund" }, () =>
            Task.make("pay", { awaits: { ok: Schema.Boolean } }, (ctx) =>
              Effect.gen(function*() {
                yield* counts.ran("pay")
                return (yield* ctx.waitFor("ok", { timeout: 0 })) ? "paid" : "refused"
              })))
          .with({ kind: "dispute" }, () => Task.make("escalate", () => Effect.as(counts.ran("escalate"), "escalated")))
          .exhaustive()
        const flow = Workflow.make("journaled-branch", Flow.chain(classify, route))
        const runId = unique("branch")
        assert.strictEqual((yield* Workflow.run(flow, { runId, durable: true })).status, "suspended")
        // The source's stored result is changed behind the run's back: a run that matched again would escalate.
        const backend = yield* Channel.Channel
        const store = yield* backend.open(Workflow.namespace(flow, runId))
        yield* store.set("classify.__result__", { kind: "dispute" }, undefined)
        yield* Workflow.respond(flow, runId, "ok", true)
        const out = yield* Workflow.run(flow, { runId, durable: true })
        assert.strictEqual(out.status === "completed" ? out.results.pay : out.status, "paid")
        assert.deepStrictEqual(yield* counts.get, { classify: 1, pay: 2 })
      }).pipe(provide))
  })
}
