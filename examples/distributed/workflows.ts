/**
 * The workflows of the distributed example, and the services their tasks
 * need on a worker: three extracts (each reading the producer's config and a
 * service only workers have) and a total.
 */
import { Context, Effect, Layer } from "effect"
import { Task, Workflow } from "effect-graflow"

/** A source of rows: only workers have it. */
export class Warehouse extends Context.Service<Warehouse, { readonly rows: (table: string) => ReadonlyArray<number> }>()(
  "examples/Warehouse"
) {}

const tables: Record<string, ReadonlyArray<number>> = { users: [1, 2, 3], orders: [10, 20], events: [5, 5, 5, 5] }

/** What `effect-graflow worker examples/distributed/workflows.ts` provides. */
export const workerLayer = Layer.succeed(Warehouse, { rows: (table) => tables[table] ?? [] })

const configure = Task.make("configure", (ctx) => Effect.as(ctx.untyped.set("multiplier", 2), "configured"))
const extract = Task.forEach(["users", "orders", "events"], (table) =>
  Task.make(table, (ctx) =>
    Effect.gen(function*() {
      const warehouse = yield* Warehouse
      const multiplier = (yield* ctx.untyped.get("multiplier")) as number
      const sum = warehouse.rows(table).reduce((a, b) => a + b, 0) * multiplier
      yield* ctx.untyped.atomicAdd("total", sum)
      return { table, sum, worker: process.pid }
    })))
const report = Task.make("report", { after: extract }, (ctx) =>
  Effect.gen(function*() {
    const parts = yield* Effect.all([ctx.getResult("users"), ctx.getResult("orders"), ctx.getResult("events")])
    return { total: yield* ctx.untyped.get("total"), parts: parts.map((p) => `${p.table}=${p.sum}`) }
  }))

export const warehouse = Workflow.make("warehouse", Workflow.chain(configure, Workflow.parallel(...extract), report))
