/**
 * The second process of the approval example: a person (or a web handler)
 * answering a refund's approval request, or resuming a suspended refund.
 *
 *   npx tsx examples/approval/person.ts respond <redis-url> <run-id> <yes|no> <name>
 *   npx tsx examples/approval/person.ts resume <redis-url> <run-id>
 */
import { Effect } from "effect"
import { type Channel, Workflow } from "effect-graflow"
import * as RedisChannel from "effect-graflow/RedisChannel"
import { refunds } from "./workflow.js"

const [command, url, runId, answer, by] = process.argv.slice(2)
if (url === undefined || runId === undefined || (command !== "respond" && command !== "resume")) {
  console.error("usage: person.ts respond <redis-url> <run-id> <yes|no> <name> | resume <redis-url> <run-id>")
  process.exit(2)
}
const workflow = refunds("1 hour")
const layer = RedisChannel.layerWithCheckpoints({ url, prefix: "examples:approval:" })

const program: Effect.Effect<string, unknown, Channel.Channel> = command === "respond"
  ? Effect.as(Workflow.respond(workflow, runId, "approval", { approved: answer === "yes", by: by ?? "someone" }), "responded")
  : Effect.map(Workflow.resume(workflow, { runId }), (out) => out.status === "completed" ? out.results.settle : out.status)

Effect.runPromise(program.pipe(Effect.provide(layer))).then(
  (line) => console.log(line),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  }
)
