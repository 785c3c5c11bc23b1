/**
 * The editor's view of large workflows: TypeScript's language service on one
 * file, as an editor drives it. For a chain of N tasks (each reading its
 * predecessor's result), after an edit in the last task, the time until
 * completion answers at `ctx.getResult("` in that task, and whether it answers
 * at all (a stack overflow in the checker is reported, not thrown).
 *
 *   npx tsx bench/types/editor.ts [N…]      (after npm run build)
 */
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"
import { machine, printTable } from "../support.js"

const root = fileURLToPath(new URL("../..", import.meta.url))

/**
 * The floor: the smallest generic call that types a result by its `after`
 * task (a const id, the after tuple, a body whose context reads by id), with
 * no library at all. A chain of those is what every typed-dependency API
 * asks of TypeScript.
 */
const minimalPrelude = [
  `import { Effect } from "effect"`,
  `interface T<Id extends string, A> { readonly id: Id; readonly a: A }`,
  `declare const Task: {`,
  `  make<const Id extends string, A>(id: Id, body: () => A): T<Id, A>`,
  `  make<const Id extends string, const After extends ReadonlyArray<T<string, unknown>>, A>(id: Id, options: { readonly after: After }, body: (ctx: { getResult<K extends After[number]["id"]>(id: K): Effect.Effect<Extract<After[number], { readonly id: K }>["a"]> }) => A): T<Id, A>`,
  `}`,
  `declare const Workflow: { make(name: string, flow: unknown): unknown; chain(...flows: ReadonlyArray<unknown>): unknown }`
]

/** The chain file of bench/types/generate.ts, with the last task's getResult call left open for completion. */
const chainSource = (n: number, minimal: boolean): { readonly text: string; readonly at: number } => {
  const lines = [
    ...(minimal ? minimalPrelude : [`import { Effect } from "effect"`, `import { Task, Workflow } from "effect-graflow"`]),
    `const t0 = Task.make("t0", () => Effect.succeed(0))`
  ]
  for (let i = 1; i < n - 1; i++) {
    lines.push(`const t${i} = Task.make("t${i}", { after: [t${i - 1}] }, (ctx) => Effect.map(ctx.getResult("t${i - 1}"), (x) => x + 1))`)
  }
  const head = `${lines.join("\n")}\nconst last = Task.make("last", { after: [t${n - 2}] }, (ctx) => ctx.getResult("`
  const tail = `t${n - 2}"))\nexport const workflow = Workflow.make("chain", Workflow.chain(${
    Array.from({ length: n - 1 }, (_, i) => `t${i}`).join(", ")
  }, last))\n`
  return { text: head + tail, at: head.length }
}

interface Outcome {
  readonly firstMs: number
  readonly afterEditMs: ReadonlyArray<number>
  readonly completions: number
  readonly failure: string | undefined
}

const measure = (n: number, minimal: boolean): Outcome => {
  const file = join(root, "bench", "types", `__editor_chain_${n}.ts`)
  let { text, at } = chainSource(n, minimal)
  let version = 0
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2023.d.ts"],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    noEmit: true,
    types: []
  }
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => options,
    getScriptFileNames: () => [file],
    getScriptVersion: (name) => name === file ? `${version}` : "0",
    getScriptSnapshot: (name) => {
      if (name === file) return ts.ScriptSnapshot.fromString(text)
      return existsSync(name) ? ts.ScriptSnapshot.fromString(readFileSync(name, "utf8")) : undefined
    },
    getCurrentDirectory: () => root,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (name) => name === file || ts.sys.fileExists(name),
    readFile: (name) => name === file ? text : ts.sys.readFile(name),
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories
  }
  const service = ts.createLanguageService(host, ts.createDocumentRegistry())
  const complete = (): { readonly ms: number; readonly count: number } => {
    const started = performance.now()
    const result = service.getCompletionsAtPosition(file, at, {})
    return { ms: performance.now() - started, count: result?.entries.length ?? 0 }
  }
  try {
    const first = complete()
    const afterEdit: Array<number> = []
    let count = first.count
    for (let edit = 0; edit < 5; edit++) {
      // An edit in the last task's body, before the completion point: every type in the file may change.
      text = `${text.slice(0, at - `ctx.getResult("`.length)} ${text.slice(at - `ctx.getResult("`.length)}`
      at += 1
      version++
      const next = complete()
      afterEdit.push(next.ms)
      count = next.count
    }
    return { firstMs: first.ms, afterEditMs: afterEdit, completions: count, failure: undefined }
  } catch (error) {
    return {
      firstMs: Number.NaN,
      afterEditMs: [],
      completions: 0,
      failure: error instanceof RangeError ? `stack overflow (${error.message})` : String(error)
    }
  } finally {
    service.dispose()
  }
}

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 2)
const rows: Array<ReadonlyArray<string>> = []
for (const n of sizes.length > 0 ? sizes : [25, 100, 150, 200, 500]) {
  for (const minimal of [false, true]) {
    const outcome = measure(n, minimal)
    const sorted = [...outcome.afterEditMs].sort((a, b) => a - b)
    rows.push([
      `chain of ${n}, ${minimal ? "minimal generic call (floor)" : "effect-graflow"}`,
      outcome.failure ?? `${outcome.firstMs.toFixed(0)} ms`,
      outcome.failure === undefined ? `${sorted[Math.floor(sorted.length / 2)]?.toFixed(0)} ms` : "—",
      outcome.failure === undefined ? `${outcome.completions}` : "—"
    ])
  }
}
console.log(machine(`TypeScript ${ts.version}, language service`))
printTable(["completion of ctx.getResult(\" in the last task", "first request", "after an edit (median of 5)", "entries"], rows)
