/**
 * Collecting parallel results (the seed's "Collecting Parallel Task Results"):
 * three instances of one task template, with bound parameters, run in
 * parallel and append to one list with a one-hour TTL. All three items are
 * there afterwards (Graflow keeps one of them: its parallel branches each
 * write a copy of the channel and the last copy wins).
 *
 *   npx tsx examples/parallel-collect.ts
 */
import { Effect } from "effect"
import { Task, Workflow } from "effect-graflow"

const fetchData = Task.template((ctx, params: { readonly source: string }) =>
  Effect.gen(function*() {
    const data = `Data from ${params.source}`
    yield* ctx.channel.append("fetch_results", data, { ttl: "1 hour" })
    return data
  }))

export const fetchA = fetchData("fetch_a", { source: "api" })
export const fetchB = fetchData("fetch_b", { source: "db" })
export const fetchC = fetchData("fetch_c", { source: "cache" })

const summarize = Task.make("summarize", { after: [fetchA, fetchB, fetchC] }, (ctx) =>
  Effect.gen(function*() {
    const collected = (yield* ctx.channel.get("fetch_results")) as ReadonlyArray<string>
    return { count: collected.length, fromApi: yield* ctx.getResult("fetch_a") }
  }))

export const workflow = Workflow.make("collect_results", Workflow.chain(Workflow.parallel(fetchA, fetchB, fetchC), summarize))

export const program = Effect.map(Workflow.run(workflow), (out) => ({
  results: [...(out.channel["fetch_results"] as ReadonlyArray<string>)].sort(),
  summary: out.results.summarize
}))

if (import.meta.url === `file://${process.argv[1]}`) {
  Effect.runPromise(program).then((summary) => console.log(JSON.stringify(summary, null, 2)))
}
