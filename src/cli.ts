#!/usr/bin/env node
/**
 * The `effect-graflow` command.
 *
 * `effect-graflow graph <module> [--export <name>]` prints the Mermaid
 * flowchart of every workflow a module exports (or of the one named). A
 * TypeScript module is loaded through `tsx` when it is installed.
 *
 * @since 0.1.0
 */
import { existsSync, readFileSync, realpathSync } from "node:fs"
import { resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { isWorkflow, toMermaid } from "./Workflow.js"

const usage = `usage: effect-graflow graph <module> [--export <name>]
       effect-graflow --help | --version

Commands:
  graph <module>    prints the Mermaid flowchart of each workflow the module exports
                    (a .js/.mjs module, or a .ts module when tsx is installed)

Options:
  --export <name>   only the workflow exported under <name>
  -h, --help        shows this help
  -V, --version     shows the version of effect-graflow`

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
  if (command !== "graph" || target === undefined) return { code: 2, stdout: "", stderr: usage }
  let only: string | undefined
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === "--export" && rest[i + 1] !== undefined) only = rest[++i]
    else return { code: 2, stdout: "", stderr: `unknown argument ${JSON.stringify(rest[i])}\n${usage}` }
  }
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
  const workflows = Object.entries(module).filter(([name, value]) => isWorkflow(value) && (only === undefined || name === only))
  if (workflows.length === 0) {
    return {
      code: 1,
      stdout: "",
      stderr: only === undefined ? `${path} exports no workflow` : `${path} exports no workflow named ${JSON.stringify(only)}`
    }
  }
  const charts = workflows.flatMap(([, value]) => isWorkflow(value) ? [toMermaid(value)] : [])
  return { code: 0, stdout: `${charts.join("\n\n")}\n`, stderr: "" }
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
