/**
 * Issue 17, item by item: the invalid programs that compiled do not, the valid
 * programs that were rejected compile (with the types they read back), and
 * the mistakes' errors lead with what to do (their words: test/type-messages.test.ts).
 */
import { Effect, Option, Schema } from "effect"
import { expectError, expectType } from "tsd"
import { Channel, type ChannelError, Task, Workflow, type WorkflowError } from "effect-graflow"
import * as Distributed from "effect-graflow/Distributed"

class Boom extends Schema.TaggedError<Boom>()("Boom", { n: Schema.Number }) {}
class Other extends Schema.TaggedError<Other>()("Other", { s: Schema.String }) {}

// ---------------------------------------------------------------------------
// invalid programs that compiled
// ---------------------------------------------------------------------------

// an `error` schema must describe what the body fails with (the engine's own errors aside)
expectError(Task.make("other", { error: Boom }, () => Effect.fail(new Other({ s: "x" }))))
expectError(Task.make("text", { error: Boom }, () => Effect.fail("declined")))
expectError(Task.template({ error: Boom }, (_ctx, n: number) => n > 0 ? Effect.succeed(n) : Effect.fail(new Other({ s: "x" }))))
const described = Task.make("described", { error: Boom }, () => Effect.fail(new Boom({ n: 1 })))
expectType<Task.Task<"described", never, Boom, never, Task.DeclaredIo<never, never, never, never, {}, never, never, never, never, never, never>>>(described)
// a schema of several errors, a body that also fails with the channel's errors, a plain value: all described
const Errors = Schema.Union([Boom, Other])
Task.make("either", { error: Errors }, () => Math.random() > 0.5 ? Effect.fail(new Boom({ n: 1 })) : Effect.fail(new Other({ s: "x" })))
Task.make("channelToo", { error: Boom }, (ctx) => Effect.andThen(ctx.untyped.set("k", 1), Effect.fail(new Boom({ n: 2 }))))
Task.make("plain", { error: Boom }, () => 1)

// two Task.input tasks in one workflow
expectError(Workflow.make("two", Workflow.chain(Task.input("order", Schema.String), Task.input("customer", Schema.Number))))
const order = Task.input("order", Schema.Struct({ id: Schema.String, amount: Schema.Number }))
const orders = Workflow.make("orders", order)
expectType<Workflow.Workflow<"orders", { readonly order: { readonly id: string; readonly amount: number } }, WorkflowError.TaskFailed<"order", ChannelError.ChannelError | ChannelError.InvalidValueError>, never, {}, { readonly id: string; readonly amount: number }, never>>(orders)

// a local task that is not one of the workflow's
const a = Task.make("a", () => 1)
const stranger = Task.make("stranger", () => 2)
const small = Workflow.make("small", a)
expectError(Distributed.run(small, { local: [stranger] }))
Distributed.run(small, { local: [a] })
expectError(Distributed.resume(small, "checkpoint-1", { local: [stranger] }))

// an excess property in a fresh run-input literal (a field of no member of a union input either)
expectError(Workflow.run(orders, { input: { id: "o-1", amount: 1, extra: true } }))
Workflow.run(orders, { input: { id: "o-1", amount: 1 } })
expectError(Distributed.run(orders, { input: { id: "o-1", amount: 1, extra: true } }))
const claim = Task.input("claim", Schema.Union([Schema.Struct({ kind: Schema.Literal("refund"), amount: Schema.Number }), Schema.Struct({ kind: Schema.Literal("question"), text: Schema.String })]))
const claims = Workflow.make("claims", claim)
Workflow.run(claims, { input: { kind: "refund", amount: 1 } })
expectError(Workflow.run(claims, { input: { kind: "refund", amount: 1, note: "x" } }))

// a typed key written with another type through the untyped channel or a view of another type
const Channels = Channel.schema({ total: Schema.Number, logs: Schema.Array(Schema.String) })
expectError(Task.make("untyped", { channels: Channels, writes: ["total"] }, (ctx) => ctx.untyped.set("total", "many")))
expectError(Task.make("untypedList", { channels: Channels, writes: ["logs"] }, (ctx) => ctx.untyped.append("logs", 1)))
expectError(Task.make("view", { channels: Channels, writes: ["total"] }, (ctx) => ctx.typedChannel(Schema.String).set("total", "many")))
// the same keys with their own types, and any other key, are fine
Task.make("untypedOk", { channels: Channels, writes: ["total"] }, (ctx) =>
  Effect.all([ctx.untyped.set("total", 2), ctx.untyped.append("logs", "a"), ctx.untyped.set("notes", { any: "json" })]))
Task.make("viewOk", { channels: Channels, writes: ["total"] }, (ctx) =>
  Effect.all([ctx.typedChannel(Schema.Number).set("total", 2), ctx.typedChannel(Schema.String).set("label", "x")]))
// a task without a schema has the untyped channel of before (the run checks it against the workflow's schema)
Task.make("free", (ctx) => ctx.untyped.set("total", "many"))

// a task id ending in `.__result__`: the workflow does not compile (`Task.make` throws; a check there would
// reject every helper with a generic id, `<I extends string>(id: I) => Task.make(id, …)`)
expectError(Workflow.make("suffix", Task.make("fetch.__result__", () => 1)))
const helperWithId = <I extends string>(id: I) => Task.make(id, () => 1)
expectType<Task.Task<"x", number>>(helperWithId("x"))

// ---------------------------------------------------------------------------
// valid programs that were rejected
// ---------------------------------------------------------------------------

// Task.forEach over a list known only at run time, spread into a group with no fixed first member
declare const sources: ReadonlyArray<string>
const fetchers = Task.forEach(sources, (id) => Task.make(id, () => id.length))
expectType<ReadonlyArray<Task.FromAList<string, number>>>(fetchers)
const fanOut = Workflow.make("fanOut", Workflow.parallel(...fetchers))
Workflow.make("inOrder", Workflow.chain(...fetchers))
Effect.runPromise(Workflow.run(fanOut))
// their results are read through the task values; getResult says so
const total = Task.make("total", (ctx) => Effect.forEach(fetchers, (task) => ctx.lookupResult(task)))
expectType<Array<number>>(null! as Task.Result<typeof total>)
Workflow.make("summed", Workflow.chain(Workflow.parallel(...fetchers), total))
expectError(Task.make("byId", { after: fetchers }, (ctx) => ctx.getResult("api")))
// a list made with map is still refused (write the ids `as const` and use Task.forEach, or map at run time)
expectError(Workflow.parallel(...sources.map((id) => Task.make(id, () => 1))))
// with the ids `as const`, each task has its id and type
const named = Task.forEach(["api", "db"] as const, (id) => Task.make(id, () => id.length))
expectType<readonly [Task.Task<"api", number>, Task.Task<"db", number>]>(named)

// a body returning a tuple of void: stored as JSON stores it, and typed so
const both = Task.make("both", () => Effect.all([Effect.void, Effect.void]))
const each = Task.make("each", () => Effect.forEach([1, 2], () => Effect.void))
const mixed = Task.make("mixed", () => Effect.all([Effect.succeed(1), Effect.void]))
const voids = Workflow.make("voids", Workflow.chain(both, each, mixed))
Effect.map(Workflow.run(voids), (out) => {
  expectType<[null, null]>(out.results.both)
  expectType<Array<null>>(out.results.each)
  expectType<[number, null]>(out.results.mixed)
})
// deeper, `undefined` in a list is still reported (a channel value's rule)
expectError(Workflow.make("deep", Task.make("deep", () => ({ found: [1, undefined] }))))

// a generic body
const constant = <A>(id: "const", value: A) => Task.make(id, () => value)
expectType<number>(null! as Task.Result<ReturnType<typeof constant<number>>>)
Workflow.make("constant", constant("const", 1))
// …whose Promise is reported where its type is known
expectError(Workflow.make("promised", constant("const", Promise.resolve(1))))

// a helper that takes any task returning a number (Task.Task<string, number> is a task of a computed id)
const twice = <D extends Task.Returning<number>>(dep: D) => Workflow.chain(dep, Task.make("twice", () => 2))
Workflow.make("helped", twice(Task.make("count", () => Effect.succeed(21))))
Workflow.make("helpedFailing", twice(Task.make("countOrFail", () => Math.random() > 0.5 ? Effect.succeed(1) : Effect.fail("no" as const))))
expectError(twice(Task.make("text", () => "one")))

// ---------------------------------------------------------------------------
// runs: what the options need, and what a possibly suspended run gives
// ---------------------------------------------------------------------------

expectError(Workflow.run(orders))
expectError(Workflow.run(orders, {}))
expectError(Workflow.run(orders, { input: { id: "o-1", amount: 1 }, durable: true }))
Workflow.run(orders, { input: { id: "o-1", amount: 1 }, durable: true, runId: "o-1" })
expectError(Workflow.run(small, { input: 1 }))
expectError(Workflow.run(small, { durable: true }))
expectError(Distributed.run(orders))
Workflow.run(small)
Distributed.run(small)
// a durable run adds the journal's errors; a plain one does not
const plainRun = Workflow.run(small)
expectType<never>(null! as Extract<Effect.Error<typeof plainRun>, WorkflowError.RunLeaseLostError | WorkflowError.CheckpointStoreError>)
const durableRun = Workflow.run(small, { durable: true, runId: "r-1" })
expectType<WorkflowError.CheckpointStoreError>(null! as Extract<Effect.Error<typeof durableRun>, WorkflowError.CheckpointStoreError>)

const review = Task.make("review", { awaits: { approval: Schema.Boolean } }, (ctx) => ctx.waitFor("approval"))
const release = Workflow.make("release", review)
Effect.map(Workflow.run(release), (out) => {
  expectError(out.results.review)
  if (out.status === "suspended") {
    expectType<Workflow.Suspended_NarrowOnOutStatusBeforeReadingResults<"approval">>(out)
    return Option.none()
  }
  expectType<boolean>(out.results.review)
  return Option.some(out.results.review)
})
