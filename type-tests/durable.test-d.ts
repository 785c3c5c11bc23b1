/**
 * Issue 9: the typed parts of durable runs — run input, checkpoints, resume,
 * and requests a task waits for (human in the loop).
 */
import { Effect, Schema } from "effect"
import { expectAssignable, expectError, expectNotAssignable, expectType } from "tsd"
import { type Channel, Checkpoint, type ChannelError, Task, Workflow, type WorkflowError } from "effect-graflow"

// ---------------------------------------------------------------------------
// run input: Task.input, typed getResult, Workflow.run's `input`
// ---------------------------------------------------------------------------

const Order = Schema.Struct({ id: Schema.String, amount: Schema.Number })
const order = Task.input("order", Order)
expectType<{ readonly id: string; readonly amount: number }>(null! as Task.Result<typeof order>)

const charge = Task.make("charge", { after: [order] }, (ctx) =>
  Effect.map(ctx.getResult("order"), (o) => {
    expectType<{ readonly id: string; readonly amount: number }>(o)
    return o.amount * 100
  }))
const orders = Workflow.make("orders", Workflow.chain(order, charge))
expectType<Workflow.Workflow<
  "orders",
  { readonly order: { readonly id: string; readonly amount: number }; readonly charge: number },
  | WorkflowError.TaskFailed<"order", ChannelError.InvalidValueError | ChannelError.ChannelError>
  | WorkflowError.TaskFailed<"charge", ChannelError.ChannelDecodeError | ChannelError.ChannelError | ChannelError.InvalidValueError>,
  never,
  {},
  { readonly id: string; readonly amount: number },
  never
>>(orders)

const ran = Workflow.run(orders, { input: { id: "o1", amount: 2 } })
expectType<Workflow.RunResult<
  { readonly order: { readonly id: string; readonly amount: number }; readonly charge: number },
  {}
>>(null! as Effect.Success<typeof ran>)
// A workflow with an input takes InvalidRunInputError among its errors; one without does not.
expectAssignable<Effect.Error<typeof ran>>(null! as WorkflowError.InvalidRunInputError)
const plain = Workflow.make("plain", Task.make("a", () => 1))
const plainRun = Workflow.run(plain)
expectNotAssignable<Effect.Error<typeof plainRun>>(null! as WorkflowError.InvalidRunInputError)

// No input, a wrong input, an input the workflow does not take: none compiles.
expectError(Workflow.run(orders))
expectError(Workflow.run(orders, {}))
expectError(Workflow.run(orders, { input: { id: "o1", amount: "2" } }))
expectError(Workflow.run(orders, { input: { id: "o1" } }))
expectError(Workflow.run(plain, { input: 1 }))
// A task after the input may read it only with `after`; reading it without does not compile.
Task.make("peek", (ctx) => {
  expectError(ctx.getResult("order"))
  return 1
})
// An input task after the reader is not upstream of it: Workflow.make rejects the flow.
expectError(Workflow.make("late", Workflow.chain(charge, order)))

// ---------------------------------------------------------------------------
// durable runs: a runId is required; the checkpoint errors are in the type
// ---------------------------------------------------------------------------

expectError(Workflow.run(plain, { durable: true }))
const durable = Workflow.run(plain, { runId: "nightly", durable: true })
expectAssignable<Effect.Error<typeof durable>>(null! as WorkflowError.CheckpointStoreError)
expectAssignable<Effect.Error<typeof durable>>(null! as WorkflowError.CheckpointMismatchError)
const notDurable = Workflow.run(plain, { runId: "nightly" })
expectNotAssignable<Effect.Error<typeof notDurable>>(null! as WorkflowError.CheckpointMismatchError)
// a named run takes the run's lease: it may lose it; a run without a runId takes none
expectAssignable<Effect.Error<typeof notDurable>>(null! as WorkflowError.RunLeaseLostError)
expectAssignable<Effect.Error<typeof durable>>(null! as WorkflowError.RunLeaseLostError)
expectNotAssignable<Effect.Error<typeof plainRun>>(null! as WorkflowError.RunLeaseLostError)

// ---------------------------------------------------------------------------
// checkpoints: ctx.checkpoint's metadata is JSON; its store failure is the task's
// ---------------------------------------------------------------------------

const saves = Task.make("saves", (ctx) => Effect.as(ctx.checkpoint({ stage: "validated", n: 1, tags: ["a"] }), 1))
expectAssignable<Workflow.Failure<typeof saves["~shape"]>>(
  null! as WorkflowError.TaskFailed<"saves", WorkflowError.CheckpointStoreError>
)
Task.make("badMetadata", (ctx) => {
  expectError(ctx.checkpoint({ at: new Date() }))
  expectError(ctx.checkpoint({ f: () => 1 }))
  return 1
})

// resume takes an id, a checkpoint or { runId }, and gives the run's output with the resume errors
const resumed = Workflow.resume(plain, { runId: "r1" })
expectType<Workflow.RunResult<{ readonly a: number }, {}>>(null! as Effect.Success<typeof resumed>)
expectAssignable<Effect.Error<typeof resumed>>(null! as WorkflowError.CheckpointNotFoundError)
expectAssignable<Effect.Error<typeof resumed>>(null! as WorkflowError.CheckpointDecodeError)
expectAssignable<Effect.Error<typeof resumed>>(null! as WorkflowError.RunNotFoundError)
expectAssignable<Effect.Error<typeof resumed>>(null! as WorkflowError.RunLeaseLostError)
Workflow.resume(plain, "plain/r1/cp-1-abc")
Workflow.resume(plain, null! as Checkpoint.Checkpoint)
expectError(Workflow.resume(plain, 42))
expectType<Effect.Effect<Checkpoint.Checkpoint, WorkflowError.CheckpointNotFoundError | WorkflowError.CheckpointDecodeError | WorkflowError.CheckpointStoreError>>(
  Checkpoint.load("id")
)

// ---------------------------------------------------------------------------
// human in the loop: awaits, ctx.waitFor, Workflow.respond, suspended outputs
// ---------------------------------------------------------------------------

const Approval = Schema.Struct({ approved: Schema.Boolean })
const review = Task.make("review", { awaits: { approval: Approval, note: Schema.String } }, (ctx) =>
  Effect.gen(function*() {
    const answer = yield* ctx.waitFor("approval", { timeout: "1 hour", prompt: "Ship it?" })
    expectType<{ readonly approved: boolean }>(answer)
    expectType<string>(yield* ctx.waitFor("note"))
    return answer.approved
  }))
Task.make("misspelled", { awaits: { approval: Approval } }, (ctx) => {
  expectError(ctx.waitFor("aproval"))
  expectError(ctx.waitFor("approval", { timeout: "soon" }))
  return 1
})
// A task that declares no awaits cannot wait.
Task.make("undeclared", (ctx) => {
  expectError(ctx.waitFor("approval"))
  return 1
})

const release = Workflow.make("release", review)
expectType<Workflow.Workflow<
  "release",
  { readonly review: boolean },
  WorkflowError.TaskFailed<"review", ChannelError.ChannelError | ChannelError.InvalidValueError>,
  never,
  {},
  never,
  Task.Await<"approval", { readonly approved: boolean }> | Task.Await<"note", string>
>>(release)

// respond: a known name and a value of its type
const responded = Workflow.respond(release, "r1", "approval", { approved: true })
expectType<Effect.Effect<void, WorkflowError.InvalidResponseError | WorkflowError.RunNotWaitingError | ChannelError.ChannelError, Channel.Channel>>(responded)
Workflow.respond(release, "r1", "note", "looks good")
expectError(Workflow.respond(release, "r1", "refund", { approved: true }))
expectError(Workflow.respond(release, "r1", "approval", { approved: "yes" }))
expectError(Workflow.respond(release, "r1", "note", 1))
expectError(Workflow.respond(plain, "r1", "approval", { approved: true }))

// A run of a workflow that may wait may be suspended; the others may not.
const releaseRun = Workflow.run(release, { runId: "r1" })
type ReleaseOut = Effect.Success<typeof releaseRun>
expectType<Workflow.RunResult<{ readonly review: boolean }, {}> | Workflow.Suspended<"approval" | "note">>(null! as ReleaseOut)
expectAssignable<Effect.Error<typeof releaseRun>>(null! as WorkflowError.CheckpointStoreError)
const out = null! as ReleaseOut
if (out.status === "suspended") {
  expectType<string>(out.checkpoint)
  expectType<"approval" | "note">(out.requests[0]!.name)
} else {
  expectType<boolean>(out.results.review)
}
expectType<"completed" | "terminated">(null! as Effect.Success<typeof notDurable>["status"])
