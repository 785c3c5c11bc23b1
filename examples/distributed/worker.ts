/**
 * A worker of the distributed example (the same as
 * `npx effect-graflow worker examples/distributed/workflows.ts --redis <url>`).
 *
 *   npx tsx examples/distributed/worker.ts <redis-url> <prefix>
 */
import { Effect } from "effect"
import * as Worker from "effect-graflow/Worker"
import { warehouse, workerLayer } from "./workflows.js"

const [redis, prefix] = process.argv.slice(2)
if (redis === undefined) {
  console.error("usage: worker.ts <redis-url> [prefix]")
  process.exit(2)
}
process.stdout.write("READY\n")
Effect.runPromise(Worker.run({ workflows: [warehouse], redis, prefix, concurrency: 4 }).pipe(Effect.provide(workerLayer)))
