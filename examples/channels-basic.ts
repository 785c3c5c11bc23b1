/**
 * Channel basics (the seed's channels_basic.py and "Data Flow Patterns"):
 * shared configuration, accumulating state, keys and defaults, list
 * operations, metrics and error accumulation — on the untyped channel.
 *
 *   npx tsx examples/channels-basic.ts
 */
import { Effect } from "effect"
import { Task, Workflow } from "effect-graflow"

// Pattern 1: shared configuration — one task writes it, later tasks read it.
const setup = Task.make("setup", (ctx) => ctx.channel.set("config", { batch_size: 100, db: "postgres" }))

// Pattern 2: accumulating state — read with a default, update.
const processBatch = Task.make("process_batch", (ctx) =>
  Effect.gen(function*() {
    const config = (yield* ctx.channel.get("config")) as { readonly batch_size: number }
    const total = (yield* ctx.channel.get("total_processed", 0)) as number
    yield* ctx.channel.set("total_processed", total + config.batch_size)
    // Atomic alternative, safe under concurrency:
    return yield* ctx.channel.atomicAdd("batches", 1)
  }))

// Lists: logs (FIFO) and a stack (LIFO); a temporary flag with a TTL.
const logWork = Task.make("log_work", (ctx) =>
  Effect.gen(function*() {
    yield* ctx.channel.append("logs", "Log entry 1")
    yield* ctx.channel.append("logs", "Log entry 2")
    yield* ctx.channel.prepend("stack", "First")
    yield* ctx.channel.prepend("stack", "Second")
    yield* ctx.channel.set("processing", true, { ttl: "60 seconds" })
    // Metrics collection and error accumulation, as lists of plain objects.
    yield* ctx.channel.append("errors", { task: ctx.taskId, error: "row 7 is malformed" })
  }))

// Keys and defaults: look around the channel.
const inspect = Task.make("inspect", (ctx) =>
  Effect.gen(function*() {
    const keys = [...(yield* ctx.channel.keys())].sort()
    return {
      keys, // result keys ({task}.__result__) are not listed; see results-storage.ts
      hasConfig: yield* ctx.channel.exists("config"),
      setting: yield* ctx.channel.get("setting", "default_value"),
      total: yield* ctx.channel.get("total_processed"),
      logs: yield* ctx.channel.get("logs"),
      stack: yield* ctx.channel.get("stack")
    }
  }))

export const workflow = Workflow.make("channels-basic", Workflow.chain(setup, processBatch, logWork, inspect))

export const program = Effect.map(Workflow.run(workflow), (out) => ({
  inspect: out.results.inspect,
  errors: out.channel["errors"]
}))

if (import.meta.url === `file://${process.argv[1]}`) {
  Effect.runPromise(program).then((summary) => console.log(JSON.stringify(summary, null, 2)))
}
