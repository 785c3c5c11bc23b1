/**
 * Type-check cost of the generated workflows next to untyped baselines of the
 * same size: `tsc --noEmit --extendedDiagnostics` on each file alone, against
 * the built declarations (run `npm run build` and bench/types/generate.ts first).
 *
 *   npm run bench:types
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { machine, printTable } from "../support.js"

const root = fileURLToPath(new URL("../..", import.meta.url))
const tsc = join(root, "node_modules", "typescript", "bin", "tsc")

interface Figures {
  readonly checkSeconds: number
  readonly instantiations: number
  readonly types: number
  readonly memoryMb: number
  readonly errors: number
}

/** The compiler options of a user's strict project, plus `extra`. */
const strictOptions = (extra: object) => ({
  target: "ES2022",
  lib: ["ES2023"],
  module: "NodeNext",
  moduleResolution: "NodeNext",
  types: ["node"],
  typeRoots: [join(root, "node_modules", "@types")],
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: true,
  ...extra
})

/** Runs tsc on `file` alone with `options` in a scratch directory; its output, and whether it failed. */
const runTsc = (file: string, options: object, args: ReadonlyArray<string>, scratch: (dir: string) => void = () => {}) => {
  const dir = mkdtempSync(join(tmpdir(), "graflow-types-"))
  const config = join(dir, "tsconfig.json")
  writeFileSync(config, JSON.stringify({ compilerOptions: strictOptions(options), files: [file] }))
  try {
    const output = execFileSync(process.execPath, [tsc, "-p", config, ...args], { cwd: root, encoding: "utf8" })
    scratch(dir)
    return { output, failed: false }
  } catch (error) {
    return { output: String((error as { stdout?: unknown }).stdout ?? ""), failed: true }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const measure = (file: string): Figures => {
  const { output, failed } = runTsc(file, { noEmit: true }, ["--extendedDiagnostics"])
  const number = (label: string) => Number(new RegExp(`${label}:\\s+([\\d.]+)`).exec(output)?.[1] ?? Number.NaN)
  return {
    checkSeconds: number("Check time"),
    instantiations: number("Instantiations"),
    types: number("Types"),
    memoryMb: Math.round(number("Memory used") / 1024),
    errors: failed ? (output.match(/error TS/g) ?? []).length : 0
  }
}

/** The size of the declarations TypeScript emits for `file` (what a library exporting the workflow ships). */
const emittedBytes = (file: string): number => {
  let bytes = Number.NaN
  const { output, failed } = runTsc(
    file,
    { declaration: true, emitDeclarationOnly: true, rootDir: dirname(file), outDir: "out" },
    [],
    (dir) => {
      const out = join(dir, "out")
      bytes = readdirSync(out).reduce((sum, name) => sum + statSync(join(out, name)).size, 0)
    }
  )
  if (failed) throw new Error(`emitting the declarations of ${file} failed:\n${output}`)
  return bytes
}

const importOnly = join(root, "bench", "types", "baseline", "import-only.ts")
writeFileSync(importOnly, `import { Effect } from "effect"\nimport { Task } from "effect-graflow"\nexport const t = Task.make("t", () => Effect.succeed(1))\n`)

const rows: Array<ReadonlyArray<string>> = []
const row = (label: string, figures: Figures) =>
  rows.push([
    label,
    figures.checkSeconds.toFixed(2),
    figures.instantiations.toLocaleString("en"),
    figures.types.toLocaleString("en"),
    `${figures.memoryMb}`,
    `${figures.errors}`
  ])
row("import effect + effect-graflow, one task", measure(importOnly))
for (const shape of ["chain", "fanout"]) {
  for (const n of [200, 500]) {
    row(`${shape} of ${n}, effect-graflow`, measure(join(root, "type-tests", "generated", `${shape}-${n}.test-d.ts`)))
    row(`${shape} of ${n}, plain Effect baseline`, measure(join(root, "bench", "types", "baseline", `${shape}-${n}.ts`)))
  }
}
row("realistic: 100 tasks, 40-key schema, 2 reads + 1 write + 2 after each", measure(join(root, "type-tests", "generated", "realistic-100.test-d.ts")))
row(
  "heavy realistic (issue 17): 100 tasks, 40-key schema of 8 kinds, 2 reads + 1 write + 2 after read each, struct results",
  measure(join(root, "type-tests", "generated", "heavy-100.test-d.ts"))
)
row(
  "composition: 100 tasks, 5 sub-workflows (Task.workflow), 5 branches (Flow.branch), 5 maps (Flow.map)",
  measure(join(root, "type-tests", "generated", "composition-100.test-d.ts"))
)
rmSync(importOnly)
console.log(machine(`TypeScript ${execFileSync(process.execPath, [tsc, "--version"], { encoding: "utf8" }).trim()}`))
printTable(["file", "check time (s)", "instantiations", "types", "memory (MB)", "errors"], rows)
const realisticDts = emittedBytes(join(root, "type-tests", "generated", "realistic-100.test-d.ts"))
console.log(`\nemitted .d.ts of the realistic workflow (100 tasks, 40-key schema): ${(realisticDts / 1024).toFixed(1)} KB`)
