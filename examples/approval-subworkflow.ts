/**
 * A sub-workflow that waits for a person: "expenses" submits an expense,
 * runs the "approval" workflow on it as its step "review", and pays. The
 * approval workflow asks for a decision and does not wait (timeout 0), so the
 * outer run suspends with the request of the sub-workflow's task
 * ("review/approve"); `Workflow.respond` answers it through the outer
 * workflow and `Workflow.resume` continues the run inside the sub-workflow:
 * "submit" and "check" do not run again. All on the in-memory backend.
 *
 *   npx tsx examples/approval-subworkflow.ts
 */
import { Effect, Schema } from "effect"
import { MemoryChannel, Progress, Task, Workflow } from "effect-graflow"

export const Decision = Schema.Struct({ approved: Schema.Boolean, by: Schema.String })

// The sub-workflow: its input is the expense.
const expense = Task.input("expense", Schema.Struct({ id: Schema.String, amount: Schema.Number }))
const check = Task.make("check", { after: [expense] }, (ctx) =>
  Effect.map(ctx.getResult("expense"), ({ amount }) => ({ needsApproval: amount > 500 })))
const approve = Task.make("approve", { after: [expense, check], awaits: { decision: Decision } }, (ctx) =>
  Effect.gen(function*() {
    const { amount, id } = yield* ctx.getResult("expense")
    if (!(yield* ctx.getResult("check")).needsApproval) return { approved: true, by: "policy" }
    return yield* ctx.waitFor("decision", { prompt: `Approve ${amount.toFixed(2)} for ${id}?`, timeout: 0 })
  }))
export const approval = Workflow.make("approval", Workflow.chain(expense, check, approve))

// The outer workflow: the step's result is the sub-workflow's results record.
const submit = Task.make("submit", () => ({ id: "EXP-7", amount: 1200 }))
const review = Task.workflow("review", approval, { after: [submit], input: (ctx) => ctx.getResult("submit") })
const pay = Task.make("pay", { after: [submit, review] }, (ctx) =>
  Effect.gen(function*() {
    const { amount, id } = yield* ctx.getResult("submit")
    const { approve: decision } = yield* ctx.getResult("review") // { expense, check, approve }
    return decision.approved
      ? `paid ${amount.toFixed(2)} for ${id} (approved by ${decision.by})`
      : `${id} declined by ${decision.by}`
  }))
export const expenses = Workflow.make("expenses", Workflow.chain(submit, review, pay))

export const program = Effect.gen(function*() {
  const runId = "expense-7"
  const first = yield* Workflow.run(expenses, { runId })
  const pending = first.status === "suspended" ? first.requests.map((r) => `${r.taskId} waits for ${r.name}: ${r.prompt ?? ""}`) : []
  // Later (here, or in another process on a shared backend): answer, then continue.
  yield* Workflow.respond(expenses, runId, "decision", { approved: true, by: "ana" })
  const ran: Array<string> = [] // the tasks the resumed run starts (the others were done before it suspended)
  const done = yield* Workflow.resume(expenses, { runId }).pipe(
    Effect.provide(Progress.layer({
      onEvent: (event) =>
        Effect.sync(() => {
          if (event._tag === "TaskStarted") ran.push(event.taskId)
        })
    }))
  )
  return {
    first: first.status,
    pending,
    ranOnResume: ran,
    outcome: done.status === "completed" ? done.results.pay : done.status
  }
}).pipe(Effect.provide(MemoryChannel.layer)) // one backend for the run, the response and the resume

if (import.meta.url === `file://${process.argv[1]}`) {
  Effect.runPromise(program).then(({ first, outcome, pending, ranOnResume }) => {
    console.log(`${first}: ${pending.join("; ")}`)
    console.log(`resumed: ${outcome}`)
    console.log(`ran on resume: ${ranOnResume.join(", ")}`)
  })
}
