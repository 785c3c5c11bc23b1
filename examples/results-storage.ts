/**
 * Results storage (the seed's results_storage.py and "Result Dependencies"):
 * every result is stored under `{task_id}.__result__`; a task reads the
 * results of the tasks it declares in `after` with ctx.getResult, typed; a
 * failing task fails the run with TaskFailed naming it, and has no result.
 *
 *   npx tsx examples/results-storage.ts
 */
import { Effect, Schema } from "effect"
import { Task, Workflow } from "effect-graflow"

const calculate = Task.make("calculate", () => 42) // stored as "calculate.__result__"
const fetch = Task.make("fetch", () => Effect.succeed({ data: [1, 2, 3] }))

const processData = Task.make("process", { after: [fetch, calculate] }, (ctx) =>
  Effect.gen(function*() {
    const input = yield* ctx.getResult("fetch") // { data: number[] }: the compiler knows
    const previous = yield* ctx.getResult("calculate") // number
    return { processed: input.data.length, doubled: previous * 2 }
  }))

// The result key is a channel key like any other, readable by anyone who knows it.
const audit = Task.make("audit", (ctx) => ctx.untyped.get("calculate.__result__"))

export const pipeline = Workflow.make("results", Workflow.chain(Workflow.parallel(fetch, calculate), processData, audit))

// Error handling: a task fails with its own typed error; the run fails with TaskFailed naming it.
class SourceDown extends Schema.TaggedError<SourceDown>()("SourceDown", { source: Schema.String }) {}
const flaky = Task.make("flaky_fetch", () => Effect.fail(new SourceDown({ source: "api" })))
const never = Task.make("never_runs", () => "unreachable")
export const failing = Workflow.make("failing", Workflow.chain(flaky, never))

export const program = Effect.gen(function*() {
  const out = yield* Workflow.run(pipeline)
  const failure = yield* Workflow.run(failing).pipe(
    Effect.map(() => "no failure"),
    Effect.catchTag("TaskFailed", (error) =>
      Effect.succeed(`${error.taskId} failed: ${error.cause._tag === "SourceDown" ? `source ${error.cause.source} is down` : error.cause._tag}`))
  )
  return { process: out.results.process, audit: out.results.audit, failure }
})

if (import.meta.url === `file://${process.argv[1]}`) {
  Effect.runPromise(program).then((summary) => console.log(JSON.stringify(summary, null, 2)))
}
