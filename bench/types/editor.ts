/**
 * The editor's view of large workflows: TypeScript's language service on one
 * file, as an editor drives it. For each shape, after an edit in the task
 * that reads results, the time until completion answers at `ctx.getResult("`
 * in that task, and whether it answers at all (a stack overflow in the checker
 * is reported, not thrown). Each shape and size runs in a fresh process, with
 * effect-graflow and with the floor (the same file against a minimal generic
 * API, no library at all), one after the other:
 *
 * - `chain`: N tasks, each reading its predecessor's result (`after: [previous]`),
 *   completion in the last one — the longest chain of inferred `after` references;
 * - `flat`: N tasks without `after` links, and a last task with `after` on the
 *   one before it, completion there — many tasks, a chain of 2;
 * - `forEach`: N tasks made with `Task.forEach` over an `as const` list of ids,
 *   and a last task with `after` on all of them (the tuple `forEach` gives),
 *   completion there — one task reading N results.
 *
 * Figures: the first request (a cold checker: everything the completion needs
 * is inferred once), the median of 5 requests each after an edit in the last
 * task's body (every type in the file may change, so it is inferred again), the
 * number of completion entries (the ids `getResult` takes), and whether any
 * request overflowed the stack.
 *
 *   npx tsx bench/types/editor.ts                      (after npm run build: every shape)
 *   npx tsx bench/types/editor.ts chain 100 170        (one shape, these sizes)
 */
import { execFileSync } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"
import { machine, median, printTable } from "../support.js"

const root = fileURLToPath(new URL("../..", import.meta.url))

/**
 * The floor: the smallest generic call that types a result by its `after`
 * task (a const id, the after tuple, a body whose context reads by id), with
 * no library at all, and the smallest `forEach` that keeps one task per id. A
 * chain of those is what every typed-dependency API asks of TypeScript.
 */
const minimalPrelude = [
  `import { Effect } from "effect"`,
  `interface T<Id extends string, A> { readonly id: Id; readonly a: A }`,
  `declare const Task: {`,
  `  make<const Id extends string, A>(id: Id, body: () => A): T<Id, A>`,
  `  make<const Id extends string, const After extends ReadonlyArray<T<string, unknown>>, A>(id: Id, options: { readonly after: After }, body: (ctx: { getResult<K extends After[number]["id"]>(id: K): Effect.Effect<Extract<After[number], { readonly id: K }>["a"]> }) => A): T<Id, A>`,
  `  forEach<const Ids extends ReadonlyArray<string>, A>(ids: Ids, make: (id: Ids[number], index: number) => T<Ids[number], A>): { readonly [K in keyof Ids]: T<Ids[K], A> }`,
  `}`,
  `declare const Workflow: { make(name: string, flow: unknown): unknown; chain(...flows: ReadonlyArray<unknown>): unknown; parallel(...flows: ReadonlyArray<unknown>): unknown }`
]

const prelude = (minimal: boolean): ReadonlyArray<string> =>
  minimal ? minimalPrelude : [`import { Effect } from "effect"`, `import { Task, Workflow } from "effect-graflow"`]

/** A file with the completion point: `head` ends with `ctx.getResult("`. */
interface Source {
  readonly head: string
  readonly tail: string
}

const ids = (n: number, prefix = "t") => Array.from({ length: n }, (_, i) => `${prefix}${i}`)

const shapes = {
  /** The chain file of bench/types/generate.ts, with the last task's getResult call left open for completion. */
  chain: (n: number, minimal: boolean): Source => {
    const lines = [...prelude(minimal), `const t0 = Task.make("t0", () => Effect.succeed(0))`]
    for (let i = 1; i < n - 1; i++) {
      lines.push(`const t${i} = Task.make("t${i}", { after: [t${i - 1}] }, (ctx) => Effect.map(ctx.getResult("t${i - 1}"), (x) => x + 1))`)
    }
    return {
      head: `${lines.join("\n")}\nconst last = Task.make("last", { after: [t${n - 2}] }, (ctx) => ctx.getResult("`,
      tail: `t${n - 2}"))\nexport const workflow = Workflow.make("chain", Workflow.chain(${ids(n - 1).join(", ")}, last))\n`
    }
  },
  /** N - 1 independent tasks in a parallel group, then one reading the result of the last of them. */
  flat: (n: number, minimal: boolean): Source => {
    const lines = [...prelude(minimal)]
    for (let i = 0; i < n - 1; i++) lines.push(`const t${i} = Task.make("t${i}", () => Effect.succeed(${i}))`)
    return {
      head: `${lines.join("\n")}\nconst last = Task.make("last", { after: [t${n - 2}] }, (ctx) => ctx.getResult("`,
      tail: `t${n - 2}"))\nexport const workflow = Workflow.make("flat", Workflow.chain(Workflow.parallel(${
        ids(n - 1).join(", ")
      }), last))\n`
    }
  },
  /** N - 1 tasks from `Task.forEach` over a literal list, then one with all of them in `after`. */
  forEach: (n: number, minimal: boolean): Source => {
    const lines = [
      ...prelude(minimal),
      `const ids = [${ids(n - 1).map((id) => `"${id}"`).join(", ")}] as const`,
      `const tasks = Task.forEach(ids, (id) => Task.make(id, () => Effect.succeed(id.length)))`
    ]
    return {
      head: `${lines.join("\n")}\nconst last = Task.make("last", { after: tasks }, (ctx) => ctx.getResult("`,
      tail: `t0"))\nexport const workflow = Workflow.make("forEach", Workflow.chain(Workflow.parallel(...tasks), last))\n`
    }
  }
} satisfies Record<string, (n: number, minimal: boolean) => Source>

type Shape = keyof typeof shapes

/** One request: its time, its number of entries, or the error it threw (a stack overflow). */
interface Request {
  readonly ms: number
  readonly entries: number
  readonly failure: string | undefined
}

interface Outcome {
  readonly first: Request
  readonly afterEdit: ReadonlyArray<Request>
}

const measure = (shape: Shape, n: number, minimal: boolean): Outcome => {
  const file = join(root, "bench", "types", `__editor_${shape}_${n}.ts`)
  const source = shapes[shape](n, minimal)
  let text = source.head + source.tail
  let at = source.head.length
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
  const complete = (): Request => {
    const started = performance.now()
    try {
      const result = service.getCompletionsAtPosition(file, at, {})
      return { ms: performance.now() - started, entries: result?.entries.length ?? 0, failure: undefined }
    } catch (error) {
      return {
        ms: performance.now() - started,
        entries: 0,
        failure: error instanceof RangeError ? "stack overflow" : String(error).slice(0, 80)
      }
    }
  }
  try {
    const first = complete()
    const afterEdit: Array<Request> = []
    for (let edit = 0; edit < 5; edit++) {
      // An edit in the last task's body, before the completion point: every type in the file may change.
      const edited = at - `ctx.getResult("`.length
      text = `${text.slice(0, edited)} ${text.slice(edited)}`
      at += 1
      version++
      afterEdit.push(complete())
    }
    return { first, afterEdit }
  } finally {
    service.dispose()
  }
}

const isShape = (name: string | undefined): name is Shape => name !== undefined && name in shapes

// A child process measures one shape, size and variant and prints its outcome as JSON.
if (process.argv[2] === "--one") {
  const [shape, n, variant] = [process.argv[3], Number(process.argv[4]), process.argv[5]]
  if (!isShape(shape)) throw new Error(`unknown shape ${shape}`)
  console.log(JSON.stringify(measure(shape, n, variant === "floor")))
} else {
  const defaults: ReadonlyArray<readonly [Shape, ReadonlyArray<number>]> = [
    ["chain", [25, 100, 150, 170, 200]],
    ["flat", [500]],
    ["forEach", [100, 250, 500]]
  ]
  const requested = process.argv[2]
  const plan = isShape(requested)
    ? [[requested, process.argv.slice(3).map(Number).filter((n) => n > 2)] as const]
    : defaults
  const run = (shape: Shape, n: number, variant: "ours" | "floor"): Outcome => {
    const output = execFileSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), "--one", shape, `${n}`, variant],
      { cwd: root, encoding: "utf8", maxBuffer: 1 << 26 }
    )
    return JSON.parse(output.trim().split("\n").at(-1) ?? "") as Outcome
  }
  const describe = (outcome: Outcome) => {
    const ok = outcome.afterEdit.filter((r) => r.failure === undefined)
    const overflowed = [outcome.first, ...outcome.afterEdit].filter((r) => r.failure !== undefined).length
    return {
      first: outcome.first.failure ?? `${outcome.first.ms.toFixed(0)} ms`,
      afterEdit: ok.length === 0 ? Number.NaN : median(ok.map((r) => r.ms)),
      entries: ok.at(-1)?.entries ?? outcome.first.entries,
      failures: overflowed === 0 ? "no" : `${overflowed} of 6 (${[outcome.first, ...outcome.afterEdit].find((r) => r.failure)?.failure})`
    }
  }
  const show = (ms: number) => Number.isNaN(ms) ? "—" : `${ms.toFixed(0)} ms`
  const rows: Array<ReadonlyArray<string>> = []
  for (const [shape, sizes] of plan) {
    for (const n of sizes) {
      const ours = describe(run(shape, n, "ours"))
      const floor = describe(run(shape, n, "floor"))
      const ratio = Number.isNaN(ours.afterEdit) || Number.isNaN(floor.afterEdit) ? "—" : `${(ours.afterEdit / floor.afterEdit).toFixed(2)}×`
      rows.push([
        `${shape} of ${n}`,
        ours.first,
        show(ours.afterEdit),
        `${ours.entries}`,
        ours.failures,
        floor.first,
        show(floor.afterEdit),
        floor.failures,
        ratio
      ])
    }
  }
  console.log(machine(`TypeScript ${ts.version}, language service, a fresh process per shape, size and variant`))
  printTable(
    [
      "completion of ctx.getResult(\" in the reading task",
      "ours: first request",
      "ours: after an edit (median of 5)",
      "entries",
      "ours: overflowed",
      "floor: first request",
      "floor: after an edit",
      "floor: overflowed",
      "ours / floor"
    ],
    rows
  )
}
