/**
 * The package as users install it: `npm pack` (which builds dist/ first),
 * unpacked into a fresh node_modules, then every subpath of the exports map
 * imported first and alone, each in a fresh Node process — with ioredis
 * installed and without it (it is an optional peer dependency).
 */
import { execFile } from "node:child_process"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const run = promisify(execFile)
const root = fileURLToPath(new URL("..", import.meta.url))

interface Installed {
  readonly dir: string
  readonly files: ReadonlyArray<string>
}

/** Packs the project and installs the tarball into `<tmp>/<name>/node_modules`, with effect, and ioredis and bullmq when asked. */
const install = async (tmp: string, name: string, tarball: string, withIoredis: boolean): Promise<string> => {
  const dir = join(tmp, name)
  const modules = join(dir, "node_modules")
  mkdirSync(join(modules, "effect-graflow"), { recursive: true })
  await run("tar", ["-xzf", tarball, "-C", join(modules, "effect-graflow"), "--strip-components=1"])
  symlinkSync(join(root, "node_modules", "effect"), join(modules, "effect"), "dir")
  symlinkSync(join(root, "node_modules", "type-fest"), join(modules, "type-fest"), "dir")
  symlinkSync(join(root, "node_modules", "ts-pattern"), join(modules, "ts-pattern"), "dir")
  if (withIoredis) {
    // ioredis and bullmq (the optional peers) and what they require, as npm would have installed them next to it.
    const lock: { readonly packages: Record<string, { readonly dependencies?: Record<string, string> }> } = JSON.parse(
      readFileSync(join(root, "package-lock.json"), "utf8")
    )
    const needed = new Set<string>()
    const visit = (pkg: string) => {
      if (needed.has(pkg)) return
      needed.add(pkg)
      for (const dep of Object.keys(lock.packages[`node_modules/${pkg}`]?.dependencies ?? {})) visit(dep)
    }
    visit("ioredis")
    visit("bullmq")
    for (const pkg of needed) {
      if (pkg.includes("/")) mkdirSync(join(modules, pkg.split("/")[0]!), { recursive: true })
      symlinkSync(join(root, "node_modules", pkg), join(modules, pkg), "dir")
    }
  }
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `consumer-${name}`, type: "module", private: true }))
  return dir
}

/** Imports `specifier` alone in a fresh process; prints whether any ioredis module got loaded. */
const importAlone = (dir: string, specifier: string) =>
  run(process.execPath, [
    "--input-type=module",
    "-e",
    `import { createRequire } from "node:module"
const loaded = await import(${JSON.stringify(specifier)})
const cache = Object.keys(createRequire(import.meta.url).cache)
console.log(JSON.stringify({
  exports: Object.keys(loaded).length,
  ioredis: cache.some((p) => p.includes("/ioredis/")),
  bullmq: cache.some((p) => p.includes("/bullmq/"))
}))`
  ], { cwd: dir }).then(({ stdout }) =>
    JSON.parse(stdout) as { readonly exports: number; readonly ioredis: boolean; readonly bullmq: boolean }
  )

/** The subpaths that need the optional peers: ioredis (all three) and bullmq (distributed runs). */
const onRedis = ["effect-graflow/RedisChannel", "effect-graflow/Distributed", "effect-graflow/Worker"]
const onBullmq = ["effect-graflow/Distributed", "effect-graflow/Worker"]

describe("the package", () => {
  let tmp = ""
  let packed: Installed = { dir: "", files: [] }
  let withIoredis = ""
  let withoutIoredis = ""

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "effect-graflow-pack-"))
    const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", tmp], { cwd: root, maxBuffer: 64 * 1024 * 1024 })
    const [info] = JSON.parse(stdout) as ReadonlyArray<{ readonly filename: string; readonly files: ReadonlyArray<{ readonly path: string }> }>
    if (info === undefined) throw new Error("npm pack printed nothing")
    packed = { dir: tmp, files: info.files.map((f) => f.path) }
    const tarball = join(tmp, info.filename)
    withIoredis = await install(tmp, "with-ioredis", tarball, true)
    withoutIoredis = await install(tmp, "without-ioredis", tarball, false)
  }, 120_000)

  afterAll(() => {
    if (tmp !== "") rmSync(tmp, { recursive: true, force: true })
  })

  it("ships the built modules, their types, the license and the changelog, and no tests", () => {
    expect(packed.files).toEqual(expect.arrayContaining([
      "dist/index.js",
      "dist/index.d.ts",
      "dist/RedisChannel.js",
      "dist/cli.js",
      "dist/Studio.js",
      "studio/index.html",
      "studio/studio.js",
      "studio/studio.css",
      "LICENSE",
      "CHANGELOG.md",
      "README.md",
      "package.json"
    ]))
    expect(packed.files.filter((f) => f.startsWith("test/") || f.startsWith("type-tests/") || f.startsWith("bench/"))).toEqual([])
  })

  it("names its repository, homepage and issue tracker, and asks for ioredis, bullmq and the studio's dependencies only as optional peers", () => {
    const manifest = JSON.parse(readFileSync(join(withIoredis, "node_modules", "effect-graflow", "package.json"), "utf8"))
    expect(manifest.repository?.url).toMatch(/^git\+https:\/\//)
    expect(manifest.homepage).toMatch(/^https:\/\//)
    expect(manifest.bugs?.url).toMatch(/^https:\/\//)
    expect(manifest.dependencies).toEqual({ effect: expect.any(String), "ts-pattern": expect.any(String), "type-fest": expect.any(String) })
    expect(manifest.peerDependencies).toEqual({
      ioredis: expect.any(String),
      bullmq: expect.any(String),
      "@effect/platform-node": expect.any(String),
      mermaid: expect.any(String)
    })
    expect(manifest.peerDependenciesMeta).toEqual({
      ioredis: { optional: true },
      bullmq: { optional: true },
      "@effect/platform-node": { optional: true },
      mermaid: { optional: true }
    })
  })

  const subpaths = (): ReadonlyArray<string> => {
    const modules = packed.files
      .filter((f) => /^dist\/[A-Za-z]+\.js$/.test(f) && f !== "dist/index.js")
      .map((f) => `effect-graflow/${f.slice("dist/".length, -".js".length)}`)
    return ["effect-graflow", ...modules]
  }

  it("every subpath loads first and alone, in a fresh process", async () => {
    const paths = subpaths()
    expect(paths).toEqual(expect.arrayContaining(["effect-graflow/Task", "effect-graflow/Channel", "effect-graflow/RedisChannel"]))
    for (const specifier of paths) {
      const outcome = await importAlone(withIoredis, specifier)
      expect(outcome.exports, specifier).toBeGreaterThan(0)
    }
  }, 120_000)

  it("only RedisChannel, Distributed and Worker load ioredis, and only the last two bullmq", async () => {
    for (const specifier of subpaths()) {
      const outcome = await importAlone(withIoredis, specifier)
      expect(outcome.ioredis, specifier).toBe(onRedis.includes(specifier))
      expect(outcome.bullmq, specifier).toBe(onBullmq.includes(specifier))
    }
  }, 120_000)

  it("without the optional peers installed, everything else loads; those subpaths name what is missing", async () => {
    for (const specifier of subpaths().filter((s) => !onRedis.includes(s))) {
      expect((await importAlone(withoutIoredis, specifier)).exports, specifier).toBeGreaterThan(0)
    }
    for (const specifier of onRedis) {
      const failure = await importAlone(withoutIoredis, specifier).then(() => "", (error: { stderr?: string }) => error.stderr ?? "")
      expect(failure, specifier).toMatch(/ioredis|bullmq/)
    }
    // The studio loads without its dependencies; serving it says what to install.
    const { stdout } = await run(process.execPath, [
      "--input-type=module",
      "-e",
      `import { Effect } from "effect"
import { MemoryChannel } from "effect-graflow"
import * as Studio from "effect-graflow/Studio"
const exit = await Effect.runPromiseExit(Studio.serve({ workflows: [] }).pipe(Effect.scoped, Effect.provide(MemoryChannel.layer)))
console.log(JSON.stringify(exit._tag === "Failure" ? exit.cause.reasons.map((r) => r.error?.message ?? String(r)) : "served"))`
    ], { cwd: withoutIoredis })
    expect(stdout).toContain("the studio needs @effect/platform-node, which is not installed: npm i -D @effect/platform-node mermaid")
  }, 120_000)

  it("a consumer's emitted declarations name only public modules, and type-check where they are used", async () => {
    const dir = join(withIoredis, "emits")
    mkdirSync(dir)
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }))
    const options = {
      target: "ES2022",
      lib: ["ES2023"],
      module: "NodeNext",
      moduleResolution: "NodeNext",
      types: [],
      strict: true,
      exactOptionalPropertyTypes: true,
      skipLibCheck: true
    }
    // A library of the user's that exports a workflow, a task, a run and a program needing the channel.
    writeFileSync(
      join(dir, "workflows.ts"),
      `import { Effect, Schema } from "effect"
import { Channel, Task, Workflow } from "effect-graflow"
const Channels = Channel.schema({ n: Schema.Number })
const a = Task.make("a", { channels: Channels, writes: ["n"] }, (ctx) => ctx.channel.set("n", 1))
export const b = Task.make("b", { after: [a] }, (ctx) => Effect.map(ctx.getResult("a"), () => 2))
export const workflow = Workflow.make("w", { channels: Channels }, Workflow.chain(a, b))
export const run = Workflow.run(workflow)
export const cleanup = Workflow.deleteRun(workflow, "r1")
`
    )
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { ...options, declaration: true, emitDeclarationOnly: true, outDir: "out" }, files: ["workflows.ts"] })
    )
    const tsc = join(root, "node_modules", "typescript", "bin", "tsc")
    await run(process.execPath, [tsc, "-p", dir], { cwd: dir })
    const emitted = readFileSync(join(dir, "out", "workflows.d.ts"), "utf8")
    expect(emitted).not.toContain("internal")
    expect(emitted).not.toContain("readonly ids")
    // Where those declarations are used, nothing in them is unresolved (an unresolved import would make it any).
    writeFileSync(
      join(dir, "use.ts"),
      `import type { Effect } from "effect"
import type { cleanup, run } from "./out/workflows.js"
type IsAny<T> = 0 extends 1 & T ? true : false
export const errorsKnown: IsAny<Effect.Error<typeof run>> = false
export const servicesKnown: IsAny<Effect.Services<typeof cleanup>> = false
export const failedTask: Extract<Effect.Error<typeof run>, { readonly _tag: "TaskFailed" }>["taskId"] = "b"
`
    )
    writeFileSync(join(dir, "tsconfig.use.json"), JSON.stringify({ compilerOptions: { ...options, noEmit: true }, files: ["use.ts"] }))
    await run(process.execPath, [tsc, "-p", join(dir, "tsconfig.use.json")], { cwd: dir })
  }, 120_000)

  it("two installed copies: a workflow, a task and a flow of one are run, drawn and served by the other", async () => {
    // A second copy of the package next to the first, as two installs (or sources next to a build) give.
    const copy = join(withIoredis, "node_modules", "effect-graflow-copy")
    await run("cp", ["-R", join(withIoredis, "node_modules", "effect-graflow"), copy])
    const manifest = JSON.parse(readFileSync(join(copy, "package.json"), "utf8"))
    writeFileSync(join(copy, "package.json"), JSON.stringify({ ...manifest, name: "effect-graflow-copy" }))
    writeFileSync(
      join(withIoredis, "flows.mjs"),
      `import { Effect } from "effect"
import { Task, Workflow } from "effect-graflow-copy"
const a = Task.make("a", () => 1)
const b = Task.make("b", { after: [a] }, (ctx) => Effect.map(ctx.getResult("a"), (n) => n + 1))
export const made = Workflow.make("made-by-the-copy", Workflow.chain(a, b))
export const flow = Workflow.chain(a, b)
export const task = Task.make("c", () => "c")
`
    )
    const { stdout } = await run(process.execPath, [
      "--input-type=module",
      "-e",
      `import { Effect } from "effect"
import { Task, Workflow } from "effect-graflow"
import { flow, made, task } from "./flows.mjs"
const out = await Effect.runPromise(Workflow.run(made))
const mixed = await Effect.runPromise(Workflow.run(Workflow.make("mixed", Workflow.chain(flow, task, Task.make("d", { after: [task] }, (ctx) => ctx.getResult("c"))))))
console.log(JSON.stringify({ isWorkflow: Workflow.isWorkflow(made), results: out.results, mixed: mixed.results, chart: Workflow.toMermaid(made).split("\\n")[0] }))`
    ], { cwd: withIoredis })
    expect(JSON.parse(stdout)).toEqual({
      isWorkflow: true,
      results: { a: 1, b: 2 },
      mixed: { a: 1, b: 2, c: "c", d: "c" },
      chart: "flowchart TD"
    })
    // The command of one copy reads the other's workflows.
    const graph = await run(process.execPath, [join(withIoredis, "node_modules", "effect-graflow", "dist", "cli.js"), "graph", "flows.mjs"], { cwd: withIoredis })
    expect(graph.stdout).toContain("made-by-the-copy")
  }, 120_000)

  it("a copy of another runtime format is refused in words, never run: run, make, the command", async () => {
    const other = join(withIoredis, "node_modules", "effect-graflow-other")
    await run("cp", ["-R", join(withIoredis, "node_modules", "effect-graflow"), other])
    const manifest = JSON.parse(readFileSync(join(other, "package.json"), "utf8"))
    writeFileSync(join(other, "package.json"), JSON.stringify({ ...manifest, name: "effect-graflow-other" }))
    // The same package, but its values in another runtime format (what a later, incompatible release would make).
    const flowModule = join(other, "dist", "internal", "flow.js")
    writeFileSync(flowModule, readFileSync(flowModule, "utf8").replace("export const RUNTIME = 1", "export const RUNTIME = 99"))
    writeFileSync(
      join(withIoredis, "other.mjs"),
      `import { Task, Workflow } from "effect-graflow-other"
export const task = Task.make("a", () => 1)
export const made = Workflow.make("other", task)
`
    )
    const { stdout } = await run(process.execPath, [
      "--input-type=module",
      "-e",
      `import { Cause, Effect, Exit } from "effect"
import { Workflow } from "effect-graflow"
import { made, task } from "./other.mjs"
const exit = await Effect.runPromiseExit(Workflow.run(made))
let make = ""
try { Workflow.make("mine", task) } catch (error) { make = error.message }
console.log(JSON.stringify({ isWorkflow: Workflow.isWorkflow(made), run: Exit.isFailure(exit) ? Cause.pretty(exit.cause) : "ran", make }))`
    ], { cwd: withIoredis })
    const outcome = JSON.parse(stdout) as { readonly isWorkflow: boolean; readonly run: string; readonly make: string }
    expect(outcome.isWorkflow).toBe(false)
    expect(outcome.run).toContain("the workflow given to Workflow.run was made by another copy of effect-graflow")
    expect(outcome.run).toContain("runtime format 99; this copy's is 1")
    expect(outcome.make).toContain("a task in the flow given to Workflow.make was made by another copy of effect-graflow")
    const graph = await run(process.execPath, [join(withIoredis, "node_modules", "effect-graflow", "dist", "cli.js"), "graph", "other.mjs"], { cwd: withIoredis })
      .then(() => "", (error: { stderr?: string }) => error.stderr ?? "")
    expect(graph).toContain("install one version of effect-graflow")
  }, 120_000)

  it("blocks the internal modules", async () => {
    const failure = await importAlone(withIoredis, "effect-graflow/internal/run").then(() => "", (error: { stderr?: string }) => error.stderr ?? "")
    expect(failure).toContain("ERR_PACKAGE_PATH_NOT_EXPORTED")
  })
})
