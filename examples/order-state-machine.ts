/**
 * A checkpointed state machine: an order goes NEW → VALIDATED → PAID →
 * SHIPPED, one transition per iteration of the "advance" task, with a
 * checkpoint after each. The run completes; then the order is resumed from
 * each checkpoint — as another process would after a crash at that point —
 * and every resume ends in the same state, with the history written once.
 *
 *   npx tsx examples/order-state-machine.ts
 */
import { Effect, Schema } from "effect"
import { Channel, Checkpoint, Task, Workflow } from "effect-graflow"

const State = Schema.Literals(["NEW", "VALIDATED", "PAID", "SHIPPED"])
type State = typeof State.Type

const Channels = Channel.schema({ history: Schema.Array(State) })

const transitions: { readonly [S in State]?: State } = { NEW: "VALIDATED", VALIDATED: "PAID", PAID: "SHIPPED" }

/** The order to run: its id and amount are the run's input. */
export const order = Task.input("order", Schema.Struct({ id: Schema.String, amount: Schema.Number }))

export const advance = Task.make(
  "advance",
  { channels: Channels, writes: ["history"], input: { state: "NEW" as State }, maxCycles: 10 },
  (ctx, { state }) =>
    Effect.gen(function*() {
      const next = transitions[state]
      if (next === undefined) return state
      yield* ctx.channel.append("history", next)
      yield* ctx.checkpoint({ from: state, to: next })
      if (next !== "SHIPPED") yield* ctx.nextIteration({ state: next })
      return next
    })
)

export const receipt = Task.make("receipt", { after: [order, advance] }, (ctx) =>
  Effect.gen(function*() {
    const { amount, id } = yield* ctx.getResult("order")
    return `order ${id} (${amount.toFixed(2)}) is ${yield* ctx.getResult("advance")}`
  }))

export const orders = Workflow.make("orders", { channels: Channels }, Workflow.chain(order, advance, receipt))

export const program = Effect.gen(function*() {
  const first = yield* Workflow.run(orders, { runId: "order-42", input: { id: "42", amount: 99.5 } })
  const checkpoints = yield* Checkpoint.list("orders", "order-42")
  const resumed = yield* Effect.forEach(checkpoints, (id, i) =>
    Effect.gen(function*() {
      const checkpoint = yield* Checkpoint.load(id)
      const out = yield* Workflow.resume(orders, id, { runId: `order-42-resumed-${i}` })
      return {
        from: checkpoint.metadata["to"],
        receipt: out.status === "completed" ? out.results.receipt : out.status,
        history: out.status === "completed" ? out.channel.history : undefined
      }
    }))
  return { receipt: first.results.receipt, history: first.channel.history, resumed }
})

if (import.meta.url === `file://${process.argv[1]}`) {
  Effect.runPromise(program).then((summary) => {
    console.log(`${summary.receipt}: ${summary.history?.join(" → ")}`)
    for (const r of summary.resumed) console.log(`resumed after ${r.from}: ${r.receipt}: ${r.history?.join(" → ")}`)
  })
}
