/**
 * Issue 18: what the compiler knows through composition — sub-workflows,
 * run-time maps, branches, parallel tool calls — and the misuses it rejects.
 */
import { Effect, Option, Schema } from "effect"
import { P } from "ts-pattern"
import { expectAssignable, expectError, expectType } from "tsd"
import { type Channel, type ChannelError, Flow, Progress, Task, Workflow, type WorkflowError } from "effect-graflow"

/** A task's error type. */
type ErrorOf<T> = T extends Task.Task<infer _Id, infer _A, infer E, infer _R, infer _I> ? E : never

// ---------------------------------------------------------------------------
// Sub-workflows: the step's result is the workflow's results, its input is checked
// ---------------------------------------------------------------------------

const amount = Task.input("amount", Schema.Number)
const debit = Task.make("debit", { after: [amount] }, (ctx) =>
  Effect.flatMap(ctx.getResult("amount"), (n) => n > 100 ? Effect.fail("limit" as const) : Effect.succeed(`debited ${n}`)))
const charge = Workflow.make("charge", Workflow.chain(amount, debit))
const order = Task.make("order", () => ({ total: 12 }))

const pay = Task.workflow("pay", charge, { after: [order], input: (ctx) => Effect.map(ctx.getResult("order"), (o) => o.total) })
expectType<{ readonly amount: number; readonly debit: string }>(null! as Task.Result<typeof pay>)
// its failure: the sub-workflow's task failures, narrowable to the inner task
type PayError = ErrorOf<typeof pay>
expectAssignable<PayError>(null! as WorkflowError.TaskFailed<"debit", "limit" | ChannelError.ChannelError>)
expectAssignable<PayError>(null! as WorkflowError.InvalidRunInputError)

const checkout = Workflow.make("checkout", Workflow.chain(order, pay, Task.make("receipt", { after: [pay] }, (ctx) =>
  Effect.map(ctx.getResult("pay"), (r) => r.debit))))
Effect.map(Workflow.run(checkout), (out) => {
  expectType<string>(out.results.receipt)
  expectType<{ readonly amount: number; readonly debit: string }>(out.results.pay)
})
Effect.catchTag(Workflow.run(checkout), "TaskFailed", (e) => {
  if (e.taskId === "pay" && e.cause._tag === "TaskFailed" && e.cause.taskId === "debit") {
    expectAssignable<typeof e.cause.cause>("limit" as const)
    expectError<"limit">(e.cause.cause) // it may be a channel error too
  }
  return Effect.void
})

// the sub-workflow's tasks are not results of the outer workflow
expectError(Task.make("peek", { after: [pay] }, (ctx) => ctx.getResult("debit")))
// an input of another type
expectError(Task.workflow("pay", charge, { after: [order], input: (ctx) => Effect.map(ctx.getResult("order"), (o) => String(o.total)) }))
// without the input its workflow takes
expectError(Task.workflow("pay", charge))
// an input for a workflow that takes none
const plain = Workflow.make("plain", Task.make("x", () => 1))
expectType<{ readonly x: number }>(null! as Task.Result<ReturnType<typeof Task.workflow<"p", "plain", { readonly x: number }, never, never, {}, never, never>>>)
expectError(Task.workflow("p", plain, { input: () => 1 }))
// a workflow is not a flow
expectError(Workflow.chain(order, charge))
expectError(Workflow.make("nested", charge))

// the requests of a sub-workflow are the step's: respond through the outer workflow
const ask = Task.make("ask", { awaits: { ok: Schema.Boolean } }, (ctx) => ctx.waitFor("ok"))
const asking = Workflow.make("outer", Task.workflow("inner", Workflow.make("asking", ask)))
expectType<Effect.Effect<void, Workflow.RespondError, Channel.Channel>>(Workflow.respond(asking, "r1", "ok", true))
expectError(Workflow.respond(asking, "r1", "okay", true))
expectError(Workflow.respond(asking, "r1", "ok", "yes"))

// ---------------------------------------------------------------------------
// Maps: the result is a list, each element checked against the item
// ---------------------------------------------------------------------------

const urls = Task.make("urls", () => ["https://a.example", "https://b.example"])
const size = Task.template((_ctx, url: string) => url === "" ? Effect.fail("empty" as const) : Effect.succeed(url.length))
const sizes = Flow.map("sizes", urls, size)
expectType<ReadonlyArray<number>>(null! as Task.Result<typeof sizes>)
expectAssignable<ErrorOf<typeof sizes>>(null! as WorkflowError.MapItemsError<"empty">)
// lenient policies: an Option per element
const some = Flow.map("some", urls, size, { policy: "best-effort" })
expectType<ReadonlyArray<Option.Option<number>>>(null! as Task.Result<typeof some>)
const enough = Flow.map("enough", urls, size, { policy: { atLeast: 1 }, concurrency: 4 })
expectType<ReadonlyArray<Option.Option<number>>>(null! as Task.Result<typeof enough>)
// a workflow per element: each item's result is its results record
const text = Task.input("text", Schema.String)
const perText = Workflow.make("per-text", Workflow.chain(text, Task.make("len", { after: [text] }, (ctx) => Effect.map(ctx.getResult("text"), (t) => t.length))))
const runs = Flow.map("runs", urls, perText)
expectType<ReadonlyArray<{ readonly text: string; readonly len: number }>>(null! as Task.Result<typeof runs>)
const mapped = Workflow.make("mapped", Flow.chain(urls, sizes, runs))
Effect.map(Workflow.run(mapped), (out) => expectType<ReadonlyArray<number>>(out.results.sizes))

// misuses
const count = Task.make("count", () => 3)
expectError(Flow.map("m", count, size)) // the source's result is not a list
expectError(Flow.map("m", Task.make("ns", () => [1, 2]), size)) // the elements are not the item's parameters
expectError(Flow.map("m", Task.make("ns", () => [1, 2]), perText)) // nor the workflow's input
expectError(Flow.map("m", urls, plain)) // a workflow without input
expectError(Flow.map("m", urls, Task.template({ terminate: true }, (ctx, _url: string) => ctx.terminate())))
expectError(Flow.map("m", urls, Workflow.make("asks", Workflow.chain(text, ask))))
expectError(Flow.map("m", urls, size, { policy: { critical: ["x"] } }))
// an item is not a result of the workflow; the source must run before the map
expectError(Task.make("peek", { after: [sizes] }, (ctx) => ctx.getResult("sizes[0]")))
expectError(Workflow.make("early", Flow.chain(sizes, urls)))

// ---------------------------------------------------------------------------
// Branches: exhaustive by the compiler, narrowing in a case, optional after it
// ---------------------------------------------------------------------------

type Claim =
  | { readonly kind: "refund"; readonly amount: number }
  | { readonly kind: "dispute"; readonly reason: string }
const classify = Task.make("classify", (): Claim => ({ kind: "refund", amount: 1 }))

const route = Flow.branch("route", classify)
  .with({ kind: "refund" }, (refund) =>
    Task.make("refunded", { after: [refund] }, (ctx) => Effect.map(ctx.getResult("classify"), (c) => expectType<number>(c.amount))))
  .with({ kind: "dispute" }, (dispute) =>
    Task.make("escalated", { after: [dispute] }, (ctx) => Effect.map(ctx.getResult("classify"), (c) => c.reason)))
  .exhaustive()
const claims = Workflow.make("claims", Flow.chain(classify, route))
Effect.map(Workflow.run(claims), (out) => {
  expectType<void | undefined>(out.results.refunded)
  expectType<string | undefined>(out.results.escalated)
})

// a value left: .exhaustive() is not callable; .otherwise takes the rest, narrowed
const partial = Flow.branch("route", classify).with({ kind: "refund" }, () => Task.make("r", () => 1))
expectError(partial.exhaustive())
partial.otherwise((rest) => Task.make("o", { after: [rest] }, (ctx) => Effect.map(ctx.getResult("classify"), (c) => expectType<string>(c.reason))))
// a guarded pattern takes nothing out: it needs an otherwise
expectError(Flow.branch("route", classify).with({ kind: "refund", amount: P.number.lt(10) }, () => Task.make("r", () => 1))
  .with({ kind: "dispute" }, () => Task.make("d", () => 2)).exhaustive())
// a pattern not of the source's type; a field of another case
expectError(Flow.branch("route", classify).with({ kind: "refnud" }, () => Task.make("r", () => 1)))
Flow.branch("route", classify).with({ kind: "dispute" }, (dispute) =>
  Task.make("d", { after: [dispute] }, (ctx) => Effect.map(ctx.getResult("classify"), (c) => {
    expectError(c.amount)
    return c.reason
  })))
// a case's result is not certain after the branch: required, the workflow is invalid; optional, it compiles
const refunded = Task.make("refunded", () => 1)
const byCase = Flow.branch("route", classify).with({ kind: "refund" }, () => refunded).otherwise(() => Task.make("other", () => 2))
expectError(Workflow.make("after", Flow.chain(classify, byCase, Task.make("after", { after: [refunded] }, (ctx) => ctx.getResult("refunded")))))
const optionally = Task.make("after", { after: [Task.optional(refunded)] }, (ctx) =>
  Effect.map(ctx.getResult("refunded"), (r) => {
    expectType<Option.Option<number>>(r)
    return Option.getOrElse(r, () => 0)
  }))
Effect.map(Workflow.run(Workflow.make("after", Flow.chain(classify, byCase, optionally))), (out) => {
  expectType<number>(out.results.after)
  expectType<number | undefined>(out.results.refunded)
})

// ---------------------------------------------------------------------------
// Groups: written out, not spread from an array
// ---------------------------------------------------------------------------

declare const computed: Array<Task.Task<string, number>>
expectError(Flow.chain(...computed))
expectError(Flow.parallel(...computed))
expectError(Flow.chain())
const written = Task.forEach(["a", "b"] as const, (id) => Task.make(id, () => 1))
expectType<"a" | "b">(null! as Flow.Shape<ReturnType<typeof Flow.chain<typeof written>>>["ids"])
expectError(["a", "b"].map(Task.make))

// ---------------------------------------------------------------------------
// Tools: ctx.call of a declared template, typed by its parameters and result
// ---------------------------------------------------------------------------

const weather = Task.template({ name: "weather" }, (_ctx, city: string) => Effect.succeed({ city, sunny: true }))
const search = Task.template({ name: "search" }, (_ctx, q: { readonly query: string }) =>
  q.query === "" ? Effect.fail("empty query" as const) : Effect.succeed([q.query]))
const agent = Task.make("agent", { adds: [weather, search], input: { calls: [] as ReadonlyArray<string> } }, (ctx, input) =>
  Effect.gen(function*() {
    const call = yield* ctx.call(weather, "Paris")
    expectType<string>(call.id)
    expectType<{ city: string; sunny: boolean }>(null! as Task.Result<typeof call>)
    const found = yield* ctx.call(search, { query: "effect" })
    expectType<Array<string>>(null! as Task.Result<typeof found>)
    expectType<"empty query">(null! as ErrorOf<typeof found>)
    expectError(ctx.call(weather, 7))
    expectError(ctx.call(search, "effect"))
    expectError(ctx.call(Task.template((_c, n: number) => n), 1)) // not declared in adds
    return input.calls.length
  }))
// a tool's errors are the run's, under the call's task
Effect.catchTag(Workflow.run(Workflow.make("agentic", agent)), "TaskFailed", (e) => {
  expectAssignable<typeof e.cause>("empty query" as const)
  return Effect.void
})
Task.make("noTools", (ctx) => {
  expectError(ctx.call(weather, "Paris"))
  return Effect.void
})

// templates make instances without an id: the id is a string, the result typed
const instance = weather("Oslo")
expectType<string>(instance.id)
expectType<{ city: string; sunny: boolean }>(null! as Task.Result<typeof instance>)

// ---------------------------------------------------------------------------
// Progress: a workflow's events, typed by task id
// ---------------------------------------------------------------------------

const isCheckout = Progress.isEventOf(checkout)
Progress.layer({
  onEvent: (event) => {
    expectType<unknown>(event._tag === "TaskSucceeded" ? event.result : undefined)
    if (!isCheckout(event)) return Effect.void
    expectType<"checkout">(event.workflow)
    if (event._tag === "TaskSucceeded" && event.taskId === "receipt") expectType<string>(event.result)
    if (event._tag === "TaskSucceeded" && event.taskId === "pay") expectType<{ readonly amount: number; readonly debit: string }>(event.result)
    if (event._tag === "TaskSucceeded" && event.taskId === "pay/debit") expectType<unknown>(event.result)
    if (event._tag === "TaskFailed") expectError<"nope">(event.taskId)
    return Effect.void
  }
})
