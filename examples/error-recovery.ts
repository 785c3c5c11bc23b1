/**
 * Error recovery with goto: "validate" checks the fetched rows; bad rows make
 * it jump to "quarantine", skipping "load". A flaky "fetch" is retried with a
 * Schedule before any of that.
 *
 *   npx tsx examples/error-recovery.ts
 */
import { Effect, Option, Schedule } from "effect"
import { Task, Workflow } from "effect-graflow"

class SourceUnavailable {
  readonly _tag = "SourceUnavailable"
}

/** Fetch rows; the source fails on the first attempt (a transient error), so the retry kicks in. */
export const makeFetch = (rows: ReadonlyArray<number>) =>
  Task.make(
    "fetch",
    { retry: Schedule.recurs(2) },
    (ctx) => ctx.attempt === 1 ? Effect.fail(new SourceUnavailable()) : Effect.succeed({ rows, attempts: ctx.attempt })
  )

export const makeWorkflow = (rows: ReadonlyArray<number>) => {
  const fetch = makeFetch(rows)
  const validate = Task.make("validate", { after: [fetch], goto: ["quarantine"] }, (ctx) =>
    Effect.gen(function*() {
      const { rows } = yield* ctx.getResult("fetch")
      const bad = rows.filter((row) => row < 0)
      if (bad.length > 0) {
        yield* ctx.untyped.set("rejected", bad)
        yield* ctx.goto("quarantine") // skip "load"
      }
      return { good: rows.length - bad.length, bad: bad.length }
    }))
  const load = Task.make("load", { after: [Task.optional(validate)] }, (ctx) =>
    Effect.map(ctx.getResult("validate"), (v) => `loaded ${Option.match(v, { onNone: () => 0, onSome: (x) => x.good })} rows`))
  const quarantine = Task.make("quarantine", (ctx) =>
    Effect.map(ctx.untyped.get("rejected", []), (rejected) => `quarantined ${JSON.stringify(rejected)}`))
  return Workflow.make("error-recovery", Workflow.chain(fetch, validate, load, quarantine))
}

export const program = (rows: ReadonlyArray<number>) =>
  Effect.map(Workflow.run(makeWorkflow(rows)), (out) => ({
    fetchAttempts: out.results.fetch.attempts,
    load: out.results.load,
    quarantine: out.results.quarantine
  }))

if (import.meta.url === `file://${process.argv[1]}`) {
  Effect.runPromise(Effect.all([program([1, 2, 3]), program([1, -2, 3, -4])])).then(([clean, dirty]) => {
    console.log("clean batch:", clean)
    console.log("dirty batch:", dirty)
  })
}
