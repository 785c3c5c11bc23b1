/**
 * Listing a workflow's runs (`Workflow.listRuns`, `Workflow.getRun`) on a
 * channel backend, written once and run against each: which runs are
 * listed, newest start first, pages that never repeat or lose a run,
 * statuses, runs whose namespace is gone, and bad options.
 */
import { assert, describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit, Fiber, type Layer, Option, Redacted, Schema, Stream } from "effect"
import { randomUUID } from "node:crypto"
import { type Channel, Task, Workflow } from "../../src/index.js"

export interface Subject {
  readonly name: string
  readonly layer: Layer.Layer<Channel.Channel, unknown>
  readonly clock: "test" | "live"
}

/** Every page of a listing, in order. */
const allPages = (workflow: string, options: { readonly limit: number; readonly status?: Workflow.RunStatus | ReadonlyArray<Workflow.RunStatus> }) =>
  Effect.gen(function*() {
    const pages: Array<ReadonlyArray<Workflow.RunSummary>> = []
    let cursor: string | undefined
    do {
      const page = yield* Workflow.listRuns(workflow, { ...options, cursor })
      pages.push(page.runs)
      cursor = page.cursor
    } while (cursor !== undefined && pages.length < 100)
    return pages
  })

export const runsConformance = (subject: Subject) => {
  const test = subject.clock === "live" ? it.live : it.effect
  const provide = <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.provide(self, subject.layer)
  const unique = (name: string) => `${name}-${randomUUID().slice(0, 8)}`

  describe(`listing runs: ${subject.name}`, () => {
    test("named runs are listed newest first with their record; a run without id or requests is not", () =>
      Effect.gen(function*() {
        const name = unique("listed")
        const flow = Workflow.make(name, Task.make("a", () => 1))
        for (const runId of ["r1", "r2", "r3"]) yield* Workflow.run(flow, { runId, retention: "keep" })
        yield* Workflow.run(flow, { retention: "keep" })
        const page = yield* Workflow.listRuns(flow)
        // Newest first (runs started in one millisecond: by id, descending — the same order here).
        assert.deepStrictEqual(page.runs.map((run) => run.runId), ["r3", "r2", "r1"])
        assert.isUndefined(page.cursor)
        for (const run of page.runs) {
          assert.strictEqual(run.status, "completed")
          assert.isFalse(run.durable)
          assert.isTrue(run.endedAt !== undefined && run.endedAt >= run.startedAt)
          assert.deepStrictEqual(run.waitingFor, [])
        }
        // The listing is the workflow's: the name alone does too; another workflow's runs are not in it.
        assert.deepStrictEqual((yield* Workflow.listRuns(name)).runs, page.runs)
        assert.deepStrictEqual((yield* Workflow.listRuns(unique("other"))).runs, [])
      }).pipe(provide))

    test("pages of a listing never repeat or lose a run", () =>
      Effect.gen(function*() {
        const name = unique("paged")
        const flow = Workflow.make(name, Task.make("a", () => 1))
        const ids = Array.from({ length: 23 }, (_, i) => `run-${i}`)
        yield* Effect.forEach(ids, (runId) => Workflow.run(flow, { runId, retention: "keep" }), { concurrency: 6, discard: true })
        const pages = yield* allPages(name, { limit: 5 })
        assert.deepStrictEqual(pages.map((page) => page.length), [5, 5, 5, 5, 3])
        const listed = pages.flat()
        assert.deepStrictEqual(listed.map((run) => run.runId).sort(), [...ids].sort())
      }).pipe(provide))

    test("pages of a status few runs have never repeat or lose a run (reads on in growing windows)", () =>
      Effect.gen(function*() {
        const name = unique("sparse")
        const ids = Array.from({ length: 90 }, (_, i) => `run-${i}`)
        const failing = new Set(ids.filter((_, i) => i % 9 === 4))
        // Started many at once: runs share a millisecond, so windows end among equal scores.
        yield* Effect.forEach(ids, (runId) => {
          const flow = Workflow.make(name, Task.make("a", () => failing.has(runId) ? Effect.fail("no") : Effect.succeed(1)))
          return Effect.exit(Workflow.run(flow, { runId, retention: "keep" }))
        }, { concurrency: 12, discard: true })
        for (const limit of [1, 2, 4]) {
          const pages = yield* allPages(name, { limit, status: "failed" })
          const listed = pages.flat().map((run) => run.runId)
          assert.deepStrictEqual([...listed].sort(), [...failing].sort(), `limit ${limit}`)
          assert.strictEqual(new Set(listed).size, listed.length, `limit ${limit}: no run twice`)
        }
      }).pipe(provide))

    test("a run started again between pages keeps its place: no page loses it", () =>
      Effect.gen(function*() {
        const name = unique("again")
        const flow = Workflow.make(name, Task.make("a", () => 1))
        for (const runId of ["r1", "r2", "r3", "r4", "r5"]) yield* Workflow.run(flow, { runId, retention: "keep" })
        const first = yield* Workflow.listRuns(flow, { limit: 2 })
        // Every run started again (a rerun, a continued run): the listing that is being paged loses none.
        for (const runId of ["r1", "r2", "r3", "r4", "r5"]) yield* Workflow.run(flow, { runId, retention: "keep" })
        const rest = yield* allPages(name, { limit: 2 }).pipe(Effect.map((pages) => pages.flat()))
        const second = first.cursor === undefined ? [] : (yield* Workflow.listRuns(flow, { limit: 10, cursor: first.cursor })).runs
        assert.deepStrictEqual([...first.runs, ...second].map((run) => run.runId).sort(), ["r1", "r2", "r3", "r4", "r5"])
        assert.strictEqual(rest.length, 5)
      }).pipe(provide))

    test("a status, or several, keeps those runs; a suspended run says what it waits for", () =>
      Effect.gen(function*() {
        const name = unique("statuses")
        const approve = Task.make("approve", { awaits: { approval: Schema.Boolean } }, (ctx) => ctx.waitFor("approval", { timeout: 0 }))
        const waits = Workflow.make(name, approve)
        const fails = Workflow.make(name, Task.make("boom", () => Effect.fail("no")))
        const suspended = yield* Workflow.run(waits, { runId: "s1" })
        assert.strictEqual(suspended.status, "suspended")
        const failed = yield* Effect.exit(Workflow.run(fails, { runId: "f1", retention: "keep" }))
        assert.isTrue(Exit.isFailure(failed))
        yield* Workflow.run(Workflow.make(name, Task.make("ok", () => 1)), { runId: "c1", retention: "keep" })
        const only = (status: Workflow.RunStatus | ReadonlyArray<Workflow.RunStatus>) =>
          Effect.map(Workflow.listRuns(name, { status }), (page) => page.runs.map((run) => run.runId).sort())
        assert.deepStrictEqual(yield* only("suspended"), ["s1"])
        assert.deepStrictEqual(yield* only(["completed", "suspended"]), ["c1", "s1"])
        assert.deepStrictEqual(yield* only("failed"), ["f1"])
        assert.deepStrictEqual(yield* only("running"), [])
        const waiting = yield* Workflow.getRun(name, "s1")
        assert.deepStrictEqual(Option.map(waiting, (run): [string, ReadonlyArray<string>] => [run.status, run.waitingFor]), Option.some<[string, ReadonlyArray<string>]>(["suspended", ["approval"]]))
      }).pipe(provide))

    test("a run whose namespace is gone is no longer listed; getRun says none", () =>
      Effect.gen(function*() {
        const name = unique("gone")
        const flow = Workflow.make(name, Task.make("a", () => 1))
        yield* Workflow.run(flow, { runId: "kept", retention: "keep" })
        yield* Workflow.run(flow, { runId: "dropped", retention: "keep" })
        yield* Workflow.run(flow, { runId: "deleted", retention: "delete" })
        yield* Workflow.deleteRun(flow, "dropped")
        assert.deepStrictEqual((yield* Workflow.listRuns(flow)).runs.map((run) => run.runId), ["kept"])
        assert.isTrue(Option.isSome(yield* Workflow.getRun(flow, "kept")))
        assert.isTrue(Option.isNone(yield* Workflow.getRun(flow, "dropped")))
        assert.isTrue(Option.isNone(yield* Workflow.getRun(flow, "never")))
      }).pipe(provide))

    test("a sub-workflow's run is part of its outer run: listed under the outer workflow only", () =>
      Effect.gen(function*() {
        const inner = Workflow.make(unique("inner"), Task.make("x", () => 1))
        const outer = Workflow.make(unique("outer"), Task.workflow("step", inner))
        // Durable: the step's run is one that can be continued, with a lease and a record of its own.
        const out = yield* Workflow.run(outer, { runId: "o1", durable: true, retention: "keep" })
        assert.strictEqual(out.status, "completed")
        assert.deepStrictEqual((yield* Workflow.listRuns(outer)).runs.map((run) => run.runId), ["o1"])
        assert.deepStrictEqual((yield* Workflow.listRuns(inner)).runs, [])
      }).pipe(provide))

    test("a limit out of 1–1000 or a cursor no page gave is a defect naming it", () =>
      Effect.gen(function*() {
        for (const limit of [0, 1001, 2.5]) {
          const exit = yield* Effect.exit(Workflow.listRuns("w", { limit }))
          assert.isTrue(Exit.isFailure(exit) && Cause.hasDies(exit.cause))
          if (Exit.isFailure(exit)) expect(String(Cause.squash(exit.cause))).toContain("the limit is a whole number from 1 to 1000")
        }
        const exit = yield* Effect.exit(Workflow.listRuns("w", { cursor: "not-a-cursor" }))
        assert.isTrue(Exit.isFailure(exit) && Cause.hasDies(exit.cause))
        if (Exit.isFailure(exit)) expect(String(Cause.squash(exit.cause))).toContain(`"not-a-cursor" is not a cursor a page of runs gave`)
      }).pipe(provide))
  })
}

/**
 * The events runs record on a backend made with `runEvents` (`Workflow.runEvents`),
 * on each backend: attempts with retries and errors, failures, suspensions, a
 * sub-workflow's tasks by path, and nothing left once the run is deleted.
 */
export const runEventsConformance = (subject: Subject & { readonly without: Layer.Layer<Channel.Channel, unknown> }) => {
  const test = subject.clock === "live" ? it.live : it.effect
  const provide = <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.provide(self, subject.layer)
  const unique = (name: string) => `${name}-${randomUUID().slice(0, 8)}`
  const types = (events: ReadonlyArray<Workflow.RecordedEvent>) =>
    events.map((e) => "taskId" in e ? `${e.type} ${e.taskId}${"attempt" in e ? ` #${e.attempt}` : ""}` : e.type)

  describe(`run events: ${subject.name}`, () => {
    test("a run records its start, each attempt (a retry with its error), and its end, in order", () =>
      Effect.gen(function*() {
        const name = unique("recorded")
        const flaky = Task.make("flaky", { retry: { times: 1 } }, (ctx) =>
          ctx.attempt === 1 ? Effect.fail(new Error("flaky the first time")) : Effect.succeed(ctx.attempt))
        const after = Task.make("after", () => "done")
        const flow = Workflow.make(name, Workflow.chain(flaky, after))
        yield* Workflow.run(flow, { runId: "r1", retention: "keep" })
        const events = yield* Workflow.runEvents(flow, "r1")
        assert.deepStrictEqual(types(events), [
          "RunStarted",
          "TaskStarted flaky #1",
          "TaskFailed flaky #1",
          "TaskStarted flaky #2",
          "TaskSucceeded flaky #2",
          "TaskStarted after #1",
          "TaskSucceeded after #1",
          "RunFinished"
        ])
        const failed = events.find((e) => e.type === "TaskFailed")
        assert.isTrue(failed?.type === "TaskFailed" && failed.willRetry)
        if (failed?.type === "TaskFailed") expect(failed.error).toContain("flaky the first time")
        const finished = events.at(-1)
        assert.strictEqual(finished?.type === "RunFinished" ? finished.status : undefined, "completed")
        for (let i = 1; i < events.length; i++) assert.isTrue(events[i]!.at >= events[i - 1]!.at, "in order of time")
      }).pipe(provide))

    test("a failure and a suspension, each with what a page shows of it; a sub-workflow's tasks by path", () =>
      Effect.gen(function*() {
        const name = unique("outcomes")
        const broken = Workflow.make(name, Task.make("broken", () => Effect.fail(new Error("the disk is full"))))
        yield* Effect.exit(Workflow.run(broken, { runId: "f1", retention: "keep" }))
        const failed = yield* Workflow.runEvents(name, "f1")
        const last = failed.find((e) => e.type === "TaskFailed")
        assert.isTrue(last?.type === "TaskFailed" && !last.willRetry)
        if (last?.type === "TaskFailed") expect(last.error).toContain("the disk is full")
        assert.strictEqual(failed.at(-1)?.type === "RunFinished" ? (failed.at(-1) as { status: string }).status : undefined, "failed")
        // The last attempt a task may make says that no other follows.
        const twice = Workflow.make(unique("twice"), Task.make("twice", { retry: { times: 2 } }, () => Effect.fail(new Error("still down"))))
        yield* Effect.exit(Workflow.run(twice, { runId: "t1", retention: "keep" }))
        const retried = (yield* Workflow.runEvents(twice, "t1")).flatMap((e) => e.type === "TaskFailed" ? [e.willRetry] : [])
        assert.deepStrictEqual(retried, [true, true, false])

        const waits = Workflow.make(name, Task.make("ask", { awaits: { ok: Schema.Boolean } }, (ctx) => ctx.waitFor("ok", { timeout: 0 })))
        yield* Workflow.run(waits, { runId: "s1" })
        const suspended = yield* Workflow.runEvents(name, "s1")
        const asked = suspended.find((e) => e.type === "TaskSuspended")
        assert.strictEqual(asked?.type === "TaskSuspended" ? asked.request : undefined, "ok")

        const inner = Workflow.make(unique("inner"), Task.make("charge", () => 1))
        const outer = Workflow.make(name, Task.workflow("pay", inner))
        yield* Workflow.run(outer, { runId: "o1", retention: "keep" })
        expect(types(yield* Workflow.runEvents(name, "o1"))).toEqual(["RunStarted", "TaskStarted pay #1", "TaskStarted pay/charge #1", "TaskSucceeded pay/charge #1", "TaskSucceeded pay #1", "RunFinished"])
      }).pipe(provide))

    test("a deleted run's events are gone; a backend made without runEvents records none", () =>
      Effect.gen(function*() {
        const name = unique("gone")
        const flow = Workflow.make(name, Task.make("a", () => 1))
        yield* Effect.gen(function*() {
          yield* Workflow.run(flow, { runId: "r1", retention: "keep" })
          assert.isAbove((yield* Workflow.runEvents(flow, "r1")).length, 0)
          yield* Workflow.deleteRun(flow, "r1")
          assert.deepStrictEqual(yield* Workflow.runEvents(flow, "r1"), [])
        }).pipe(provide)
        const plain = Effect.gen(function*() {
          yield* Workflow.run(flow, { runId: "r2", retention: "keep" })
          return yield* Workflow.runEvents(flow, "r2")
        })
        assert.deepStrictEqual(yield* plain.pipe(Effect.provide(subject.without)), [])
      }))

    test("a run's recorded input shows each part its schema keeps Redacted as <redacted>", () =>
      Effect.gen(function*() {
        const name = unique("secret")
        const login = Task.input("login", Schema.Struct({
          user: Schema.String,
          apiKey: Schema.Redacted(Schema.String),
          keys: Schema.Array(Schema.Struct({ token: Schema.Redacted(Schema.String), label: Schema.String }))
        }))
        const flow = Workflow.make(name, login)
        yield* Workflow.run(flow, {
          runId: "s1",
          retention: "keep",
          input: { user: "ada", apiKey: Redacted.make("sk-live-1"), keys: [{ token: Redacted.make("tok-2"), label: "ci" }] }
        })
        const events = yield* Workflow.runEvents(flow, "s1")
        const start = events[0]
        assert.deepStrictEqual(start?.type === "RunStarted" ? start.input : undefined, {
          user: "ada",
          apiKey: "<redacted>",
          keys: [{ token: "<redacted>", label: "ci" }]
        })
        expect(JSON.stringify(events)).not.toMatch(/sk-live-1|tok-2/)
      }).pipe(provide))

    test("a watcher sees each event of its workflow's runs as it is recorded, the start with the run's input", () =>
      Effect.scoped(Effect.gen(function*() {
        const name = unique("watched")
        const events = yield* Workflow.watchRunEvents(name)
        const seen = yield* events.pipe(
          Stream.takeUntil((e) => e.event.type === "RunFinished"),
          Stream.runCollect,
          Effect.forkScoped
        )
        const otherName = unique("other")
        const everything = yield* Workflow.watchRunEvents()
        let finished = 0
        const all = yield* everything.pipe(
          Stream.takeUntil((e) => (e.workflow === name || e.workflow === otherName) && e.event.type === "RunFinished" && ++finished === 2),
          Stream.runCollect,
          Effect.forkScoped
        )
        // Another workflow's run first: the watcher of `name` leaves it out.
        yield* Workflow.run(Workflow.make(otherName, Task.make("x", () => 0)), { runId: "o1", retention: "keep" })
        const order = Task.input("order", Schema.Struct({ id: Schema.String, qty: Schema.NumberFromString }))
        const ship = Task.make("ship", { after: [order] }, (ctx) => Effect.map(ctx.getResult("order"), (o) => o.id))
        const flow = Workflow.make(name, Workflow.chain(order, ship))
        yield* Workflow.run(flow, { runId: "w1", input: { id: "o-1", qty: 3 }, retention: "keep" })
        const got = Array.from(yield* Fiber.join(seen))
        assert.deepStrictEqual(got.map((e) => `${e.workflow}/${e.runId} ${types([e.event])[0]}`), [
          `${name}/w1 RunStarted`,
          `${name}/w1 TaskStarted order #1`,
          `${name}/w1 TaskSucceeded order #1`,
          `${name}/w1 TaskStarted ship #1`,
          `${name}/w1 TaskSucceeded ship #1`,
          `${name}/w1 RunFinished`
        ])
        const start = got[0]?.event
        // The input as JSON, encoded by its schema (the number as a string): what a page shows and a form starts from.
        assert.deepStrictEqual(start?.type === "RunStarted" ? start.input : undefined, { id: "o-1", qty: "3" })
        // What was recorded is what was watched.
        assert.deepStrictEqual(yield* Workflow.runEvents(flow, "w1"), got.map((e) => e.event))
        // A watcher of every workflow sees both runs, the other's first.
        // (other runs on the backend, of tests before this one, may be seen too: left out here). Each run's events
        // come in order; two runs' may interleave (on a cluster each run's namespace publishes from its own node).
        const seenAll = Array.from(yield* Fiber.join(all))
        const other = seenAll.filter((e) => e.workflow === otherName)
        assert.deepStrictEqual(other.map((e) => `${e.runId} ${e.event.type}`), ["o1 RunStarted", "o1 TaskStarted", "o1 TaskSucceeded", "o1 RunFinished"])
        assert.deepStrictEqual(seenAll.filter((e) => e.workflow === name).map((e) => e.event), got.map((e) => e.event))
      })).pipe(provide))
  })
}
