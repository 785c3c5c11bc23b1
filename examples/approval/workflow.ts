/**
 * A refund that waits for a person: "assess" decides whether the refund needs
 * approval, "approve" waits for the `approval` request (typed by its schema),
 * "settle" pays out or declines. Shared by the processes of this example; the
 * wait's timeout is the caller's (a service waits long, a script not at all).
 */
import { type Duration, Effect, Schema } from "effect"
import { Task, Workflow } from "effect-graflow"

export const Refund = Schema.Struct({ orderId: Schema.String, amount: Schema.Number })
export const Approval = Schema.Struct({ approved: Schema.Boolean, by: Schema.String })

export const refunds = (wait: Duration.Input) => {
  const refund = Task.input("refund", Refund)
  const assess = Task.make("assess", { after: [refund] }, (ctx) =>
    Effect.map(ctx.getResult("refund"), (r) => ({ needsApproval: r.amount > 100 })))
  const approve = Task.make("approve", { after: [refund, assess], awaits: { approval: Approval } }, (ctx) =>
    Effect.gen(function*() {
      const { needsApproval } = yield* ctx.getResult("assess")
      if (!needsApproval) return { approved: true, by: "policy" }
      const { amount, orderId } = yield* ctx.getResult("refund")
      return yield* ctx.waitFor("approval", { prompt: `Refund ${amount.toFixed(2)} for order ${orderId}?`, timeout: wait })
    }))
  const settle = Task.make("settle", { after: [refund, approve] }, (ctx) =>
    Effect.gen(function*() {
      const { amount, orderId } = yield* ctx.getResult("refund")
      const decision = yield* ctx.getResult("approve")
      return decision.approved
        ? `refunded ${amount.toFixed(2)} for ${orderId} (approved by ${decision.by})`
        : `refund for ${orderId} declined by ${decision.by}`
    }))
  return Workflow.make("refunds", Workflow.chain(refund, assess, approve, settle))
}
