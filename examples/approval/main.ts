/**
 * Human in the loop across processes, on Redis:
 *
 * 1. a refund waits for approval while a second process answers it;
 * 2. a refund that nobody answers in time suspends (checkpointed, with its
 *    pending request); the second process answers it, and a third resumes it
 *    to completion.
 *
 *   REDIS_URL=redis://127.0.0.1:6380 npx tsx examples/approval/main.ts
 */
import { Effect, Fiber } from "effect"
import { Workflow } from "effect-graflow"
import * as RedisChannel from "effect-graflow/RedisChannel"
import { execFile } from "node:child_process"
import { randomUUID } from "node:crypto"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { refunds } from "./workflow.js"

const person = fileURLToPath(new URL("./person.ts", import.meta.url))

/** Runs the second process (`node --import tsx person.ts …`) and gives what it printed. */
const otherProcess = (...args: ReadonlyArray<string>) =>
  Effect.promise(() => promisify(execFile)(process.execPath, ["--import", "tsx", person, ...args])).pipe(
    Effect.map(({ stdout }) => stdout.trim())
  )

export const program = (url: string) =>
  Effect.gen(function*() {
    // 1. Waiting: the run blocks on the request; another process answers it.
    const waiting = refunds("1 hour")
    const live = `refund-${randomUUID().slice(0, 8)}`
    const fiber = yield* Effect.forkChild(Workflow.run(waiting, { runId: live, input: { orderId: "A-1", amount: 250 } }))
    yield* otherProcess("respond", url, live, "yes", "ana")
    const answered = yield* Fiber.join(fiber)

    // 2. Suspended: nobody answers at once; the run checkpoints and returns its pending request.
    const impatient = refunds(0)
    const later = `refund-${randomUUID().slice(0, 8)}`
    const suspended = yield* Workflow.run(impatient, { runId: later, input: { orderId: "B-2", amount: 400 } })
    const pending = suspended.status === "suspended" ? suspended.requests : []
    yield* otherProcess("respond", url, later, "no", "bo")
    const resumed = yield* otherProcess("resume", url, later)
    return {
      answered: answered.status === "completed" ? answered.results.settle : answered.status,
      suspended: suspended.status,
      pending: pending.map((r) => `${r.name} (${r.taskId}): ${r.prompt ?? ""}`),
      resumed
    }
  }).pipe(Effect.provide(RedisChannel.layerWithCheckpoints({ url, prefix: "examples:approval:" })))

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env["REDIS_URL"]
  if (url === undefined) {
    console.error("set REDIS_URL (a Redis server the example may write to, under examples:approval:)")
    process.exit(2)
  }
  Effect.runPromise(program(url)).then((summary) => console.log(summary))
}
