#!/usr/bin/env node
/**
 * The `effect-graflow` command.
 *
 * `effect-graflow graph <module> [--export <name>]` prints the Mermaid
 * flowchart of every workflow a module exports (or of the one named).
 * `effect-graflow worker <module> --redis <url> --concurrency <n>` (or
 * `--cluster <url>[,<url>…]`, the seed nodes of a Redis Cluster) serves the
 * task attempts of distributed runs of the module's workflows. A TypeScript
 * module is loaded through `tsx` when it is installed.
 *
 * @since 0.1.0
 */
import { existsSync, readFileSync, realpathSync } from "node:fs"
import { resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { Cause, Effect, Exit, Fiber, Layer } from "effect"
import { hasProperty } from "effect/Predicate"
import { splitSeeds } from "./internal/redis/seeds.js"
import { workflowProblem } from "./internal/workflow.js"
import { isWorkflow, toMermaid } from "./Workflow.js"

const usage = `usage: effect-graflow graph <module> [--export <name>]
       effect-graflow worker <module> (--redis <url> | --cluster <url>[,<url>…]) [--concurrency <n>] [--prefix <p>] [--queue <q>]
       effect-graflow --help | --version

Commands:
  graph <module>    prints the Mermaid flowchart of each workflow the module exports
  worker <module>   runs the task attempts of distributed runs of the workflows the module
                    exports, until SIGINT or SIGTERM (then finishes the attempts it runs);
                    the module's export \`workerLayer\` (a Layer), if any, provides their services
  (a module is .js/.mjs, or .ts when tsx is installed)

Options:
  --export <name>       graph: only the workflow exported under <name>
  --redis <url>         worker: the Redis server of the runs
  --cluster <urls>      worker: or the seed nodes of the Redis Cluster of the runs (comma-separated)
  --concurrency <n>     worker: attempts run at once (default 1)
  --prefix <p>          worker: the channel key prefix (default "graflow:")
  --queue <q>           worker: the queue (default "effect-graflow")
  -h, --help            shows this help
  -V, --version         shows the version of effect-graflow`

/** The version in the package's manifest (next to dist/ and src/). */
const version = (): string => {
  try {
    const manifest: unknown = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"))
    const value = typeof manifest === "object" && manifest !== null ? Reflect.get(manifest, "version") : undefined
    return typeof value === "string" ? value : "unknown"
  } catch {
    return "unknown"
  }
}

/**
 * What the command prints and its exit code: separated from process I/O so
 * tests can call it.
 *
 * **Example**
 *
 * ```ts
 * import { main } from "effect-graflow/cli"
 *
 * const outcome = await main(["graph", "./dist/pipeline.js"])
 * if (outcome.code !== 0) console.error(outcome.stderr)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Outcome {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

const loadTsx = async (): Promise<boolean> => {
  try {
    const api: { readonly register?: () => unknown } = await import("tsx/esm/api")
    if (typeof api.register !== "function") return false
    api.register()
    return true
  } catch {
    return false
  }
}

/**
 * Runs the command with its arguments (without `node` and the script).
 *
 * **Example**
 *
 * ```ts
 * import { main } from "effect-graflow/cli"
 *
 * const outcome = await main(["graph", "./dist/examples/pipeline.js"])
 * console.log(outcome.stdout)
 * ```
 *
 * @category commands
 * @since 0.1.0
 */
export const main = async (args: ReadonlyArray<string>): Promise<Outcome> => {
  if (args.includes("--help") || args.includes("-h")) return { code: 0, stdout: `${usage}\n`, stderr: "" }
  if (args.includes("--version") || args.includes("-V")) return { code: 0, stdout: `effect-graflow ${version()}\n`, stderr: "" }
  const [command, target, ...rest] = args
  if ((command !== "graph" && command !== "worker") || target === undefined) return { code: 2, stdout: "", stderr: usage }
  const flags: Record<string, string> = {}
  const allowed = command === "graph" ? ["--export"] : ["--redis", "--cluster", "--concurrency", "--prefix", "--queue"]
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i]!
    const value = rest[i + 1]
    if (allowed.includes(flag) && value !== undefined) {
      flags[flag] = value
      i++
    } else return { code: 2, stdout: "", stderr: `unknown argument ${JSON.stringify(flag)}\n${usage}` }
  }
  const only = flags["--export"]
  const path = resolve(target)
  if (!existsSync(path)) return { code: 1, stdout: "", stderr: `no such module: ${path}` }
  if (/\.(c|m)?ts$/.test(path) && !(await loadTsx())) {
    return { code: 1, stdout: "", stderr: `${path} is TypeScript: install tsx (npm i -D tsx) or point at the compiled .js` }
  }
  let module: { readonly [name: string]: unknown }
  try {
    module = await import(pathToFileURL(path).href)
  } catch (error) {
    return { code: 1, stdout: "", stderr: `could not load ${path}: ${error instanceof Error ? error.message : typeof error}` }
  }
  if (command === "worker") return worker(path, module, flags)
  const workflows = Object.entries(module).filter(([name, value]) => isWorkflow(value) && (only === undefined || name === only))
  if (workflows.length === 0) {
    return {
      code: 1,
      stdout: "",
      stderr: noWorkflow(path, module) ??
        (only === undefined ? `${path} exports no workflow` : `${path} exports no workflow named ${JSON.stringify(only)}`)
    }
  }
  const charts = workflows.flatMap(([, value]) => isWorkflow(value) ? [toMermaid(value)] : [])
  return { code: 0, stdout: `${charts.join("\n\n")}\n`, stderr: "" }
}

/** Why a module that exports workflows of another copy of effect-graflow, which this one cannot run, has none to offer. */
const noWorkflow = (path: string, module: { readonly [name: string]: unknown }): string | undefined => {
  for (const [name, value] of Object.entries(module)) {
    const problem = hasProperty(value, "~effect-graflow/Workflow") ? workflowProblem(`export ${name} of ${path}`, value) : undefined
    if (problem !== undefined) return problem
  }
  return undefined
}

/** `worker`: serves the module's workflows until SIGINT or SIGTERM. */
const worker = async (
  path: string,
  module: { readonly [name: string]: unknown },
  flags: Record<string, string>
): Promise<Outcome> => {
  const url = flags["--redis"]
  // Split where a URL starts: a comma inside a password stays in it.
  const given = flags["--cluster"]
  const seeds = given === undefined ? undefined : splitSeeds(given)
  const redis = url !== undefined && seeds === undefined ? url : url === undefined && seeds !== undefined ? { cluster: seeds } : undefined
  if (redis === undefined) {
    return { code: 2, stdout: "", stderr: `worker: give the runs' Redis: --redis <url>, or --cluster <url>[,<url>…] (one of them)\n${usage}` }
  }
  if (typeof redis !== "string" && redis.cluster.length === 0) {
    return { code: 2, stdout: "", stderr: "worker: --cluster needs at least one seed node URL" }
  }
  const concurrency = flags["--concurrency"] === undefined ? 1 : Number(flags["--concurrency"])
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    return { code: 2, stdout: "", stderr: `worker: --concurrency must be a whole number ≥ 1, not ${flags["--concurrency"]}` }
  }
  const workflows = Object.values(module).filter(isWorkflow)
  if (workflows.length === 0) return { code: 1, stdout: "", stderr: noWorkflow(path, module) ?? `${path} exports no workflow` }
  const provided = module["workerLayer"]
  if (provided !== undefined && !Layer.isLayer(provided)) {
    return { code: 1, stdout: "", stderr: `${path}: its export workerLayer is not a Layer` }
  }
  // Loaded here, so that the other commands never load bullmq.
  const Worker = await import("./Worker.js")
  const serve = Worker.run({
    workflows,
    redis,
    concurrency,
    ...(flags["--prefix"] === undefined ? {} : { prefix: flags["--prefix"] }),
    ...(flags["--queue"] === undefined ? {} : { queue: flags["--queue"] })
  })
  const program: Effect.Effect<never, unknown, unknown> = provided === undefined ? serve : Effect.provide(serve, provided)
  // The module's workerLayer provides what its tasks need: the command cannot know their types (a
  // missing service is a defect of the attempt that needs it, reported with its job).
  const fiber = Effect.runFork(program as Effect.Effect<never, unknown, never>)
  const stop = () => {
    Effect.runFork(Fiber.interrupt(fiber))
  }
  process.once("SIGINT", stop)
  process.once("SIGTERM", stop)
  process.stderr.write(`effect-graflow worker: serving ${workflows.map((w) => w.name).join(", ")} (concurrency ${concurrency})\n`)
  const exit = await Effect.runPromise(Fiber.await(fiber))
  if (Exit.isSuccess(exit) || Cause.hasInterruptsOnly(exit.cause)) return { code: 0, stdout: "", stderr: "effect-graflow worker: stopped" }
  return { code: 1, stdout: "", stderr: `effect-graflow worker: ${Cause.pretty(exit.cause)}` }
}

// Run when executed (also through the `node_modules/.bin` symlink), not when imported.
const invokedDirectly = process.argv[1] !== undefined && existsSync(process.argv[1]) &&
  import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href

if (invokedDirectly) {
  main(process.argv.slice(2)).then((outcome) => {
    if (outcome.stdout !== "") process.stdout.write(outcome.stdout)
    if (outcome.stderr !== "") process.stderr.write(`${outcome.stderr}\n`)
    process.exitCode = outcome.code
  }, (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : "unexpected failure"}\n`)
    process.exitCode = 1
  })
}
