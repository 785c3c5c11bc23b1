/**
 * Dynamic control flow, retries, timeouts, parallel group policies, tracing and
 * progress events, written once and run on every channel backend. Time is
 * TestClock on every backend (retries and timeouts are the engine's timers).
 */
import { assert, describe, expect, it } from "@effect/vitest"
import { Context, Deferred, Effect, Fiber, Layer, Logger, Option, Ref, References, Schedule, Stream, Tracer } from "effect"
import { TestClock } from "effect/testing"
import { type Channel, Progress, Task, Workflow } from "../../src/index.js"

export interface Subject {
  readonly name: string
  readonly layer: Layer.Layer<Channel.Channel, unknown>
}

/** Records the ids of the tasks that ran, in order. */
const recorder = Effect.map(Ref.make<ReadonlyArray<string>>([]), (ref) => ({
  mark: (id: string) => Ref.update(ref, (xs) => [...xs, id]),
  ran: Ref.get(ref)
}))

export const controlConformance = (subject: Subject) => {
  const provide = <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.provide(self, subject.layer)

  describe(`control flow: ${subject.name}`, () => {
    describe("nextIteration", () => {
      it.effect("a 5-iteration loop, then its downstream task runs once, after the last iteration", () =>
        Effect.gen(function*() {
          const log = yield* recorder
          const loop = Task.make("loop", { input: 0, maxCycles: 5 }, (ctx, n) =>
            Effect.gen(function*() {
              yield* log.mark(`loop:${n}:${ctx.iteration}`)
              if (n < 4) yield* ctx.nextIteration(n + 1)
              return n * 10
            }))
          const after = Task.make("after", { after: [loop] }, (ctx) =>
            Effect.gen(function*() {
              yield* log.mark("after")
              return yield* ctx.getResult("loop")
            }))
          const out = yield* Workflow.run(Workflow.make("loop", Workflow.chain(loop, after)))
          assert.deepStrictEqual(yield* log.ran, ["loop:0:1", "loop:1:2", "loop:2:3", "loop:3:4", "loop:4:5", "after"])
          assert.strictEqual(out.results.loop, 40)
          assert.strictEqual(out.results.after, 40)
        }).pipe(provide))

      it.effect("asking past maxCycles fails the task with CycleLimitExceededError", () =>
        Effect.gen(function*() {
          const forever = Task.make("forever", { maxCycles: 3 }, (ctx) => ctx.nextIteration())
          const error = yield* Effect.flip(Workflow.run(Workflow.make("forever", forever)))
          assert.strictEqual(error._tag, "TaskFailed")
          if (error._tag !== "TaskFailed") return
          assert.strictEqual(error.cause._tag, "CycleLimitExceededError")
          if (error.cause._tag !== "CycleLimitExceededError") return
          assert.strictEqual(error.cause.maxCycles, 3)
        }).pipe(provide))

      it.effect("a template's parameters are its input: nextIteration passes new ones", () =>
        Effect.gen(function*() {
          const countdown = Task.template((ctx, p: { readonly left: number; readonly seen: ReadonlyArray<number> }) =>
            Effect.gen(function*() {
              const seen = [...p.seen, p.left]
              if (p.left > 0) yield* ctx.nextIteration({ left: p.left - 1, seen })
              return seen
            }))
          const out = yield* Workflow.run(Workflow.make("countdown", countdown("c", { left: 3, seen: [] })))
          assert.deepStrictEqual(out.results.c, [3, 2, 1, 0])
        }).pipe(provide))
    })

    describe("goto", () => {
      it.effect("a jump skips the static successors and continues at the target", () =>
        Effect.gen(function*() {
          const log = yield* recorder
          const validate = Task.make("validate", { goto: ["cleanup"] }, (ctx) =>
            Effect.gen(function*() {
              yield* log.mark("validate")
              yield* ctx.goto("cleanup")
              return "invalid"
            }))
          const store = Task.make("store", () => log.mark("store"))
          const cleanup = Task.make("cleanup", () => Effect.as(log.mark("cleanup"), "cleaned"))
          const out = yield* Workflow.run(Workflow.make("recover", Workflow.chain(validate, store, cleanup)))
          assert.deepStrictEqual(yield* log.ran, ["validate", "cleanup"])
          assert.isFalse("store" in out.results)
          assert.strictEqual(out.results.cleanup, "cleaned")
          assert.strictEqual(out.status, "completed")
        }).pipe(provide))

      it.effect("a jump back re-runs the target and what follows it, bounded by maxCycles", () =>
        Effect.gen(function*() {
          const log = yield* recorder
          const fetch = Task.make("fetch", { maxCycles: 3 }, (ctx) => Effect.as(log.mark(`fetch${ctx.iteration}`), ctx.iteration))
          const check = Task.make("check", { goto: ["fetch"], after: [fetch] }, (ctx) =>
            Effect.gen(function*() {
              const attempt = yield* ctx.getResult("fetch")
              yield* log.mark(`check${attempt}`)
              if (attempt < 3) yield* ctx.goto("fetch")
              return attempt
            }))
          const done = Task.make("done", () => log.mark("done"))
          const out = yield* Workflow.run(Workflow.make("retry-loop", Workflow.chain(fetch, check, done)))
          assert.deepStrictEqual(yield* log.ran, ["fetch1", "check1", "fetch2", "check2", "fetch3", "check3", "done"])
          assert.strictEqual(out.results.check, 3)
          const tooMany = Task.make("again", { goto: ["fetch"] }, (ctx) => ctx.goto("fetch"))
          const error = yield* Effect.flip(Workflow.run(Workflow.make("too-many", Workflow.chain(fetch, tooMany))))
          assert.strictEqual(error._tag, "TaskFailed")
          if (error._tag === "TaskFailed") assert.strictEqual(error.taskId, "again")
        }).pipe(provide))

      it.effect("a jump from a parallel member waits for the other members, then continues at the target", () =>
        Effect.gen(function*() {
          const log = yield* recorder
          const release = yield* Deferred.make<void>()
          const jumper = Task.make("jumper", { goto: ["finish"] }, (ctx) =>
            Effect.andThen(log.mark("jumper"), ctx.goto("finish")))
          const slow = Task.make("slow", () => Effect.andThen(Deferred.await(release), log.mark("slow")))
          const skipped = Task.make("skipped", () => log.mark("skipped"))
          const finish = Task.make("finish", () => log.mark("finish"))
          const flow = Workflow.chain(Workflow.parallel(jumper, slow), skipped, finish)
          const fiber = yield* Workflow.run(Workflow.make("parallel-jump", flow)).pipe(Effect.forkChild)
          yield* Effect.yieldNow
          yield* Deferred.succeed(release, undefined)
          yield* Fiber.join(fiber)
          assert.deepStrictEqual(yield* log.ran, ["jumper", "slow", "finish"])
        }).pipe(provide))
    })

    describe("nextTask", () => {
      it.effect("an added task runs after the current one and before its static successors", () =>
        Effect.gen(function*() {
          const log = yield* recorder
          const extra = Task.make("extra", () => Effect.as(log.mark("extra"), { found: 3 }))
          const main = Task.make("main", { adds: [extra] }, (ctx) => Effect.andThen(log.mark("main"), ctx.nextTask(extra)))
          const next = Task.make("next", (ctx) =>
            Effect.andThen(log.mark("next"), Effect.map(ctx.lookupResult(extra), (r) => r.found)))
          const out = yield* Workflow.run(Workflow.make("dynamic", Workflow.chain(main, next)))
          assert.deepStrictEqual(yield* log.ran, ["main", "extra", "next"])
          assert.strictEqual(out.results.next, 3)
          assert.deepStrictEqual(Workflow.resultOf(out, extra), Option.some({ found: 3 }))
        }).pipe(provide))

      it.effect("an added task's services and failures are the run's: providing the service runs it", () =>
        Effect.gen(function*() {
          class Tools extends Context.Service<Tools, { readonly search: (q: string) => Effect.Effect<number> }>()("test/Tools") {}
          const tool = Task.make("tool", () => Tools.use((tools) => tools.search("effect")))
          const agent = Task.make("agent", { adds: [tool] }, (ctx) => ctx.nextTask(tool))
          const workflow = Workflow.make("agent", agent)
          const out = yield* Workflow.run(workflow).pipe(
            Effect.provide(Layer.succeed(Tools, { search: (q) => Effect.succeed(q.length) }))
          )
          assert.deepStrictEqual(Workflow.resultOf(out, tool), Option.some(6))
          const failing = Task.make("failing", () => Effect.fail("tool down" as const))
          const agent2 = Task.make("agent2", { adds: [failing] }, (ctx) => ctx.nextTask(failing))
          const error = yield* Effect.flip(Workflow.run(Workflow.make("agent2", agent2)))
          assert.strictEqual(error._tag, "TaskFailed")
          if (error._tag === "TaskFailed" && error.taskId === "failing") assert.strictEqual(error.cause, "tool down")
          else assert.fail(`expected the tool's failure, got ${error.message}`)
        }).pipe(provide))

      it.effect("tasks added in one attempt run at once; a tool called twice runs twice, each call's result kept and typed", () =>
        Effect.gen(function*() {
          // Each call waits until all three have started: run one after another, they would wait for ever.
          const started = yield* Ref.make(0)
          const all = yield* Deferred.make<void>()
          const together = Effect.gen(function*() {
            if ((yield* Ref.updateAndGet(started, (n) => n + 1)) === 3) yield* Deferred.succeed(all, undefined)
            yield* Deferred.await(all)
          })
          const weather = Task.template({ name: "weather" }, (_ctx, city: string) => Effect.as(together, `${city}: sunny`))
          const search = Task.template({ name: "search" }, (_ctx, q: { readonly query: string }) => Effect.as(together, q.query.length))
          const agent = Task.make("agent", { adds: [weather, search] }, (ctx) =>
            Effect.gen(function*() {
              const paris = yield* ctx.call(weather, "Paris")
              const tokyo = yield* ctx.call(weather, "Tokyo")
              const found = yield* ctx.call(search, { query: "effect" })
              return [paris.id, tokyo.id, found.id]
            }))
          const report = Task.make("report", { after: [agent] }, (ctx) =>
            Effect.gen(function*() {
              const ids = yield* ctx.getResult("agent")
              // By id (a call's id is a string): the result comes back as `unknown`.
              return JSON.stringify(yield* Effect.forEach(ids, (id) => ctx.lookupResult(id)))
            }))
          const out = yield* Workflow.run(Workflow.make("tools", Workflow.chain(agent, report)))
          assert.deepStrictEqual(out.results.agent, ["agent.1.0.weather#1", "agent.1.0.weather#2", "agent.1.1.search#1"])
          assert.strictEqual(out.results.report, JSON.stringify(["Paris: sunny", "Tokyo: sunny", 6]))
        }).pipe(provide))

      it.effect("a tool's call in a durable run is journaled with its input: a continued run does not call it again", () =>
        Effect.gen(function*() {
          const calls = yield* Ref.make(0)
          const broken = yield* Ref.make(true)
          const lookup = Task.template({ name: "lookup" }, (_ctx, key: string) => Effect.as(Ref.update(calls, (n) => n + 1), key.toUpperCase()))
          const agent = Task.make("agent", { adds: [lookup] }, (ctx) => Effect.map(ctx.call(lookup, "a"), (call) => call.id))
          const after = Task.make("after", { after: [agent] }, (ctx) =>
            Effect.gen(function*() {
              if (yield* Ref.get(broken)) return yield* Effect.fail("not yet" as const)
              return yield* ctx.lookupResult(yield* ctx.getResult("agent"))
            }))
          const flow = Workflow.make("durable-tools", Workflow.chain(agent, after))
          const runId = `tools-${Math.random().toString(36).slice(2, 8)}`
          yield* Effect.flip(Workflow.run(flow, { runId, durable: true }))
          yield* Ref.set(broken, false)
          const out = yield* Workflow.run(flow, { runId, durable: true })
          assert.strictEqual(out.results.after, "A")
          assert.strictEqual(yield* Ref.get(calls), 1)
        }).pipe(provide))

      it.effect("with { goto: true } the added task replaces the static successors", () =>
        Effect.gen(function*() {
          const log = yield* recorder
          const fallback = Task.make("fallback", () => Effect.as(log.mark("fallback"), "DYN"))
          const main = Task.make("main", { goto: true, adds: [fallback] }, (ctx) =>
            Effect.andThen(log.mark("main"), ctx.nextTask(fallback, { goto: true })))
          const succ = Task.make("succ", () => log.mark("succ"))
          const out = yield* Workflow.run(Workflow.make("dynamic-goto", Workflow.chain(main, succ)))
          assert.deepStrictEqual(yield* log.ran, ["main", "fallback"])
          assert.isFalse("succ" in out.results)
          assert.deepStrictEqual(Workflow.resultOf(out, fallback), Option.some("DYN"))
        }).pipe(provide))

      it.effect("adding a task of the workflow, or one whose inputs do not exist yet, is InvalidNextTaskError", () =>
        Effect.gen(function*() {
          const later = Task.make("later", () => 1)
          const needsLater = Task.make("needsLater", { after: [later] }, () => 2)
          const undeclared = Task.make("undeclared", () => 3)
          // A task the types would reject (plain JavaScript): the engine checks `adds` too.
          const sneak = undeclared as unknown as typeof needsLater
          const main = Task.make("main", { adds: [later, needsLater] }, (ctx) =>
            Effect.all([
              Effect.flip(ctx.nextTask(later)).pipe(Effect.map((e) => e._tag)),
              Effect.flip(ctx.nextTask(needsLater)).pipe(Effect.map((e) => e._tag === "InvalidNextTaskError" && e.reason)),
              Effect.flip(ctx.nextTask(sneak)).pipe(Effect.map((e) => e._tag === "InvalidNextTaskError" && e.reason))
            ]))
          const out = yield* Workflow.run(Workflow.make("invalid-next", Workflow.chain(main, later)))
          assert.deepStrictEqual(out.results.main, [
            "InvalidNextTaskError",
            "it requires the result of \"later\", which has none yet",
            "it is not one of the tasks \"main\" declares in `adds` (its errors and services would be missing from the run's type)"
          ])
        }).pipe(provide))
    })

    describe("terminate and cancel", () => {
      it.effect("terminate stops the run successfully after the current task", () =>
        Effect.gen(function*() {
          const log = yield* recorder
          const a = Task.make("a", { terminate: true }, (ctx) => Effect.as(ctx.terminate("enough"), "A"))
          const b = Task.make("b", () => log.mark("b"))
          const out = yield* Workflow.run(Workflow.make("terminate", Workflow.chain(a, b)))
          assert.strictEqual(out.status, "terminated")
          assert.strictEqual(out.results.a, "A")
          assert.isFalse("b" in out.results)
          assert.deepStrictEqual(yield* log.ran, [])
        }).pipe(provide))

      it.effect("cancel fails the run with WorkflowCancelled naming the task; nothing after it runs", () =>
        Effect.gen(function*() {
          const log = yield* recorder
          const a = Task.make("a", (ctx) => Effect.andThen(log.mark("a"), ctx.cancel("bad data")))
          const b = Task.make("b", () => log.mark("b"))
          const error = yield* Effect.flip(Workflow.run(Workflow.make("cancel", Workflow.chain(a, b))))
          assert.strictEqual(error._tag, "WorkflowCancelled")
          if (error._tag !== "WorkflowCancelled") return
          assert.strictEqual(error.taskId, "a")
          assert.strictEqual(error.reason, "bad data")
          assert.deepStrictEqual(yield* log.ran, ["a"])
        }).pipe(provide))

      it.effect("terminate in a parallel member: running members finish, nothing new starts", () =>
        Effect.gen(function*() {
          const log = yield* recorder
          const release = yield* Deferred.make<void>()
          const slowStarted = yield* Deferred.make<void>()
          const stopper = Task.make("stopper", { terminate: true }, (ctx) =>
            Effect.andThen(Deferred.await(slowStarted), ctx.terminate()))
          const slow = Task.make("slow", () =>
            Deferred.succeed(slowStarted, undefined).pipe(
              Effect.andThen(Deferred.await(release)),
              Effect.andThen(log.mark("slow"))
            ))
          const slowNext = Task.make("slowNext", () => log.mark("slowNext"))
          const after = Task.make("after", () => log.mark("after"))
          const flow = Workflow.chain(Workflow.parallel(stopper, Workflow.chain(slow, slowNext)), after)
          const fiber = yield* Workflow.run(Workflow.make("stop-in-group", flow)).pipe(Effect.forkChild)
          yield* Effect.yieldNow
          yield* Deferred.succeed(release, undefined)
          const out = yield* Fiber.join(fiber)
          assert.strictEqual(out.status, "terminated")
          assert.deepStrictEqual(yield* log.ran, ["slow"])
        }).pipe(provide))

      it.effect("cancel in a parallel member interrupts the others and fails with WorkflowCancelled", () =>
        Effect.gen(function*() {
          const interrupted = yield* Deferred.make<void>()
          const started = yield* Deferred.make<void>()
          const canceller = Task.make("canceller", (ctx) => Effect.andThen(Deferred.await(started), ctx.cancel("stop")))
          const slow = Task.make("slow", () =>
            Deferred.succeed(started, undefined).pipe(
              Effect.andThen(Effect.never),
              Effect.onInterrupt(() => Deferred.succeed(interrupted, undefined))
            ))
          const error = yield* Effect.flip(Workflow.run(Workflow.make("cancel-group", Workflow.parallel(canceller, slow))))
          assert.strictEqual(error._tag, "WorkflowCancelled")
          assert.isTrue(yield* Deferred.isDone(interrupted))
        }).pipe(provide))
    })

    describe("retries and timeouts", () => {
      it.effect("retries follow the task's Schedule; ctx.attempt counts them (TestClock)", () =>
        Effect.gen(function*() {
          const attempts = yield* Ref.make<ReadonlyArray<number>>([])
          const started = yield* Deferred.make<void>()
          const flaky = Task.make("flaky", { retry: Schedule.spaced("1 second").pipe(Schedule.upTo({ times: 3 })) }, (ctx) =>
            Effect.andThen(
              Ref.update(attempts, (xs) => [...xs, ctx.attempt]).pipe(Effect.andThen(Deferred.succeed(started, undefined))),
              ctx.attempt < 3 ? Effect.fail("transient" as const) : Effect.succeed(`ok on ${ctx.attempt}`)
            ))
          const fiber = yield* Workflow.run(Workflow.make("flaky", flaky)).pipe(Effect.forkChild)
          // The first attempt has run (the run first prepares its namespace: on Redis, a round trip).
          yield* Deferred.await(started)
          assert.deepStrictEqual(yield* Ref.get(attempts), [1])
          yield* TestClock.adjust("1 second")
          assert.deepStrictEqual(yield* Ref.get(attempts), [1, 2])
          yield* TestClock.adjust("1 second")
          const out = yield* Fiber.join(fiber)
          assert.deepStrictEqual(yield* Ref.get(attempts), [1, 2, 3])
          assert.strictEqual(out.results.flaky, "ok on 3")
        }).pipe(provide))

      it.effect("when retries run out the last failure fails the task, with the attempts made and the retry limit", () =>
        Effect.gen(function*() {
          const always = Task.make("always", { retry: { times: 2 } }, (ctx) => Effect.fail(`failure ${ctx.attempt}`))
          const error = yield* Effect.flip(Workflow.run(Workflow.make("always", always)))
          assert.strictEqual(error._tag, "TaskFailed")
          if (error._tag !== "TaskFailed") return
          assert.strictEqual(error.cause, "failure 3")
          assert.strictEqual(error.attempts, 3)
          assert.strictEqual(error.retryLimit, 2)
          expect(error.message).toBe(`task "always" failed after 3 attempts (2 retries allowed): failure 3`)
          const once = Task.make("once", () => Effect.fail("no"))
          const plain = yield* Effect.flip(Workflow.run(Workflow.make("once", once)))
          expect(plain).toMatchObject({ _tag: "TaskFailed", attempts: 1, retryLimit: 0 })
          const scheduled = Task.make("scheduled", { retry: Schedule.recurs(1) }, () => Effect.fail("no"))
          const bySchedule = yield* Effect.flip(Workflow.run(Workflow.make("scheduled", scheduled)))
          expect(bySchedule).toMatchObject({ _tag: "TaskFailed", attempts: 2, retryLimit: undefined })
          const defaults = Workflow.make("defaults", { defaults: { retry: { times: 1 } } }, once)
          expect(yield* Effect.flip(Workflow.run(defaults))).toMatchObject({ attempts: 2, retryLimit: 1 })
        }).pipe(provide))

      it.effect("a timeout interrupts the attempt and fails it with TaskTimeoutError", () =>
        Effect.gen(function*() {
          const interrupted = yield* Deferred.make<void>()
          const started = yield* Deferred.make<void>()
          const hang = Task.make("hang", { timeout: "5 seconds" }, () =>
            Deferred.succeed(started, undefined).pipe(
              Effect.andThen(Effect.never),
              Effect.onInterrupt(() => Deferred.succeed(interrupted, undefined))
            ))
          const fiber = yield* Workflow.run(Workflow.make("hang", hang)).pipe(Effect.flip, Effect.forkChild)
          yield* Deferred.await(started)
          yield* TestClock.adjust("5 seconds")
          const error = yield* Fiber.join(fiber)
          assert.strictEqual(error._tag, "TaskFailed")
          if (error._tag !== "TaskFailed") return
          assert.strictEqual(error.cause._tag, "TaskTimeoutError")
          assert.isTrue(yield* Deferred.isDone(interrupted))
        }).pipe(provide))

      it.effect("workflow defaults apply to tasks without their own; a timed-out attempt is retried", () =>
        Effect.gen(function*() {
          const started = yield* Deferred.make<void>()
          const slowFirst = Task.make("slowFirst", (ctx) =>
            ctx.attempt === 1 ? Effect.andThen(Deferred.succeed(started, undefined), Effect.never) : Effect.succeed(ctx.attempt))
          const workflow = Workflow.make("defaults", { defaults: { timeout: "1 second", retry: { times: 1 } } }, slowFirst)
          const fiber = yield* Workflow.run(workflow).pipe(Effect.forkChild)
          yield* Deferred.await(started)
          yield* TestClock.adjust("1 second")
          const out = yield* Fiber.join(fiber)
          assert.strictEqual(out.results.slowFirst, 2)
        }).pipe(provide))

      it.effect("cancel is never retried", () =>
        Effect.gen(function*() {
          const count = yield* Ref.make(0)
          const guard = Task.make("guard", { retry: { times: 5 } }, (ctx) =>
            Effect.andThen(Ref.update(count, (n) => n + 1), ctx.cancel("no")))
          const error = yield* Effect.flip(Workflow.run(Workflow.make("guard", guard)))
          assert.strictEqual(error._tag, "WorkflowCancelled")
          assert.strictEqual(yield* Ref.get(count), 1)
        }).pipe(provide))
    })

    describe("parallel group policies", () => {
      const ok = <const Id extends string>(id: Id) => Task.make(id, () => `${id} ok`)
      const bad = <const Id extends string>(id: Id) => Task.make(id, () => Effect.fail(`${id} failed`))

      it.effect("strict: every member runs to its end, then the error lists each member's outcome", () =>
        Effect.gen(function*() {
          const failed = yield* Deferred.make<void>()
          const fine = ok("fine")
          const slow = Task.make("slow", () => Effect.andThen(Deferred.await(failed), Effect.succeed("late")))
          const boom = Task.make("boom", () => Effect.ensuring(Effect.fail("boom!" as const), Deferred.succeed(failed, undefined)))
          const after = Task.make("after", () => 1)
          const next = Task.make("next", () => 2)
          const flow = Workflow.chain(Workflow.parallel(fine, Workflow.chain(slow, after), boom), next)
          const error = yield* Effect.flip(Workflow.run(Workflow.make("strict", flow)))
          assert.strictEqual(error._tag, "ParallelGroupError")
          if (error._tag !== "ParallelGroupError") return
          assert.strictEqual(error.policy, "strict")
          expect(error.members.map((m) => [m.tasks, m.outcome])).toEqual([
            [["fine"], "succeeded"],
            [["slow", "after"], "succeeded"],
            [["boom"], "failed"]
          ])
          assert.strictEqual(error.members[2]!.error?._tag, "TaskFailed")
          expect(error.message).toContain("boom!")
          expect(error.message).toContain("2 succeeded")
        }).pipe(provide))

      it.effect("strict with failFast: the first failure interrupts the running members", () =>
        Effect.gen(function*() {
          const started = yield* Deferred.make<void>()
          const fine = ok("fine")
          const slow = Task.make("slow", () => Effect.andThen(Deferred.succeed(started, undefined), Effect.never))
          const boom = Task.make("boom", () => Effect.andThen(Deferred.await(started), Effect.fail("boom!" as const)))
          const after = Task.make("after", () => 1)
          const flow = Workflow.chain(
            Workflow.parallelWith({ policy: "strict", failFast: true }, fine, Workflow.chain(slow, after), boom)
          )
          const error = yield* Effect.flip(Workflow.run(Workflow.make("strict", flow)))
          assert.strictEqual(error._tag, "ParallelGroupError")
          if (error._tag !== "ParallelGroupError") return
          assert.strictEqual(error.policy, "strict")
          expect(error.members.map((m) => m.tasks)).toEqual([["fine"], ["slow", "after"], ["boom"]])
          // "fine" may or may not have stored its result when "boom" fails (fail fast);
          // the lenient policies below, which wait for every member, list successes deterministically.
          expect(["succeeded", "interrupted"]).toContain(error.members[0]!.outcome)
          expect(error.members.slice(1).map((m) => m.outcome)).toEqual(["interrupted", "failed"])
          const failed = error.members[2]!.error
          assert.strictEqual(failed?._tag, "TaskFailed")
          expect(error.message).toContain("boom!")
        }).pipe(provide))

      it.effect("at-least-N with 1 of 3 failing succeeds; downstream sees exactly the succeeded results", () =>
        Effect.gen(function*() {
          const a = ok("a")
          const b = bad("b")
          const c = ok("c")
          const merge = Task.make("merge", { after: [Task.optional(a), Task.optional(b), Task.optional(c)] }, (ctx) =>
            Effect.map(
              Effect.all([ctx.getResult("a"), ctx.getResult("b"), ctx.getResult("c")]),
              (results) => results.map(Option.getOrNull)
            ))
          const flow = Workflow.chain(Workflow.parallelWith({ policy: { atLeast: 2 } }, a, b, c), merge)
          const out = yield* Workflow.run(Workflow.make("at-least", flow))
          assert.deepStrictEqual(out.results.merge, ["a ok", null, "c ok"])
          assert.strictEqual(out.results.a, "a ok")
          assert.isFalse("b" in out.results)
        }).pipe(provide))

      it.effect("at-least-N with 2 of 3 failing fails with ParallelGroupError after every member ran", () =>
        Effect.gen(function*() {
          const log = yield* recorder
          const a = Task.make("a", () => Effect.as(log.mark("a"), 1))
          const flow = Workflow.parallelWith({ policy: { atLeast: 2 }, name: "fetchers" }, a, bad("b"), bad("c"))
          const error = yield* Effect.flip(Workflow.run(Workflow.make("at-least-fail", flow)))
          assert.strictEqual(error._tag, "ParallelGroupError")
          if (error._tag !== "ParallelGroupError") return
          assert.strictEqual(error.group, "fetchers")
          expect(error.members.map((m) => m.outcome)).toEqual(["succeeded", "failed", "failed"])
          assert.deepStrictEqual(yield* log.ran, ["a"])
        }).pipe(provide))

      it.effect("best-effort never fails the group", () =>
        Effect.gen(function*() {
          const flow = Workflow.parallelWith({ policy: "best-effort" }, bad("x"), bad("y"))
          const out = yield* Workflow.run(Workflow.make("best-effort", flow))
          assert.deepStrictEqual(out.results, {})
        }).pipe(provide))

      it.effect("critical tasks: a critical failure fails the group; an optional one does not", () =>
        Effect.gen(function*() {
          const passes = Workflow.parallelWith({ policy: { critical: ["p1"] } }, ok("p1"), bad("p2"))
          const out = yield* Workflow.run(Workflow.make("critical-ok", passes))
          assert.strictEqual(out.results.p1, "p1 ok")
          const fails = Workflow.parallelWith({ policy: { critical: ["p1"] } }, bad("p1"), ok("p2"))
          const error = yield* Effect.flip(Workflow.run(Workflow.make("critical-fail", fails)))
          assert.strictEqual(error._tag, "ParallelGroupError")
        }).pipe(provide))

      it.effect("a custom policy decides from the members' outcomes", () =>
        Effect.gen(function*() {
          const evenIsEnough = (members: ReadonlyArray<{ readonly outcome: string }>) =>
            members.filter((m) => m.outcome === "succeeded").length % 2 === 0
          const out = yield* Workflow.run(
            Workflow.make("custom-ok", Workflow.parallelWith({ policy: evenIsEnough }, ok("a"), ok("b"), bad("c")))
          )
          assert.deepStrictEqual(Object.keys(out.results).sort(), ["a", "b"])
          const error = yield* Effect.flip(Workflow.run(
            Workflow.make("custom-fail", Workflow.parallelWith({ policy: evenIsEnough }, ok("a"), bad("b"), bad("c")))
          ))
          assert.strictEqual(error._tag, "ParallelGroupError")
        }).pipe(provide))

      it("an impossible policy is rejected when the workflow is made, before it runs", () => {
        expect(() => Workflow.make("impossible", Workflow.parallelWith({ policy: { atLeast: 3 } }, ok("a"), ok("b"))))
          .toThrow(/at least 3 of 2 members cannot be met/)
      })
    })

    describe("tracing and progress", () => {
      it.effect("Progress.logger annotates each line with the workflow, run id, task id and attempt", () =>
        Effect.gen(function*() {
          const lines: Array<{ readonly message: unknown; readonly annotations: Record<string, unknown> }> = []
          const capture = Logger.make((options) => {
            lines.push({ message: options.message, annotations: { ...options.fiber.getRef(References.CurrentLogAnnotations) } })
          })
          yield* Workflow.run(Workflow.make("logged", Task.make("a", () => 1)), { runId: "l1" }).pipe(
            Effect.provide(Progress.logger),
            Effect.provide(Logger.layer([capture]))
          )
          const taskLine = lines.find((l) => String(l.message).includes("task a started"))
          assert.deepStrictEqual(taskLine?.annotations, { workflow: "logged", runId: "l1", taskId: "a", attempt: 1 })
          const runLine = lines.find((l) => String(l.message).includes("run l1 completed"))
          assert.deepStrictEqual(runLine?.annotations, { workflow: "logged", runId: "l1" })
        }).pipe(provide))

      it.effect("progress as a Stream: two subscribers each see every event of a run, in order", () =>
        Effect.gen(function*() {
          const first = yield* Progress.subscribe
          const second = yield* Progress.subscribe
          const a = Task.make("a", () => 1)
          const b = Task.make("b", { after: [a] }, (ctx) => ctx.getResult("a"))
          yield* Workflow.run(Workflow.make("streamed", Workflow.chain(a, b)), { runId: "s1" })
          const expected = ["RunStarted", "TaskStarted a", "TaskSucceeded a", "TaskStarted b", "TaskSucceeded b", "RunFinished"]
          const label = (e: Progress.Event) => "taskId" in e ? `${e._tag} ${e.taskId}` : e._tag
          for (const events of [first, second]) {
            const seen = yield* Stream.runCollect(Stream.take(events, expected.length))
            assert.deepStrictEqual(Array.from(seen, label), expected)
          }
        }).pipe(Effect.scoped, Effect.provide(Progress.layerStream), provide))

      it.effect("every task attempt is a span inside the workflow's span, with its attributes", () =>
        Effect.gen(function*() {
          const spans: Array<Tracer.NativeSpan> = []
          const tracer = Tracer.make({
            span(options) {
              const span = new Tracer.NativeSpan(options)
              spans.push(span)
              return span
            }
          })
          const flaky = Task.make("flaky", { retry: { times: 1 } }, (ctx) => ctx.attempt === 1 ? Effect.fail("once") : Effect.succeed(1))
          const next = Task.make("next", () => Effect.currentSpan.pipe(Effect.map((span) => span.name)))
          const out = yield* Workflow.run(Workflow.make("traced", Workflow.chain(flaky, next)), { runId: "r1" }).pipe(
            Effect.withTracer(tracer)
          )
          assert.strictEqual(out.results.next, "task next")
          const taskSpans = spans.filter((s) => s.name.startsWith("task "))
          expect(taskSpans.map((s) => [s.name, s.attributes.get("graflow.attempt")])).toEqual([
            ["task flaky", 1],
            ["task flaky", 2],
            ["task next", 1]
          ])
          const root = spans.find((s) => s.name === "workflow traced")!
          assert.strictEqual(root.attributes.get("graflow.run_id"), "r1")
          for (const span of taskSpans) {
            assert.strictEqual(span.attributes.get("graflow.workflow"), "traced")
            assert.strictEqual(Option.getOrUndefined(span.parent)?.spanId, root.spanId)
          }
        }).pipe(provide))

      it.effect("with Effect's tracing off, no task spans are made", () =>
        Effect.gen(function*() {
          const spans: Array<string> = []
          const tracer = Tracer.make({
            span(options) {
              spans.push(options.name)
              return new Tracer.NativeSpan(options)
            }
          })
          yield* Workflow.run(Workflow.make("untraced", Task.make("a", () => 1))).pipe(
            Effect.withTracer(tracer),
            Effect.provideService(References.TracerEnabled, false)
          )
          assert.deepStrictEqual(spans, [])
        }).pipe(provide))

      it.effect("with Effect's built-in tracer (which exports nowhere) the engine makes no task spans", () =>
        Effect.gen(function*() {
          const probe = Task.make("probe", () =>
            Effect.currentSpan.pipe(Effect.map((span) => span.name), Effect.orElseSucceed(() => "no span")))
          const out = yield* Workflow.run(Workflow.make("native", probe)).pipe(Effect.withSpan("caller"))
          assert.strictEqual(out.results.probe, "caller")
        }).pipe(provide))

      it.effect("a Progress handler sees starts, retries, successes and the run's end", () =>
        Effect.gen(function*() {
          const events: Array<Progress.Event> = []
          const flaky = Task.make("flaky", { retry: { times: 1 } }, (ctx) => ctx.attempt === 1 ? Effect.fail("once") : Effect.succeed(1))
          yield* Workflow.run(Workflow.make("observed", flaky)).pipe(
            Effect.provide(Progress.layer({ onEvent: (event) => Effect.sync(() => events.push(event)) }))
          )
          expect(events.map((e) => e._tag === "TaskFailed" ? `${e._tag}:${e.willRetry}` : e._tag)).toEqual([
            "RunStarted",
            "TaskStarted",
            "TaskFailed:true",
            "TaskStarted",
            "TaskSucceeded",
            "RunFinished"
          ])
        }).pipe(provide))
    })
  })
}

