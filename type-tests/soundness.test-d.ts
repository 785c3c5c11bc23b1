/**
 * Issue 8, class by class: the invalid workflows that used to compile do not,
 * the valid programs that used to be rejected compile, and the run's error,
 * services and results say what they are.
 */
import { Context, Effect, Option, Schema } from "effect"
import { expectAssignable, expectError, expectType } from "tsd"
import { Channel, type ChannelError, Task, Workflow, type WorkflowError } from "effect-graflow"

declare const flag: boolean
declare const computedId: string

// ---------------------------------------------------------------------------
// 1. ids and result types
// ---------------------------------------------------------------------------

const fetchNumber = Task.make("fetch", () => 1)
const fetchText = Task.make("fetch", () => "one")
const readsNumber = Task.make("readsNumber", { after: [fetchNumber] }, (ctx) => ctx.getResult("fetch"))

// the same id with the same result type: the reader runs
const sameId = Workflow.make("same", Workflow.chain(fetchNumber, readsNumber))
Effect.map(Workflow.run(sameId), (out) => expectType<number>(out.results.readsNumber))
// another task of that id, with another result type, does not meet the need
expectError(Workflow.make("other", Workflow.chain(fetchText, readsNumber)))

// a union id is rejected; a task of a computed id meets no literal need
expectError(Workflow.make("union", Task.make(flag ? "a" : "b", () => 1)))
const computedTask = Task.make(computedId, () => 1)
expectError(Workflow.make("computed", Workflow.chain(computedTask, readsNumber)))
// a computed-id task before a literal one is no duplicate
const afterComputed = Workflow.make("computedThenLiteral", Workflow.chain(computedTask, fetchNumber, readsNumber))
Effect.map(Workflow.run(afterComputed), (out) => expectType<number>(out.results.fetch))
// an id with the result-key suffix is rejected
expectError(Workflow.make("suffix", Task.make("x.__result__", () => 1)))

// ---------------------------------------------------------------------------
// 2. arrays of flows
// ---------------------------------------------------------------------------

class Db extends Context.Service<Db, { readonly rows: number }>()("Db") {}
const first = Task.make("first", () => 0)
declare const rest: ReadonlyArray<Task.Task<string, number, "db down", Db>>
const spread = Workflow.make("spread", Workflow.chain(first, ...rest))
const spreadRun = Workflow.run(spread)
// the array's services and errors count
expectType<Db>(null! as Effect.Services<typeof spreadRun>)
expectAssignable<Effect.Error<typeof spreadRun>>(
  null! as WorkflowError.TaskFailed<string, "db down" | ChannelError.InvalidValueError | ChannelError.ChannelError>
)
expectError(Effect.runPromise(spreadRun))
// a need inside the array counts
declare const readers: ReadonlyArray<typeof readsNumber>
expectError(Workflow.make("arrayNeeds", Workflow.chain(first, ...readers)))
Workflow.make("arrayNeedsMet", Workflow.chain(fetchNumber, ...readers))
// an array's results are not certain: optional in the output
declare const fetchers: ReadonlyArray<typeof fetchNumber>
const maybeFetched = Workflow.make("maybe", Workflow.parallel(first, ...fetchers))
Effect.map(Workflow.run(maybeFetched), (out) => {
  expectType<number>(out.results.first)
  expectType<number | undefined>(out.results.fetch)
})
// a flow fixed after the array is certain
const last = Task.make("last", () => "done")
const readsLast = Task.make("readsLast", { after: [last] }, (ctx) => ctx.getResult("last"))
const afterArray = Workflow.make("afterArray", Workflow.chain(first, ...fetchers, last, readsLast))
Effect.map(Workflow.run(afterArray), (out) => {
  expectType<string>(out.results.last)
  expectType<number | undefined>(out.results.fetch)
})
// an array of tasks with the id of a fixed task: a duplicate as soon as the array has one
expectError(Workflow.make("arrayDup", Workflow.chain(first, ...fetchers, fetchNumber)))
// and a reader after them cannot require them
expectError(Workflow.make("arrayThenReader", Workflow.chain(first, ...fetchers, readsNumber)))

// built in a loop: Task.forEach keeps one literal id per task
const sources = ["api", "db", "files"] as const
const perSource = Task.forEach(sources, (id) => Task.make(id, () => Effect.succeed(id.length)))
expectType<readonly [Task.Task<"api", number>, Task.Task<"db", number>, Task.Task<"files", number>]>(perSource)
const sum = Task.make("sum", { after: perSource }, (ctx) =>
  Effect.map(Effect.all([ctx.getResult("api"), ctx.getResult("db"), ctx.getResult("files")]), ([a, b, c]) => a + b + c))
const looped = Workflow.make("looped", Workflow.chain(Workflow.parallel(...perSource), sum))
Effect.map(Workflow.run(looped), (out) => {
  expectType<number>(out.results.api)
  expectType<number>(out.results.sum)
})
// the callback must make the task of the id it is given
expectError(Task.forEach(sources, (id) => Task.make(`x-${id}`, () => 1)))
// ids.map gives a union id, which Workflow.make rejects
expectError(Workflow.make("mapped", Workflow.parallel(first, ...sources.map((id) => Task.make(id, () => 1)))))

// ---------------------------------------------------------------------------
// 3. tasks added at run time (see also control.test-d.ts)
// ---------------------------------------------------------------------------

class Tools extends Context.Service<Tools, { readonly call: Effect.Effect<string, "tool failed"> }>()("Tools") {}
const tool = Task.make("tool", () => Tools.use((t) => t.call))
const agent = Task.make("agent", { adds: [tool] }, (ctx) => ctx.nextTask(tool))
const agentRun = Workflow.run(Workflow.make("agent", agent))
expectType<Tools>(null! as Effect.Services<typeof agentRun>)
expectError(Effect.runPromise(agentRun))
Effect.runPromise(Effect.provideService(agentRun, Tools, { call: Effect.succeed("ok") }))
// a task not declared in adds cannot be added
Task.make("undeclared", (ctx) => {
  expectError(ctx.nextTask(tool))
  return Effect.void
})

// ---------------------------------------------------------------------------
// 4. channel keys and certainty
// ---------------------------------------------------------------------------

const Channels = Channel.schema({ config: Schema.Number, label: Schema.String, tags: Schema.Array(Schema.String) })
const jumper = Task.make("jumper", { goto: ["reader"] }, () => Effect.void)
const writer = Task.make("writer", { channels: Channels, writes: ["config"] }, (ctx) => ctx.channel.set("config", 1))
const reader = Task.make("reader", { channels: Channels, reads: ["config"] }, (ctx) => ctx.channel.get("config"))
// written before: fine
Workflow.make("written", { channels: Channels }, Workflow.chain(writer, reader))
// written only after a task that may jump: the write may not happen
expectError(Workflow.make("afterJump", { channels: Channels }, Workflow.chain(jumper, writer, reader)))
// written in a lenient group: may not happen
const other = Task.make("other", () => 1)
expectError(
  Workflow.make(
    "lenientWrite",
    { channels: Channels },
    Workflow.chain(Workflow.parallelWith({ policy: "best-effort" }, writer, other), reader)
  )
)
// an initial value meets the read; `undefined` is no initial value
Workflow.make("initial", { channels: Channels, initial: { config: 1 } }, reader)
expectError(Workflow.make("initialUndefined", { channels: Channels, initial: { config: undefined } }, reader))
// a key of a union type: the value must fit every member
Task.make("union", { channels: Channels, writes: ["config", "label"] }, (ctx) => {
  const key: "config" | "label" = flag ? "config" : "label"
  expectError(ctx.channel.set(key, 1))
  expectError(ctx.channel.set(key, "one"))
  return ctx.channel.set("label", "one")
})

// ---------------------------------------------------------------------------
// 5. bodies and results
// ---------------------------------------------------------------------------

// a workflow with a Promise body does not compile (Workflow.make says to use Effect.tryPromise; the task
// itself compiles, so that a generic body — `<A>(a: A) => Task.make(id, () => a)` — does)
expectError(Workflow.make("promise", Task.make("promise", () => Promise.resolve(1))))
expectError(Workflow.make("promiseAfter", Workflow.chain(fetchNumber, Task.make("promiseAfter", { after: [fetchNumber] }, () => Promise.resolve(1)))))
Task.make("tryPromise", () => Effect.tryPromise(() => Promise.resolve(1)))
// a body typed any gives an unknown result, no errors, no services
const parsed = Task.make("parsed", () => JSON.parse("{}"))
expectType<Task.Task<"parsed", unknown, never, never>>(parsed)
Effect.runPromise(Workflow.run(Workflow.make("parsed", parsed)))
// a result JSON cannot hold is rejected at Workflow.make, unless the task has a result schema
const dated = Task.make("dated", () => ({ at: new Date() }))
expectError(Workflow.make("dated", dated))
expectError(Workflow.make("map", Task.make("map", () => new Map<string, number>())))
expectError(Workflow.make("bigint", Task.make("bigint", () => 1n)))
expectError(Workflow.make("option", Task.make("option", () => Option.some(1))))
const withSchema = Task.make("withSchema", { result: Schema.Struct({ at: Schema.Date }) }, () => ({ at: new Date() }))
Workflow.make("withSchema", withSchema)
Workflow.make("json", Task.make("json", () => ({ n: 1, tags: ["a"], nested: { ok: true, none: null } })))

// ---------------------------------------------------------------------------
// 6. valid programs that compile
// ---------------------------------------------------------------------------

// a generic helper reading a generic dependency's result
const readerOf = <const Id extends string, A>(dep: Task.Task<Id, A>) =>
  Task.make(`${dep.id}-reader`, { after: [dep] }, (ctx) => ctx.getResult(dep.id))
const helped = readerOf(fetchNumber)
expectType<number>(null! as Task.Result<typeof helped>)
// a generic workflow factory (checked when it runs)
const factory = <F extends Task.Any>(flow: F) => Workflow.make("factory", flow)
factory(fetchNumber)
// after a task that may only terminate, a later task reads an earlier result
const stopper = Task.make("stopper", { terminate: true }, () => Effect.void)
const terminated = Workflow.make("terminated", Workflow.chain(fetchNumber, stopper, readsNumber))
Effect.map(Workflow.run(terminated), (out) => {
  expectType<number>(out.results.fetch)
  expectType<number | undefined>(out.results.readsNumber)
})
// a body returning any: E and R are never, so the run can be provided
Effect.runPromise(Workflow.run(Workflow.make("anyBody", Task.make("anyBody", () => JSON.parse("1")))))

// ---------------------------------------------------------------------------
// 9. the run's error: one TaskFailed per task
// ---------------------------------------------------------------------------

const load = Task.make("load", () => Effect.fail("not found" as const))
const save = Task.make("save", () => Effect.fail({ code: 503 } as const))
Effect.gen(function*() {
  const error = yield* Effect.flip(Workflow.run(Workflow.make("io", Workflow.chain(load, save))))
  if (error._tag === "TaskFailed" && error.taskId === "load") {
    expectType<"not found" | ChannelError.InvalidValueError | ChannelError.ChannelError>(error.cause)
  }
  if (error._tag === "TaskFailed" && error.taskId === "save") {
    expectType<{ readonly code: 503 } | ChannelError.InvalidValueError | ChannelError.ChannelError>(error.cause)
  }
})
