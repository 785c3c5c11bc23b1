/**
 * Issue 4: the typed parts of dynamic control flow, retries, timeouts and
 * parallel group policies.
 */
import { Context, Effect, Option, Schedule } from "effect"
import { expectAssignable, expectError, expectType } from "tsd"
import { type ChannelError, Task, Workflow, type WorkflowError } from "effect-graflow"

// ---------------------------------------------------------------------------
// nextIteration: the payload is typed by the task's input
// ---------------------------------------------------------------------------

const counter = Task.make("counter", { input: { n: 0 } }, (ctx, input) => {
  expectType<{ n: number }>(input)
  return Effect.as(ctx.nextIteration({ n: input.n + 1 }), input.n)
})
expectType<number>(null! as Task.Result<typeof counter>)

Task.make("wrongPayload", { input: { n: 0 } }, (ctx) => {
  expectError(ctx.nextIteration({ n: "one" }))
  expectError(ctx.nextIteration())
  return Effect.void
})

Task.make("noInput", (ctx) => {
  expectType<Effect.Effect<void, WorkflowError.CycleLimitExceededError>>(ctx.nextIteration())
  expectError(ctx.nextIteration(1))
  return Effect.void
})

// a template's parameters are its input
const countdown = Task.template((ctx, params: { readonly left: number }) =>
  Effect.as(params.left > 0 ? ctx.nextIteration({ left: params.left - 1 }) : Effect.void, params.left))
expectError(Task.template((ctx, _params: { readonly left: number }) => ctx.nextIteration({ left: "x" })))
expectType<Task.Task<"c", number, WorkflowError.CycleLimitExceededError>>(countdown("c", { left: 3 }))

// ---------------------------------------------------------------------------
// goto: targets are declared ids, and must be tasks of the workflow
// ---------------------------------------------------------------------------

const cleanup = Task.make("cleanup", () => "cleaned")
const store = Task.make("store", () => "stored")
const validate = Task.make("validate", { goto: ["cleanup"] }, (ctx) => {
  expectType<Effect.Effect<void, WorkflowError.CycleLimitExceededError>>(ctx.goto("cleanup"))
  expectError(ctx.goto("clenaup")) // not a declared target
  return Effect.as(ctx.goto("cleanup"), "invalid")
})
Task.make("undeclared", (ctx) => {
  expectError(ctx.goto("cleanup")) // no goto declared
  return Effect.void
})

const recover = Workflow.make("recover", Workflow.chain(validate, store, cleanup))
// the tasks after a task that may jump have optional results
expectType<Option.Option<string>>(null! as (typeof recover extends Workflow.Workflow<string, infer R, unknown, unknown, {}> ? R extends { readonly store?: infer S } ? Option.Option<S> : never : never))

// a declared target that is not a task of the workflow
expectError(Workflow.make("missing-target", Workflow.chain(validate, store)))

// ---------------------------------------------------------------------------
// terminate: only when declared; results after it are optional
// ---------------------------------------------------------------------------

const check = Task.make("check", { terminate: true }, (ctx) => Effect.as(ctx.terminate("enough"), 1))
Task.make("noTerminate", (ctx) => {
  expectError(ctx.terminate())
  return Effect.void
})
const needsStore = Task.make("needsStore", { after: [store] }, (ctx) => ctx.getResult("store"))
// a task that may only terminate skips nothing: if needsStore runs, store ran before it
const afterTerminate = Workflow.make("after-terminate", Workflow.chain(check, store, needsStore))
Effect.gen(function*() {
  const out = yield* Workflow.run(afterTerminate)
  // … but the run may have stopped before them: their results are optional
  expectType<string | undefined>(out.results.store)
  expectType<number>(out.results.check)
})
// a task that may jump does skip: what follows it is not certain
const jumpy = Task.make("jumpy", { goto: ["needsStore"] }, () => 1)
expectError(Workflow.make("after-jump", Workflow.chain(jumpy, store, needsStore)))
const readsOptional = Task.make("readsOptional", { after: [Task.optional(store)] }, (ctx) => {
  expectType<Effect.Effect<Option.Option<string>, ChannelError.ChannelDecodeError | ChannelError.ChannelError>>(
    ctx.getResult("store")
  )
  return Effect.map(ctx.getResult("store"), Option.getOrElse(() => "none"))
})
const terminating = Workflow.make("terminating", Workflow.chain(check, store, readsOptional))
Effect.gen(function*() {
  const out = yield* Workflow.run(terminating)
  expectType<"completed" | "terminated">(out.status)
  expectType<number>(out.results.check)
  expectType<string | undefined>(out.results.store)
})

// ---------------------------------------------------------------------------
// cancel: WorkflowCancelled in the run's error type, never wrapped
// ---------------------------------------------------------------------------

const guard = Task.make("guard", (ctx) => ctx.cancel("bad data"))
Effect.gen(function*() {
  const error = yield* Effect.flip(Workflow.run(Workflow.make("guarded", guard)))
  if (error._tag === "WorkflowCancelled") expectType<string>(error.reason)
})
expectAssignable<Effect.Effect<unknown, WorkflowError.WorkflowCancelled | WorkflowError.TaskFailed<"guard", unknown> | unknown>>(
  Workflow.run(Workflow.make("guarded", guard))
)

// ---------------------------------------------------------------------------
// nextTask: only declared `adds`; goto needs a declaration; added errors and
// services are the run's; dynamic results typed through the task
// ---------------------------------------------------------------------------

const extra = Task.make("extra", () => ({ found: 3 }))
Task.make("adds", { adds: [extra] }, (ctx) => {
  expectType<Effect.Effect<void, WorkflowError.InvalidNextTaskError | ChannelError.ChannelError>>(ctx.nextTask(extra))
  expectError(ctx.nextTask(extra, { goto: true })) // goto not declared
  return ctx.nextTask(extra)
})
// not declared in `adds`: does not compile
Task.make("undeclared", (ctx) => {
  expectError(ctx.nextTask(extra))
  return Effect.void
})
const other = Task.make("other", () => 1)
Task.make("wrongAdd", { adds: [extra] }, (ctx) => {
  expectError(ctx.nextTask(other))
  return Effect.void
})
Task.make("addsGoto", { goto: true, adds: [extra] }, (ctx) => ctx.nextTask(extra, { goto: true }))
Task.make("reads", (ctx) =>
  Effect.map(ctx.lookupResult(extra), (r) => {
    expectType<{ found: number }>(r)
    return r.found
  }))
Effect.gen(function*() {
  const out = yield* Workflow.run(Workflow.make("dyn", Task.make("main", { adds: [extra] }, (ctx) => ctx.nextTask(extra))))
  expectType<Option.Option<{ found: number }>>(Workflow.resultOf(out, extra))
})
// an added tool's service and failure are in the run's type
class Tools extends Context.Service<Tools, { readonly search: (q: string) => Effect.Effect<number, "rate limited"> }>()("Tools") {}
const tool = Task.make("tool", () => Tools.use((t) => t.search("q")))
const agentRun = Workflow.run(Workflow.make("agent", Task.make("agent", { adds: [tool] }, (ctx) => ctx.nextTask(tool))))
expectType<Tools>(null! as Effect.Services<typeof agentRun>)
type AgentFailure = Extract<Effect.Error<typeof agentRun>, { readonly taskId: "tool" }>
expectType<"rate limited" | ChannelError.InvalidValueError | ChannelError.ChannelError>(null! as AgentFailure["cause"])
expectError(Effect.runPromise(agentRun))

// ---------------------------------------------------------------------------
// retries and timeouts
// ---------------------------------------------------------------------------

const timed = Task.make("timed", { timeout: "1 second", retry: Schedule.recurs(2) }, (ctx) => {
  expectType<number>(ctx.attempt)
  expectType<number>(ctx.iteration)
  return Effect.succeed(1)
})
expectAssignable<Task.Task<"timed", number, WorkflowError.TaskTimeoutError, never, Task.Io>>(timed)
expectError(Task.make("badRetry", { retry: "twice" }, () => 1))
expectError(Task.make("badTimeout", { timeout: "soon" }, () => 1))
expectError(Task.make("badCycles", { maxCycles: "ten" }, () => 1))

// ---------------------------------------------------------------------------
// parallel group policies
// ---------------------------------------------------------------------------

const a = Task.make("a", () => 1)
const b = Task.make("b", () => Effect.fail("down" as const))
const needsA = Task.make("needsA", { after: [a] }, (ctx) => ctx.getResult("a"))
const maybeA = Task.make("maybeA", { after: [Task.optional(a)] }, (ctx) => Effect.map(ctx.getResult("a"), Option.getOrNull))

// strict: results certain
const strictGroup = Workflow.make("strict", Workflow.chain(Workflow.parallel(a, b), needsA))
Effect.gen(function*() {
  const out = yield* Workflow.run(strictGroup)
  expectType<number>(out.results.a)
  const error = yield* Effect.flip(Workflow.run(strictGroup))
  if (error._tag === "ParallelGroupError") expectType<string>(error.group)
})

// lenient: requiring a member's result does not compile; Task.optional does
expectError(Workflow.make("best-effort", Workflow.chain(Workflow.parallelWith({ policy: "best-effort" }, a, b), needsA)))
expectError(Workflow.make("at-least", Workflow.chain(Workflow.parallelWith({ policy: { atLeast: 1 } }, a, b), needsA)))
const lenient = Workflow.make("lenient", Workflow.chain(Workflow.parallelWith({ policy: { atLeast: 1 } }, a, b), maybeA))
Effect.gen(function*() {
  const out = yield* Workflow.run(lenient)
  expectType<number | undefined>(out.results.a)
  expectType<number | null>(out.results.maybeA)
})

// critical: critical members stay certain, the others become optional
const critical = Workflow.make("critical", Workflow.chain(Workflow.parallelWith({ policy: { critical: ["a"] } }, a, b), needsA))
Effect.gen(function*() {
  const out = yield* Workflow.run(critical)
  expectType<number>(out.results.a)
  expectType<never | undefined>(out.results.b)
})
expectError(Workflow.parallelWith({ policy: { critical: ["zz"] } }, a, b)) // not a member
expectError(Workflow.parallelWith({ policy: "lenient" }, a, b)) // not a policy

// custom policy: a function of the members' outcomes
Workflow.parallelWith({ policy: (members) => members.some((m) => m.outcome === "succeeded") }, a, b)
