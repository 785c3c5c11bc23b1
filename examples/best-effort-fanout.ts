/**
 * A best-effort fan-out: ask several sources in parallel, keep what answers,
 * and merge. One source is down; the group tolerates it, and the merge sees
 * exactly the results of the sources that succeeded.
 *
 *   npx tsx examples/best-effort-fanout.ts
 */
import { Effect, Option } from "effect"
import { Task, Workflow } from "effect-graflow"

const source = <const Id extends string>(id: Id, answer: Effect.Effect<ReadonlyArray<string>, string>) =>
  Task.make(id, { timeout: "2 seconds" }, (ctx) =>
    Effect.tap(answer, (items) => ctx.untyped.append("answered", id).pipe(Effect.when(Effect.succeed(items.length > 0)))))

export const search = source("search", Effect.succeed(["effect", "graflow"]))
export const wiki = source("wiki", Effect.fail("wiki is down"))
export const cache = source("cache", Effect.succeed(["workflow"]))

export const merge = Task.make(
  "merge",
  { after: [Task.optional(search), Task.optional(wiki), Task.optional(cache)] },
  (ctx) =>
    Effect.gen(function*() {
      const answers = yield* Effect.all([ctx.getResult("search"), ctx.getResult("wiki"), ctx.getResult("cache")])
      const found = answers.flatMap((answer) => Option.getOrElse(answer, () => []))
      return { sources: answers.filter(Option.isSome).length, found }
    })
)

export const fanout = Workflow.make(
  "best-effort-fanout",
  Workflow.chain(Workflow.parallelWith({ policy: "best-effort", name: "sources" }, search, wiki, cache), merge)
)

export const program = Effect.map(Workflow.run(fanout), (out) => ({
  merged: out.results.merge,
  answered: [...((out.channel.answered as ReadonlyArray<string> | undefined) ?? [])].sort()
}))

if (import.meta.url === `file://${process.argv[1]}`) {
  Effect.runPromise(program).then((summary) => console.log(summary))
}
