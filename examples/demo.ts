/**
 * The README demo: a small ETL pipeline on the in-memory default.
 *
 * setup writes the configuration to a typed channel; three extractors run in
 * parallel (a template with bound parameters); transform reads their typed
 * results; load writes a summary and counts rows atomically; report prints.
 * The run returns every task's typed result and the final channel.
 *
 *   npm run demo
 */
import { Effect, Schema } from "effect"
import { Channel, Progress, Task, Workflow } from "effect-graflow"

const Channels = Channel.schema({
  config: Schema.Struct({ batchSize: Schema.Int, target: Schema.String }),
  loaded_rows: Schema.Number,
  log: Schema.Array(Schema.String)
})

const setup = Task.make("setup", { channels: Channels, writes: ["config", "log"] }, (ctx) =>
  Effect.gen(function*() {
    yield* ctx.channel.set("config", { batchSize: 2, target: "warehouse" })
    yield* ctx.channel.append("log", "configured")
  }))

const extract = Task.template({ channels: Channels, writes: ["log"] }, (ctx, params: { readonly source: string; readonly rows: number }) =>
  Effect.gen(function*() {
    yield* ctx.channel.append("log", `extracted ${params.rows} rows from ${params.source}`)
    return Array.from({ length: params.rows }, (_, i) => ({ source: params.source, value: i + 1 }))
  }))

const users = extract("extract_users", { source: "users-api", rows: 3 })
const orders = extract("extract_orders", { source: "orders-db", rows: 4 })
const events = extract("extract_events", { source: "events-log", rows: 2 })

const transform = Task.make("transform", { channels: Channels, after: [users, orders, events], reads: ["config"] }, (ctx) =>
  Effect.gen(function*() {
    const { batchSize } = yield* ctx.channel.get("config")
    const rows = [...yield* ctx.getResult("extract_users"), ...yield* ctx.getResult("extract_orders"), ...yield* ctx.getResult("extract_events")]
    const batches: Array<ReadonlyArray<{ readonly source: string; readonly value: number }>> = []
    for (let i = 0; i < rows.length; i += batchSize) batches.push(rows.slice(i, i + batchSize))
    return { batches, total: rows.reduce((sum, row) => sum + row.value, 0) }
  }))

const load = Task.make("load", { channels: Channels, after: [transform], reads: ["config"], writes: ["loaded_rows", "log"] }, (ctx) =>
  Effect.gen(function*() {
    const { target } = yield* ctx.channel.get("config")
    const { batches } = yield* ctx.getResult("transform")
    for (const batch of batches) yield* ctx.channel.atomicAdd("loaded_rows", batch.length)
    yield* ctx.channel.append("log", `loaded ${batches.length} batches into ${target}`)
    return batches.length
  }))

export const pipeline = Workflow.make(
  "etl-demo",
  { channels: Channels },
  Workflow.chain(setup, Workflow.parallel(users, orders, events), transform, load)
)

export const program = Effect.map(Workflow.run(pipeline), (out) => ({
  batches: out.results.load,
  total: out.results.transform.total,
  loadedRows: out.channel.loaded_rows,
  log: out.channel.log
}))

if (import.meta.url === `file://${process.argv[1]}`) {
  Effect.runPromise(program.pipe(Effect.provide(Progress.logger))).then((summary) => {
    console.log("\nflowchart of the pipeline (Mermaid):\n")
    console.log(Workflow.toMermaid(pipeline))
    console.log("\nresult:", JSON.stringify(summary, null, 2))
  })
}
