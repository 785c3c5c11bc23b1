/**
 * A claims router: "classify" reads a claim, `Flow.branch` sends it down one
 * path by its shape with ts-pattern's patterns — a small refund is paid at
 * once, a dispute goes to a person, anything else (a large refund, a
 * question) to a review queue — and "close" runs after whichever path ran.
 * A task of a case reads the claim narrowed to its case; the compiler checks
 * the cases, and the case taken is recorded under `route.__result__`.
 *
 *   npx tsx examples/claims-router.ts
 */
import { Effect, Schema } from "effect"
import { P } from "ts-pattern"
import { Channel, Flow, Task, Workflow } from "effect-graflow"

export const Claim = Schema.Union([
  Schema.Struct({ kind: Schema.Literal("refund"), order: Schema.String, amount: Schema.Number }),
  Schema.Struct({ kind: Schema.Literal("dispute"), order: Schema.String, reason: Schema.String }),
  Schema.Struct({ kind: Schema.Literal("question"), text: Schema.String })
])
export type Claim = typeof Claim.Type

/** The claim is the run's input; "classify" is the branch's source. */
export const claim = Task.input("claim", Claim)
export const classify = Task.make("classify", { after: [claim] }, (ctx) => ctx.getResult("claim"))

/** Every case writes the claim's outcome: afterwards the key is certain, whichever case ran. */
const Channels = Channel.schema({ outcome: Schema.String })

export const route = Flow.branch("route", classify)
  // A refund under 100: `refund` is the source narrowed to { kind: "refund"; … }.
  .with({ kind: "refund", amount: P.number.lt(100) }, (refund) =>
    Task.make("pay", { after: [refund], channels: Channels, writes: ["outcome"] }, (ctx) =>
      Effect.gen(function*() {
        const c = yield* ctx.getResult("classify") // { kind: "refund"; order: string; amount: number }
        yield* ctx.channel.set("outcome", `paid ${c.amount.toFixed(2)} on order ${c.order}`)
        return c.amount
      })))
  .with({ kind: "dispute" }, (dispute) =>
    Task.make("escalate", { after: [dispute], channels: Channels, writes: ["outcome"] }, (ctx) =>
      Effect.gen(function*() {
        const c = yield* ctx.getResult("classify") // { kind: "dispute"; order: string; reason: string }
        yield* ctx.channel.set("outcome", `order ${c.order} sent to a person: ${c.reason}`)
        return c.order
      })))
  // P.number.lt(100) takes no value out of the type, so what is left — every refund and the questions —
  // needs an otherwise (`.exhaustive()` would not compile here).
  .otherwise((rest) =>
    Task.make("queue", { after: [rest], channels: Channels, writes: ["outcome"] }, (ctx) =>
      Effect.gen(function*() {
        const c = yield* ctx.getResult("classify") // a refund or a question
        const outcome = c.kind === "refund" ? `refund of ${c.amount.toFixed(2)} queued for review` : `question queued: ${c.text}`
        yield* ctx.channel.set("outcome", outcome)
        return outcome
      })))

/** After the branch: "outcome" is certain (every case writes it); the cases' results are optional. */
export const close = Task.make("close", { channels: Channels, reads: ["outcome"] }, (ctx) => ctx.channel.get("outcome"))

export const claims = Workflow.make("claims", { channels: Channels }, Flow.chain(claim, classify, route, close))

export const samples: ReadonlyArray<Claim> = [
  { kind: "refund", order: "A-1", amount: 40 },
  { kind: "refund", order: "A-2", amount: 400 },
  { kind: "dispute", order: "B-7", reason: "never delivered" },
  { kind: "question", text: "can I change my address?" }
]

export const program = Effect.forEach(samples, (input) =>
  Effect.map(Workflow.run(claims, { input }), (out) => ({
    kind: input.kind,
    outcome: out.results.close,
    paid: out.results.pay // number | undefined: only the first case makes it
  })))

if (import.meta.url === `file://${process.argv[1]}`) {
  Effect.runPromise(program).then((routed) => {
    for (const { kind, outcome } of routed) console.log(`${kind}: ${outcome}`)
  })
}
