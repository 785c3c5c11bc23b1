/**
 * Workflow behaviour on a channel backend, written once and run against every
 * backend: ordering and joins, parallel groups on one shared channel, results,
 * failures, and run isolation.
 */
import { assert, describe, expect, it } from "@effect/vitest"
import { Cause, Context, Deferred, Effect, Exit, Fiber, Layer, Option, Ref, Schema } from "effect"
import { Channel, type ChannelError, Task, Workflow } from "../../src/index.js"

export interface Subject {
  readonly name: string
  readonly layer: Layer.Layer<Channel.Channel, unknown>
  readonly clock: "test" | "live"
}

class Greeting extends Context.Service<Greeting, { readonly greet: (name: string) => string }>()("test/Greeting") {}

export const workflowConformance = (subject: Subject) => {
  const test = subject.clock === "live" ? it.live : it.effect
  const provide = <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.provide(self, subject.layer)

  describe(`workflow conformance: ${subject.name}`, () => {
    const Channels = Channel.schema({
      config: Schema.Struct({ batchSize: Schema.Number }),
      total_processed: Schema.Number,
      logs: Schema.Array(Schema.String)
    })

    test("the seed pipeline: channel config, result dependencies, typed results", () =>
      Effect.gen(function*() {
        const setup = Task.make("setup", { channels: Channels, writes: ["config"] }, (ctx) =>
          ctx.channel.set("config", { batchSize: 100 }))
        const fetch = Task.make("fetch", () => Effect.succeed({ data: [1, 2, 3] }))
        const process = Task.make(
          "process",
          { channels: Channels, after: [fetch], reads: ["config"], writes: ["logs", "total_processed"] },
          (ctx) =>
            Effect.gen(function*() {
              const config = yield* ctx.channel.get("config")
              const input = yield* ctx.getResult("fetch")
              yield* ctx.channel.append("logs", `processed ${input.data.length}`)
              yield* ctx.channel.atomicAdd("total_processed", input.data.length)
              return input.data.length * config.batchSize
            })
        )
        const pipeline = Workflow.make("pipeline", { channels: Channels }, Workflow.chain(setup, fetch, process))
        const out = yield* Workflow.run(pipeline)
        assert.strictEqual(out.results.process, 300)
        assert.deepStrictEqual(out.results.fetch, { data: [1, 2, 3] })
        assert.strictEqual(out.results.setup, undefined)
        expect(out.channel).toEqual({ config: { batchSize: 100 }, logs: ["processed 3"], total_processed: 3 })
        assert.strictEqual(out.workflow, "pipeline")
      }).pipe(provide))

    test("every result is stored under {id}.__result__, undefined results too", () =>
      Effect.gen(function*() {
        const a = Task.make("a", () => Effect.succeed({ n: 1 }))
        const b = Task.make("b", () => Effect.void)
        const c = Task.make("c", (ctx) =>
          Effect.all({
            a: ctx.untyped.get("a.__result__"),
            bExists: ctx.untyped.exists("b.__result__"),
            b: ctx.untyped.get("b.__result__", "DEFAULT"),
            keys: ctx.untyped.keys()
          }))
        const out = yield* Workflow.run(Workflow.make("results", Workflow.chain(a, b, c)))
        assert.deepStrictEqual(out.results.c, { a: { n: 1 }, bExists: true, b: undefined, keys: [] })
        expect(out.channel).toEqual({})
      }).pipe(provide))

    test("a list result of voids is stored as JSON stores it, null for each, and read back so everywhere", () =>
      Effect.gen(function*() {
        const both = Task.make("both", () => Effect.all([Effect.void, Effect.void]))
        const mixed = Task.make("mixed", () => Effect.all([Effect.succeed(1), Effect.void]))
        const reader = Task.make("reader", { after: [both, mixed] }, (ctx) =>
          Effect.all({ both: ctx.getResult("both"), mixed: ctx.getResult("mixed"), raw: ctx.untyped.get("both.__result__") }))
        const out = yield* Workflow.run(Workflow.make("voids", Workflow.chain(Workflow.parallel(both, mixed), reader)))
        assert.deepStrictEqual(out.results.both, [null, null])
        assert.deepStrictEqual(out.results.mixed, [1, null])
        assert.deepStrictEqual(out.results.reader, { both: [null, null], mixed: [1, null], raw: [null, null] })
        // deeper, an undefined list item is refused, as in a channel value: the task fails naming the path
        // (`unknown` hides it from the compile-time check, which reports it too: type-tests/second-pass.test-d.ts)
        const deep = Task.make("deep", (): unknown => ({ found: [1, undefined] }))
        const error = yield* Effect.flip(Workflow.run(Workflow.make("deep", deep)))
        expect(error).toMatchObject({ _tag: "TaskFailed", taskId: "deep", cause: { _tag: "InvalidValueError", key: "deep.__result__" } })
        if (error._tag === "TaskFailed" && error.cause._tag === "InvalidValueError") expect(error.cause.issues[0]?.path).toEqual(["found", 1])
      }).pipe(provide))

    test("a write to a key the workflow's schema types is checked in every task, through any view; nothing wrong is written", () =>
      Effect.gen(function*() {
        const Totals = Channel.schema({ total: Schema.Int, logs: Schema.Array(Schema.String) })
        // The write's error, as data (the task's result).
        const attempts = (write: (ctx: Task.Context<{}, {}, never, never>) => Effect.Effect<unknown, ChannelError.ChannelError | ChannelError.InvalidValueError | ChannelError.WrongTypeError | ChannelError.ReservedKeyError | ChannelError.InvalidTtlError>) =>
          Task.make("write", (ctx) =>
            Effect.map(Effect.flip(write(ctx)), (error) => ({
              _tag: error._tag,
              key: "key" in error ? error.key : "",
              paths: "issues" in error ? error.issues.map((issue) => issue.path.join(".")) : [],
              message: error.message
            })))
        const run = <A>(task: Task.Task<"write", A, never, never, Task.NoIo>) =>
          Workflow.run(Workflow.make("guarded", { channels: Totals, initial: { total: 1, logs: ["start"] } }, task))
        const refused = [
          (ctx: Task.Context<{}, {}, never, never>) => ctx.untyped.set("total", "many"),
          (ctx: Task.Context<{}, {}, never, never>) => ctx.untyped.set("total", 1.5),
          (ctx: Task.Context<{}, {}, never, never>) => ctx.untyped.append("logs", 7),
          (ctx: Task.Context<{}, {}, never, never>) => ctx.untyped.prepend("logs", { not: "a string" }),
          (ctx: Task.Context<{}, {}, never, never>) => ctx.typedChannel(Schema.String).set("total", "many"),
          (ctx: Task.Context<{}, {}, never, never>) => ctx.typedChannel(Schema.Number).set("total", 2.5),
          (ctx: Task.Context<{}, {}, never, never>) => ctx.untyped.atomicAdd("total", 0.5)
        ]
        for (const write of refused) {
          const out = yield* run(attempts(write))
          expect(out.results.write).toMatchObject({ _tag: "InvalidValueError", key: expect.stringMatching(/^(total|logs)$/) })
          // nothing was written: the channel is as it began
          assert.deepStrictEqual(out.channel, { total: 1, logs: ["start"] })
        }
        const { results } = yield* run(attempts((ctx) => ctx.untyped.append("logs", 7)))
        // the path of the element in the one-element list the schema checked, and the key, in words
        assert.deepStrictEqual(results.write.paths, ["0"])
        expect(results.write.message).toContain(`"logs"`)
        // writes of the key's type go through, and keys the schema does not declare take any JSON
        const fine = Task.make("write", (ctx) =>
          Effect.all([
            ctx.untyped.set("total", 2),
            ctx.untyped.append("logs", "more"),
            ctx.typedChannel(Schema.Number).set("total", 3),
            ctx.untyped.atomicAdd("total", 1),
            ctx.untyped.set("notes", { free: ["form"] })
          ]))
        const out = yield* run(fine)
        assert.deepStrictEqual(out.channel, { total: 4, logs: ["start", "more"], notes: { free: ["form"] } })
      }).pipe(provide))

    test("Task.forEach over a list known only at run time: the tasks run in a group, their results read through the task values", () =>
      Effect.gen(function*() {
        const sources: ReadonlyArray<string> = ["api", "db", "files"].filter((source) => source.length > 0)
        const fetchers = Task.forEach(sources, (id) => Task.make(id, () => id.length))
        const total = Task.make("total", (ctx) =>
          Effect.map(Effect.forEach(fetchers, (task) => ctx.lookupResult(task)), (lengths) => lengths.reduce((a, b) => a + b, 0)))
        const out = yield* Workflow.run(Workflow.make("fan-out", Workflow.chain(Workflow.parallel(...fetchers), total)))
        assert.strictEqual(out.results.total, 10)
        assert.deepStrictEqual(Workflow.resultOf(out, fetchers[1]!), Option.some(2))
      }).pipe(provide))

    test("a plain return value is the result, like an Effect's success", () =>
      Effect.gen(function*() {
        const plain = Task.make("plain", () => [1, 2, 3])
        const sum = Task.make("sum", { after: [plain] }, (ctx) =>
          Effect.map(ctx.getResult("plain"), (xs) => xs.reduce((a, b) => a + b, 0)))
        const out = yield* Workflow.run(Workflow.make("plain", Workflow.chain(plain, sum)))
        assert.strictEqual(out.results.sum, 6)
      }).pipe(provide))

    test("N parallel tasks appending to one list leave N items", () =>
      Effect.gen(function*() {
        const members = Array.from({ length: 50 }, (_, i) =>
          Task.make(`m${i}`, (ctx) => ctx.untyped.append("collected", i, { ttl: "1 hour" })))
        const [first, ...rest] = members
        const flow = Workflow.parallel(first!, ...rest)
        const out = yield* Workflow.run(Workflow.make("fanout", flow))
        const collected = out.channel["collected"] as ReadonlyArray<number>
        assert.deepStrictEqual([...collected].sort((x, y) => x - y), members.map((_, i) => i))
      }).pipe(provide))

    test("a diamond's join runs once, after both branches", () =>
      Effect.gen(function*() {
        const top = Task.make("top", (ctx) => ctx.untyped.append("log", "top"))
        const left = Task.make("left", (ctx) => ctx.untyped.append("log", "left"))
        const right = Task.make("right", (ctx) => ctx.untyped.append("log", "right"))
        const sink = Task.make("sink", { after: [left, right] }, (ctx) =>
          Effect.gen(function*() {
            yield* ctx.untyped.append("log", "sink")
            return (yield* ctx.getResult("left")) + (yield* ctx.getResult("right"))
          }))
        const out = yield* Workflow.run(
          Workflow.make("diamond", Workflow.chain(top, Workflow.parallel(left, right), sink))
        )
        const log = out.channel["log"] as ReadonlyArray<string>
        assert.strictEqual(log.length, 4)
        assert.strictEqual(log[0], "top")
        assert.strictEqual(log[3], "sink")
        assert.deepStrictEqual([...log.slice(1, 3)].sort(), ["left", "right"])
      }).pipe(provide))

    test("parallel members run concurrently: they can meet each other", () =>
      Effect.gen(function*() {
        const arrivedA = yield* Deferred.make<void>()
        const arrivedB = yield* Deferred.make<void>()
        const a = Task.make("a", () =>
          Deferred.succeed(arrivedA, undefined).pipe(Effect.andThen(Deferred.await(arrivedB)), Effect.as("a")))
        const b = Task.make("b", () =>
          Deferred.succeed(arrivedB, undefined).pipe(Effect.andThen(Deferred.await(arrivedA)), Effect.as("b")))
        const out = yield* Workflow.run(Workflow.make("meet", Workflow.parallel(a, b)))
        assert.deepStrictEqual(out.results, { a: "a", b: "b" })
      }).pipe(provide))

    test("a failing task fails the run with TaskFailed naming it; later tasks do not run", () =>
      Effect.gen(function*() {
        class FetchError extends Schema.TaggedError<FetchError>()("FetchError", { source: Schema.String }) {}
        const ran = yield* Ref.make<ReadonlyArray<string>>([])
        const mark = (id: string) => Ref.update(ran, (xs) => [...xs, id])
        const first = Task.make("first", () => mark("first"))
        const boom = Task.make("boom", () => mark("boom").pipe(Effect.andThen(new FetchError({ source: "api" }))))
        const after = Task.make("after", () => mark("after"))
        const workflow = Workflow.make("failing", Workflow.chain(first, boom, after))
        const error = yield* Effect.flip(Workflow.run(workflow))
        assert.strictEqual(error._tag, "TaskFailed")
        if (error._tag !== "TaskFailed") return
        assert.strictEqual(error.taskId, "boom")
        assert.instanceOf(error.cause, FetchError)
        expect(error.message).toContain("boom")
        assert.deepStrictEqual(yield* Ref.get(ran), ["first", "boom"])
      }).pipe(provide))

    test("with failFast, a failing parallel member interrupts its running siblings cleanly", () =>
      Effect.gen(function*() {
        const started = yield* Deferred.make<void>()
        const interrupted = yield* Deferred.make<void>()
        const slow = Task.make("slow", () =>
          Deferred.succeed(started, undefined).pipe(
            Effect.andThen(Effect.never),
            Effect.onInterrupt(() => Deferred.succeed(interrupted, undefined))
          ))
        const bad = Task.make("bad", () => Deferred.await(started).pipe(Effect.andThen(Effect.fail("bad" as const))))
        const group = Workflow.parallelWith({ policy: "strict", failFast: true }, slow, bad)
        const exit = yield* Effect.exit(Workflow.run(Workflow.make("group", group)))
        assert.isTrue(Exit.isFailure(exit))
        assert.isTrue(yield* Deferred.isDone(interrupted))
      }).pipe(provide))

    test("a failing strict member lets its siblings finish: their work is kept and reported", () =>
      Effect.gen(function*() {
        const failed = yield* Deferred.make<void>()
        // "slow" finishes only after "bad" has failed: a fail-fast group would have interrupted it.
        const slow = Task.make("slow", (ctx) =>
          Deferred.await(failed).pipe(Effect.andThen(ctx.untyped.append("done", "slow")), Effect.as("slow ok")))
        const bad = Task.make("bad", () =>
          Effect.fail("bad" as const).pipe(Effect.ensuring(Deferred.succeed(failed, undefined))))
        const group = Workflow.parallel(slow, bad)
        const error = yield* Effect.flip(Workflow.run(Workflow.make("group", group), { runId: "r", retention: "keep" }))
        assert.strictEqual(error._tag, "ParallelGroupError")
        if (error._tag !== "ParallelGroupError") return
        expect(error.members.map((m) => [m.tasks, m.outcome])).toEqual([[["slow"], "succeeded"], [["bad"], "failed"]])
        expect(error.message).toContain("1 of 2 members failed (1 succeeded)")
        const kept = yield* Effect.scoped(Effect.gen(function*() {
          const channel = yield* Channel.open(Workflow.namespace("group", "r"))
          return { done: yield* channel.get("done"), result: yield* channel.get("slow.__result__") }
        }))
        assert.deepStrictEqual(kept, { done: ["slow"], result: "slow ok" })
      }).pipe(provide))

    test("a member's end as its group takes it: failure, defect, throw, a failure with a defect, interruption, at once or later", () =>
      Effect.gen(function*() {
        const ok = Task.make("ok", () => "fine")
        const later = <A, E>(effect: Effect.Effect<A, E>) => Effect.andThen(Effect.yieldNow, effect)
        const runGroup = (member: Task.Any) =>
          Effect.exit(Workflow.run(Workflow.make("ends", Workflow.parallel(ok, member as Task.Task<"m", unknown>))))
        const groupError = (exit: Exit.Exit<unknown, unknown>) => {
          assert.isTrue(Exit.isFailure(exit))
          if (!Exit.isFailure(exit)) return undefined
          const error = Cause.findErrorOption(exit.cause)
          assert.isTrue(Option.isSome(error))
          return Option.getOrUndefined(error)
        }
        for (const body of [() => Effect.fail("boom" as const), () => later(Effect.fail("boom" as const))]) {
          // A failure: the group's policy takes it, the member's error is the task's failure.
          const error = groupError(yield* runGroup(Task.make("m", body)))
          assert.strictEqual(Reflect.get(error ?? {}, "_tag"), "ParallelGroupError")
          const members: ReadonlyArray<{ readonly outcome: string; readonly error?: unknown }> = Reflect.get(error ?? {}, "members")
          expect(members.map((m) => m.outcome)).toEqual(["succeeded", "failed"])
          expect(members[1]?.error).toMatchObject({ _tag: "TaskFailed", taskId: "m", cause: "boom", attempts: 1 })
          // Under best-effort the run goes on without the member's result.
          const out = yield* Workflow.run(Workflow.make("ends", Workflow.parallelWith({ policy: "best-effort" }, ok, Task.make("m", body))))
          assert.deepStrictEqual(out.results, { ok: "fine" })
        }
        const defects = (exit: Exit.Exit<unknown, unknown>) => {
          assert.isTrue(Exit.isFailure(exit))
          if (!Exit.isFailure(exit)) return []
          assert.isFalse(Cause.hasFails(exit.cause), "a defect is no failure a policy may take")
          return exit.cause.reasons.filter(Cause.isDieReason).map((reason) => reason.defect)
        }
        // A defect, at once or later, and a throw: the run dies with it.
        expect(defects(yield* runGroup(Task.make("m", () => Effect.die("dead"))))).toEqual(["dead"])
        expect(defects(yield* runGroup(Task.make("m", () => later(Effect.die("dead")))))).toEqual(["dead"])
        expect(defects(yield* runGroup(Task.make("m", (): number => {
          throw "thrown"
        })))).toEqual(["thrown"])
        // A cause with a failure and a defect: both are defects of the run.
        const both = Cause.combine(Cause.fail("failed too"), Cause.die("dead"))
        expect(defects(yield* runGroup(Task.make("m", () => Effect.failCause(both))))).toEqual(["failed too", "dead"])
        expect(defects(yield* runGroup(Task.make("m", () => later(Effect.failCause(both)))))).toEqual(["failed too", "dead"])
        // An interruption inside a member: the run is interrupted, not failed.
        for (const body of [() => Effect.interrupt, () => later(Effect.interrupt)]) {
          const exit = yield* runGroup(Task.make("m", body))
          assert.isTrue(Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause))
        }
        // The same ends of a task that retries (not called at once): the group sees the same.
        const retried = Task.make("m", { retry: { times: 1 } }, () => Effect.fail("boom" as const))
        const error = groupError(yield* runGroup(retried))
        const members: ReadonlyArray<{ readonly error?: unknown }> = Reflect.get(error ?? {}, "members")
        expect(members[1]?.error).toMatchObject({ _tag: "TaskFailed", taskId: "m", cause: "boom", attempts: 2 })
        expect(defects(yield* runGroup(Task.make("m", { retry: { times: 1 } }, () => Effect.failCause(both))))).toEqual(["failed too", "dead"])
      }).pipe(provide))

    test("fail fast: a member that fails when it starts stops the group before the next members start", () =>
      Effect.gen(function*() {
        const started: Array<string> = []
        const member = (id: string, fails: boolean) =>
          Task.make(id, () => {
            started.push(id)
            return fails ? Effect.fail("boom" as const) : Effect.succeed(id)
          })
        const group = Workflow.parallelWith({ policy: "strict", failFast: true }, member("a", false), member("b", true), member("c", false))
        const error = yield* Effect.flip(Workflow.run(Workflow.make("fast", group)))
        assert.strictEqual(error._tag, "ParallelGroupError")
        if (error._tag !== "ParallelGroupError") return
        // "a" has ended or is still storing its result (a write to Redis) when "b" fails; "c" never started.
        expect(["succeeded", "interrupted"]).toContain(error.members[0]!.outcome)
        expect(error.members.slice(1).map((m) => m.outcome)).toEqual(["failed", "interrupted"])
        assert.deepStrictEqual(started, ["a", "b"])
      }).pipe(provide))

    test("a result that is not JSON fails the task with InvalidValueError naming the key and path", () =>
      Effect.gen(function*() {
        // `unknown` hides the Date from the compile-time check: the run-time check is the one tested here.
        const dated = Task.make("dated", (): unknown => ({ at: new Date(0) }))
        const error = yield* Effect.flip(Workflow.run(Workflow.make("dated", dated)))
        assert.strictEqual(error._tag, "TaskFailed")
        if (error._tag !== "TaskFailed") return
        assert.strictEqual(error.taskId, "dated")
        const cause = error.cause
        assert.strictEqual(cause._tag, "InvalidValueError")
        if (cause._tag !== "InvalidValueError") return
        assert.strictEqual(cause.key, "dated.__result__")
        assert.deepStrictEqual(cause.issues[0]?.path, ["at"])
        expect(cause.message).toContain("result")
      }).pipe(provide))

    test("a result schema round-trips a result that JSON cannot hold", () =>
      Effect.gen(function*() {
        const Stamp = Schema.Struct({ at: Schema.Date, n: Schema.BigInt })
        const stamp = Task.make("stamp", { result: Stamp }, () => ({ at: new Date(86_400_000), n: 2n ** 64n }))
        const read = Task.make("read", { after: [stamp] }, (ctx) =>
          Effect.map(ctx.getResult("stamp"), (s) => ({ day: s.at.getTime() / 86_400_000, n: s.n.toString() })))
        const out = yield* Workflow.run(Workflow.make("stamps", Workflow.chain(stamp, read)))
        assert.deepStrictEqual(out.results.read, { day: 1, n: (2n ** 64n).toString() })
      }).pipe(provide))

    test("a result with a property its result schema does not declare fails the task, nothing stored", () =>
      Effect.gen(function*() {
        const wide = Task.make("wide", { result: Schema.Struct({ a: Schema.Number }) }, () => ({ a: 1, b: 2 }))
        const error = yield* Effect.flip(Workflow.run(Workflow.make("wide", wide), { runId: "w", retention: "keep" }))
        expect(error).toMatchObject({ _tag: "TaskFailed", taskId: "wide", cause: { _tag: "InvalidValueError", key: "wide.__result__" } })
        if (error._tag === "TaskFailed" && error.cause._tag === "InvalidValueError") expect(error.cause.issues[0]?.path).toEqual(["b"])
        const stored = yield* Effect.scoped(
          Effect.flatMap(Channel.open(Workflow.namespace("wide", "w")), (ch) => ch.exists("wide.__result__"))
        )
        assert.isFalse(stored)
        yield* Workflow.deleteRun("wide", "w")
      }).pipe(provide))

    test("lookupResult: an id that is not a task of the workflow is UnknownTaskError listing the ids", () =>
      Effect.gen(function*() {
        const fetch = Task.make("fetch", () => 1)
        const later = Task.make("later", () => 2)
        const report = Task.make("report", (ctx) =>
          Effect.all({
            unknown: Effect.flip(ctx.lookupResult("fecth")).pipe(
              Effect.map((e) => e._tag === "UnknownTaskError" ? { tag: e._tag, available: e.available } : e._tag)
            ),
            notYet: Effect.map(Effect.flip(ctx.lookupResult("later")), (e) => e._tag),
            fetched: ctx.lookupResult("fetch")
          }))
        const out = yield* Workflow.run(Workflow.make("lookup", Workflow.chain(fetch, report, later)))
        assert.deepStrictEqual(out.results.report, {
          fetched: 1,
          unknown: { tag: "UnknownTaskError", available: ["fetch", "report", "later"] },
          notYet: "ResultNotAvailableError"
        })
      }).pipe(provide))

    test("initial values are in the channel before the first task runs", () =>
      Effect.gen(function*() {
        const use = Task.make("use", { channels: Channels, reads: ["config"] }, (ctx) =>
          Effect.map(ctx.channel.get("config"), (c) => c.batchSize))
        const workflow = Workflow.make(
          "initial",
          { channels: Channels, initial: { config: { batchSize: 7 } } },
          use
        )
        const out = yield* Workflow.run(workflow)
        assert.strictEqual(out.results.use, 7)
      }).pipe(provide))

    test("a task's service requirement is the run's; providing it runs the task", () =>
      Effect.gen(function*() {
        const greet = Task.make("greet", () => Greeting.use((g) => Effect.succeed(g.greet("Ada"))))
        const out = yield* Workflow.run(Workflow.make("greet", greet)).pipe(
          Effect.provide(Layer.succeed(Greeting, { greet: (name) => `hello ${name}` }))
        )
        assert.strictEqual(out.results.greet, "hello Ada")
      }).pipe(provide))

    test("a task that needs a Scope has the caller's: what it acquires is released when the caller's scope closes", () =>
      Effect.gen(function*() {
        const log: Array<string> = []
        const hold = Task.make("hold", { retry: { times: 1 } }, (ctx) =>
          Effect.gen(function*() {
            yield* Effect.acquireRelease(Effect.sync(() => log.push(`acquire ${ctx.attempt}`)), () => Effect.sync(() => log.push(`release ${ctx.attempt}`)))
            if (ctx.attempt === 1) return yield* Effect.fail("again" as const)
            return ctx.attempt
          }))
        const after = Task.make("after", { after: [hold] }, () => Effect.sync(() => log.push("after")))
        const workflow = Workflow.make("scoped", Workflow.chain(hold, after))
        const out = yield* Effect.scoped(Effect.tap(Workflow.run(workflow), () => Effect.sync(() => log.push("ran"))))
        assert.strictEqual(out.results.hold, 2)
        assert.deepStrictEqual(log, ["acquire 1", "acquire 2", "after", "ran", "release 2", "release 1"])
        // The same in a sub-workflow's tasks, whether its run is a plain one or a durable one (a durable outer run).
        for (const durable of [false, true]) {
          log.length = 0
          const inner = Workflow.make("scoped-inner", Task.make("held", () => Effect.asVoid(Effect.acquireRelease(Effect.sync(() => log.push("acquire")), () => Effect.sync(() => log.push("release"))))))
          const outer = Workflow.make("scoped-outer", Workflow.chain(Task.workflow("sub", inner), Task.make("then", () => Effect.sync(() => log.push("then")))))
          yield* Effect.scoped(Effect.tap(Workflow.run(outer, durable ? { runId: "d", durable: true } : {}), () => Effect.sync(() => log.push("ran"))))
          assert.deepStrictEqual(log, ["acquire", "then", "ran", "release"], durable ? "durable" : "plain")
        }
      }).pipe(provide))

    test("task templates bind parameters per instance (seed: collecting parallel results)", () =>
      Effect.gen(function*() {
        const fetchData = Task.template((ctx, params: { readonly source: string }) =>
          Effect.gen(function*() {
            const data = `Data from ${params.source}`
            yield* ctx.untyped.append("fetch_results", data, { ttl: "1 hour" })
            return data
          }))
        const flow = Workflow.parallel(
          fetchData("fetch_a", { source: "api" }),
          fetchData("fetch_b", { source: "db" }),
          fetchData("fetch_c", { source: "cache" })
        )
        const out = yield* Workflow.run(Workflow.make("collect_results", flow))
        assert.strictEqual(out.results.fetch_b, "Data from db")
        const collected = out.channel["fetch_results"] as ReadonlyArray<string>
        assert.deepStrictEqual([...collected].sort(), ["Data from api", "Data from cache", "Data from db"])
      }).pipe(provide))

    test("two runs of one workflow on one backend never see each other's keys", () =>
      Effect.gen(function*() {
        const gate = yield* Deferred.make<void>()
        const write = Task.make("write", (ctx) =>
          Effect.gen(function*() {
            const count = yield* ctx.untyped.atomicAdd("count", 1)
            yield* Deferred.await(gate)
            return { count, keys: yield* ctx.untyped.keys() }
          }))
        const workflow = Workflow.make("isolated", write)
        const first = yield* Workflow.run(workflow).pipe(Effect.forkChild)
        const second = yield* Workflow.run(workflow).pipe(Effect.forkChild)
        yield* Effect.yieldNow
        yield* Deferred.succeed(gate, undefined)
        const a = yield* Fiber.join(first)
        const b = yield* Fiber.join(second)
        assert.deepStrictEqual(a.results.write, { count: 1, keys: ["count"] })
        assert.deepStrictEqual(b.results.write, { count: 1, keys: ["count"] })
        assert.notStrictEqual(a.runId, b.runId)
      }).pipe(provide))

    test("distinct (workflow, run id) pairs never share a namespace, whatever the names hold", () =>
      Effect.gen(function*() {
        const mark = (label: string) =>
          Task.make("mark", (ctx) =>
            Effect.gen(function*() {
              yield* ctx.untyped.append("seen", label)
              return yield* ctx.untyped.get("seen")
            }))
        const pairs = [["a/b", "c"], ["a", "b/c"], ["a%2Fb", "c"], ["a", "b%2Fc"], ["a/", "b"], ["a", "/b"]] as const
        const outs = yield* Effect.forEach(pairs, ([workflow, runId]) =>
          Workflow.run(Workflow.make(workflow, mark(`${workflow}|${runId}`)), { runId, retention: "keep" }))
        for (const [i, [workflow, runId]] of pairs.entries()) {
          assert.deepStrictEqual(outs[i]!.results.mark, [`${workflow}|${runId}`])
        }
        expect(new Set(pairs.map(([w, r]) => Workflow.namespace(w, r))).size).toBe(pairs.length)
        assert.strictEqual(Workflow.namespace("a/b", "c"), "a%2Fb/c")
        assert.strictEqual(Workflow.namespace("a", "b/c"), "a/b%2Fc")
        yield* Effect.forEach(pairs, ([workflow, runId]) => Workflow.deleteRun(workflow, runId))
      }).pipe(provide))

    test("a run's retention: \"delete\" leaves nothing, \"keep\" keeps results and keys until deleteRun", () =>
      Effect.gen(function*() {
        const write = Task.make("write", (ctx) => Effect.as(ctx.untyped.set("k", "v"), 42))
        const workflow = Workflow.make("retained", write)
        const contents = (runId: string) =>
          Effect.scoped(Effect.gen(function*() {
            const channel = yield* Channel.open(Workflow.namespace(workflow, runId))
            return { keys: yield* channel.keys(), result: yield* channel.get("write.__result__", "none") }
          }))
        const deleted = yield* Workflow.run(workflow, { runId: "d", retention: "delete" })
        assert.strictEqual(deleted.results.write, 42)
        assert.deepStrictEqual(yield* contents("d"), { keys: [], result: "none" })
        yield* Workflow.run(workflow, { runId: "k", retention: "keep" })
        assert.deepStrictEqual(yield* contents("k"), { keys: ["k"], result: 42 })
        yield* Workflow.deleteRun(workflow, "k")
        assert.deepStrictEqual(yield* contents("k"), { keys: [], result: "none" })
      }).pipe(provide))

    test("a run started again with the same id starts from the initial values: nothing its predecessor left", () =>
      Effect.gen(function*() {
        const Channels = Channel.schema({ log: Schema.Array(Schema.String), seen: Schema.String })
        const step = Task.make("step", { channels: Channels, reads: ["log"], writes: ["log", "seen"] }, (ctx) =>
          Effect.gen(function*() {
            const before = yield* ctx.channel.get("seen", "nothing")
            yield* ctx.channel.append("log", "ran")
            yield* ctx.channel.set("seen", "a previous run")
            return { before, log: yield* ctx.channel.get("log") }
          }))
        const workflow = Workflow.make("again", { channels: Channels, initial: { log: [] } }, step)
        for (const retention of ["keep", { expireAfter: "1 hour" }] as const) {
          const first = yield* Workflow.run(workflow, { runId: "same", retention })
          const second = yield* Workflow.run(workflow, { runId: "same", retention })
          // Not appended to the first run's list, not reading its value: each run as if it were the first.
          assert.deepStrictEqual(first.results.step, { before: "nothing", log: ["ran"] })
          assert.deepStrictEqual(second.results.step, { before: "nothing", log: ["ran"] })
          yield* Workflow.deleteRun(workflow, "same")
        }
      }).pipe(provide))

    test("a failed run's namespace gets its retention too", () =>
      Effect.gen(function*() {
        const boom = Task.make("boom", (ctx) => Effect.andThen(ctx.untyped.set("k", 1), Effect.fail("no" as const)))
        const workflow = Workflow.make("failed-retention", boom)
        yield* Effect.flip(Workflow.run(workflow, { runId: "r", retention: "delete" }))
        const keys = yield* Effect.scoped(Effect.flatMap(Channel.open(Workflow.namespace(workflow, "r")), (ch) => ch.keys()))
        assert.deepStrictEqual(keys, [])
      }).pipe(provide))

    test("error messages never throw: a failure holding a bigint or a cycle prints through Cause.pretty", () =>
      Effect.gen(function*() {
        const cyclic: { self?: unknown; amount: bigint } = { amount: 10n }
        cyclic.self = cyclic
        const money = Task.make("money", () => Effect.fail({ amount: 10n }))
        const loop = Task.make("loop", () => Effect.fail(cyclic))
        for (const workflow of [Workflow.make("money", money), Workflow.make("group", Workflow.parallel(money, loop))]) {
          const exit = yield* Effect.exit(Workflow.run(workflow))
          assert.isTrue(Exit.isFailure(exit))
          if (!Exit.isFailure(exit)) return
          const pretty = Cause.pretty(exit.cause)
          expect(pretty).toContain("10n")
          const error = Cause.findErrorOption(exit.cause)
          assert.isTrue(Option.isSome(error))
          if (Option.isSome(error)) expect(error.value.message).toContain("money")
        }
      }).pipe(provide))

    test("task ids are data: \"__proto__\" and \"constructor\" are ordinary ids", () =>
      Effect.gen(function*() {
        const proto = Task.make("__proto__", () => "p")
        const ctor = Task.make("constructor", { after: [proto] }, (ctx) => ctx.getResult("__proto__"))
        const out = yield* Workflow.run(Workflow.make("odd-ids", Workflow.chain(proto, ctor)))
        assert.strictEqual(Object.getPrototypeOf(out.results), Object.prototype)
        assert.isTrue(Object.hasOwn(out.results, "__proto__"))
        assert.strictEqual(out.results.constructor, "p")
      }).pipe(provide))

    test("a decode failure of stored data is a typed error, never a silent default", () =>
      Effect.gen(function*() {
        // Data another writer left (the run's own views check writes against the schema): the namespace opened directly.
        const corrupt = Task.make("corrupt", (ctx) =>
          Effect.flatMap(Channel.open(Workflow.namespace(ctx.workflow, ctx.runId)), (raw) => raw.set("total_processed", "many")))
        const read = Task.make("read", { channels: Channels, reads: ["total_processed"] }, (ctx) =>
          ctx.channel.get("total_processed", 0))
        const workflow = Workflow.make(
          "corrupt",
          { channels: Channels, initial: { total_processed: 0 } },
          Workflow.chain(corrupt, read)
        )
        const error = yield* Effect.flip(Workflow.run(workflow))
        assert.strictEqual(error._tag, "TaskFailed")
        if (error._tag !== "TaskFailed") return
        assert.strictEqual(error.taskId, "read")
        assert.strictEqual(error.cause._tag, "ChannelDecodeError")
      }).pipe(provide))
  })
}
