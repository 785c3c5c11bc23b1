/**
 * Distributed execution: starts two worker processes, runs the warehouse
 * workflow from this process (the producer), and stops the workers. The
 * extracts run on the workers, with a service only they have.
 *
 *   REDIS_URL=redis://127.0.0.1:6380 npx tsx examples/distributed/main.ts
 */
import { Effect } from "effect"
import * as Distributed from "effect-graflow/Distributed"
import { type ChildProcess, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { warehouse } from "./workflows.js"

const workerScript = fileURLToPath(new URL("./worker.ts", import.meta.url))

const startWorker = (redis: string, prefix: string) =>
  Effect.acquireRelease(
    Effect.callback<ChildProcess>((resume) => {
      const child = spawn(process.execPath, ["--import", "tsx", workerScript, redis, prefix], { stdio: ["ignore", "pipe", "inherit"] })
      child.stdout?.once("data", () => resume(Effect.succeed(child)))
    }),
    (child) =>
      Effect.callback<void>((resume) => {
        child.once("exit", () => resume(Effect.void))
        child.kill("SIGTERM")
      })
  )

export const program = (redis: string, prefix = "examples:distributed:") =>
  Effect.scoped(Effect.gen(function*() {
    const workers = yield* Effect.all([startWorker(redis, prefix), startWorker(redis, prefix)])
    const out = yield* Distributed.run(warehouse).pipe(Effect.provide(Distributed.layer({ redis, prefix })))
    const pids = new Set(workers.map((w) => w.pid))
    const report = out.status === "completed" ? out.results.report : undefined
    const ranOnWorkers = out.status === "completed" &&
      [out.results.users, out.results.orders, out.results.events].every((r) => pids.has(r.worker))
    return { report, ranOnWorkers }
  }))

if (import.meta.url === `file://${process.argv[1]}`) {
  const redis = process.env["REDIS_URL"]
  if (redis === undefined) {
    console.error("set REDIS_URL (a Redis server the example may write to, under examples:distributed:)")
    process.exit(2)
  }
  Effect.runPromise(program(redis)).then((summary) => console.log(summary))
}
