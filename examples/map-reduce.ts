/**
 * A map-reduce over a list computed at run time: "documents" lists the
 * documents of a library (how many is known only when it runs), `Flow.map`
 * counts the words of each, at most three at once, and "reduce" sums the
 * counts and names the longest document. The map's result is the list of the
 * items' results, in the order of the documents.
 *
 *   npx tsx examples/map-reduce.ts
 */
import { Effect, Schema } from "effect"
import { Flow, Progress, Task, Workflow } from "effect-graflow"

const Document = Schema.Struct({ title: Schema.String, text: Schema.String })
type Document = typeof Document.Type

const library: ReadonlyArray<Document> = [
  { title: "graflow", text: "tasks talk through channels" },
  { title: "effect", text: "a run is an effect that composes with any other effect" },
  { title: "redis", text: "the same workflow runs on redis shared by many processes" },
  { title: "notes", text: "" },
  { title: "readme", text: "the type checker knows the workflow" }
]

/** The run's input: which documents to count (their titles start with one of these letters). */
export const query = Task.input("query", Schema.Struct({ initials: Schema.String }))

/** The map's source: a task whose result is the list. */
export const documents = Task.make("documents", { after: [query] }, (ctx) =>
  Effect.map(ctx.getResult("query"), ({ initials }) => library.filter((doc) => initials.includes(doc.title[0] ?? ""))))

/** What runs per element: a template whose parameters are the element. */
export const countWords = Task.template((_ctx, doc: Document) =>
  Effect.succeed({ title: doc.title, words: doc.text.split(/\s+/).filter((word) => word !== "").length }))

/** One item per document, at most three at once. */
export const counts = Flow.map("counts", documents, countWords, { concurrency: 3 })

export const reduce = Task.make("reduce", { after: [counts] }, (ctx) =>
  Effect.map(ctx.getResult("counts"), (perDocument) => ({
    documents: perDocument.length,
    words: perDocument.reduce((sum, { words }) => sum + words, 0),
    longest: perDocument.reduce((a, b) => (b.words > a.words ? b : a), { title: "none", words: 0 }).title
  })))

export const wordCount = Workflow.make("word-count", Flow.chain(query, documents, counts, reduce))

/** Runs the word count and keeps the progress events of the items (`counts[0]`, `counts[1]`, …). */
export const program = Effect.gen(function*() {
  const items: Array<string> = []
  const out = yield* Workflow.run(wordCount, { input: { initials: "grn" } }).pipe(
    Effect.provide(Progress.layer({
      onEvent: (event) =>
        Effect.sync(() => {
          if (event._tag === "TaskSucceeded" && event.item !== undefined) items.push(event.taskId)
        })
    }))
  )
  const { documents: n, longest, words } = out.results.reduce
  return {
    counts: out.results.counts,
    summary: `${n} documents, ${words} words; the longest is "${longest}"`,
    items: items.sort()
  }
})

if (import.meta.url === `file://${process.argv[1]}`) {
  Effect.runPromise(program).then((result) => console.log(result.summary))
}
