/**
 * An agent-style loop: a "planner" task refines a draft until a critic is
 * satisfied (the convergence condition), at most 8 rounds, then a "publish"
 * task runs once with the final draft.
 *
 *   npx tsx examples/agent-loop.ts
 */
import { Effect, Schema } from "effect"
import { Channel, Task, Workflow } from "effect-graflow"

const Channels = Channel.schema({
  transcript: Schema.Array(Schema.String)
})

interface Draft {
  readonly text: string
  readonly round: number
}

/** A stand-in for a model call: each round adds one more supporting point. */
const improve = (draft: Draft): Effect.Effect<Draft> =>
  Effect.succeed({ text: `${draft.text}${draft.round === 0 ? "Claim." : " Evidence."}`, round: draft.round + 1 })

/** A stand-in for a critic: satisfied once the draft has three pieces of evidence. */
const score = (draft: Draft): number => Math.min(1, (draft.text.match(/Evidence/g)?.length ?? 0) / 3)

export const refine = Task.make(
  "refine",
  { channels: Channels, writes: ["transcript"], input: { text: "", round: 0 }, maxCycles: 8 },
  (ctx, draft) =>
    Effect.gen(function*() {
      const next = yield* improve(draft)
      const quality = score(next)
      yield* ctx.channel.append("transcript", `round ${next.round}: quality ${quality.toFixed(2)}`)
      if (quality < 1) yield* ctx.nextIteration(next) // converged? otherwise go again, with the new draft
      return { ...next, quality }
    })
)

export const publish = Task.make("publish", { after: [refine] }, (ctx) =>
  Effect.map(ctx.getResult("refine"), (final) => `published after ${final.round} rounds: ${final.text}`))

export const agent = Workflow.make("agent-loop", { channels: Channels }, Workflow.chain(refine, publish))

export const program = Effect.gen(function*() {
  const out = yield* Workflow.run(agent)
  return { rounds: out.results.refine.round, published: out.results.publish, transcript: out.channel.transcript ?? [] }
})

if (import.meta.url === `file://${process.argv[1]}`) {
  Effect.runPromise(program).then((summary) => {
    for (const line of summary.transcript) console.log(line)
    console.log(summary.published)
  })
}
