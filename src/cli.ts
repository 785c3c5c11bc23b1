#!/usr/bin/env node
/**
 * The `effect-graflow` command, on `effect/cli`.
 *
 * - `effect-graflow graph <module> [--export <name>]` prints the Mermaid
 *   flowchart of every workflow a module exports (or of the one named).
 * - `effect-graflow worker <module> --redis <url> [--concurrency <n>]` (or
 *   `--cluster <url>[,<url>…]`, the seed nodes of a Redis Cluster) serves the
 *   task attempts of distributed runs of the module's workflows.
 * - `effect-graflow studio <module> [--redis <url>] [--port <n>] [--host <h>]`
 *   serves the studio: a page to see and drive the runs of the module's
 *   workflows (on memory by default; with `--redis`, the runs of every process
 *   on that Redis).
 *
 * A TypeScript module is loaded through `tsx` when it is installed; its
 * export `workerLayer` (a Layer), if any, provides what its tasks need.
 *
 * @since 0.1.0
 */
import { existsSync, readFileSync, realpathSync } from "node:fs"
import { resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { Cause, Console, Context, Effect, Exit, FileSystem, Layer, Option, Path, Schema, Stdio, Terminal } from "effect"
import { Argument, CliConfig, CliError, Command, Flag, GlobalFlag } from "effect/cli"
import { ChildProcessSpawner } from "effect/process"
import { hasProperty } from "effect/Predicate"
import { redactUrl, splitSeeds } from "./internal/redis/seeds.js"
import { workflowProblem } from "./internal/workflow.js"
import { isWorkflow, toMermaid } from "./Workflow.js"

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

/** A command that could not do its work: what to say, and the exit code (2: the arguments, 1: the rest). */
/**
 * Called when a command's handler starts: until then, what is printed is
 * effect/cli's (help, on wrong arguments too), kept back so that help shown
 * for an error goes to stderr, not into a file stdout was sent to.
 */
const HandlerStarted = Context.Reference<() => void>("effect-graflow/cli/HandlerStarted", { defaultValue: () => () => {} })
const started = Effect.flatMap(Effect.service(HandlerStarted), (mark) => Effect.sync(mark))

class CommandFailed extends Schema.TaggedError<CommandFailed>()("CommandFailed", {
  message: Schema.String,
  code: Schema.Literals([1, 2])
}) {}

const fail = (message: string, code: 1 | 2 = 1) => Effect.fail(new CommandFailed({ message, code }))

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

type Module = { readonly [name: string]: unknown }

/** The module at `target`: loaded (TypeScript through tsx), or why not, in words. */
const loadModule = (target: string) =>
  Effect.gen(function*() {
    const path = resolve(target)
    if (!existsSync(path)) return yield* fail(`no such module: ${path}`)
    if (/\.(c|m)?ts$/.test(path) && !(yield* Effect.promise(loadTsx))) {
      return yield* fail(`${path} is TypeScript: install tsx (npm i -D tsx) or point at the compiled .js`)
    }
    const module = yield* Effect.tryPromise({
      try: (): Promise<Module> => import(pathToFileURL(path).href),
      catch: (error) => new CommandFailed({ message: `could not load ${path}: ${error instanceof Error ? error.message : typeof error}`, code: 1 })
    })
    return { path, module }
  })

/** Why a module that exports workflows of another copy of effect-graflow, which this one cannot run, has none to offer. */
const noWorkflow = (path: string, module: Module): string | undefined => {
  for (const [name, value] of Object.entries(module)) {
    const problem = hasProperty(value, "~effect-graflow/Workflow") ? workflowProblem(`export ${name} of ${path}`, value) : undefined
    if (problem !== undefined) return problem
  }
  return undefined
}

/** The module's workflows, and its `workerLayer` (what their tasks need), or why there are none. */
const servedBy = (path: string, module: Module) =>
  Effect.gen(function*() {
    const workflows = Object.values(module).filter(isWorkflow)
    if (workflows.length === 0) return yield* fail(noWorkflow(path, module) ?? `${path} exports no workflow`)
    const provided = module["workerLayer"]
    if (provided !== undefined && !Layer.isLayer(provided)) return yield* fail(`${path}: its export workerLayer is not a Layer`)
    return { workflows, provide: provideModule(provided) }
  })

/**
 * Provides the module's `workerLayer` (if any) around what the command runs.
 * A boundary: the command cannot know the services the module's tasks need;
 * one the layer does not provide is a defect of the task that needs it,
 * reported with its run (tested in test/cli.test.ts and the distributed suite).
 */
const provideModule = (layer: Layer.Layer<unknown, unknown, unknown> | undefined) =>
<A, E>(effect: Effect.Effect<A, E, unknown>): Effect.Effect<A, unknown> =>
  (layer === undefined ? effect : Effect.provide(effect, layer)) as Effect.Effect<A, unknown, never>

/** The Redis of `--redis` or `--cluster`, one of them (`undefined`: neither). */
const redisOf = (command: string, url: Option.Option<string>, cluster: Option.Option<string>) =>
  Effect.gen(function*() {
    const oneOf = `${command}: give the runs' Redis: --redis <url>, or --cluster <url>[,<url>…] (one of them)`
    if (Option.isSome(url) && Option.isSome(cluster)) return yield* fail(oneOf, 2)
    if (Option.isSome(url)) return { target: url.value, label: redactUrl(url.value) } as const
    if (Option.isNone(cluster)) return undefined
    // Split where a URL starts: a comma inside a password stays in it.
    const seeds = splitSeeds(cluster.value)
    if (seeds.length === 0) return yield* fail(`${command}: --cluster needs at least one seed node URL`, 2)
    return { target: { cluster: seeds }, label: `Redis Cluster ${seeds.map(redactUrl).join(", ")}` } as const
  })

/** Completes when the process is asked to stop (SIGINT, SIGTERM). */
const stopSignal = Effect.callback<void>((resume) => {
  const stop = () => resume(Effect.void)
  process.once("SIGINT", stop)
  process.once("SIGTERM", stop)
  return Effect.sync(() => {
    process.off("SIGINT", stop)
    process.off("SIGTERM", stop)
  })
})

// -- the commands ---------------------------------------------------------------------------------------

const moduleArgument = Argument.String("module").pipe(
  Argument.withDescription("the module (.js/.mjs, or .ts when tsx is installed) whose exported workflows to use")
)
const redisFlag = Flag.String("redis").pipe(Flag.optional, Flag.withDescription("the Redis server of the runs (redis://…)"))
const clusterFlag = Flag.String("cluster").pipe(
  Flag.optional,
  Flag.withDescription("or the seed nodes of the Redis Cluster of the runs, comma-separated")
)
const prefixFlag = Flag.String("prefix").pipe(Flag.optional, Flag.withDescription("the channel key prefix (default \"graflow:\")"))

const graph = Command.make("graph", {
  module: moduleArgument,
  only: Flag.String("export").pipe(Flag.optional, Flag.withDescription("only the workflow exported under this name"))
}, ({ module: target, only }) =>
  Effect.gen(function*() {
    yield* started
    const { module, path } = yield* loadModule(target)
    const workflows = Object.entries(module).filter(([name, value]) => isWorkflow(value) && (Option.isNone(only) || name === only.value))
    if (workflows.length === 0) {
      return yield* fail(
        noWorkflow(path, module) ??
          (Option.isNone(only) ? `${path} exports no workflow` : `${path} exports no workflow named ${JSON.stringify(only.value)}`)
      )
    }
    const charts = workflows.flatMap(([, value]) => isWorkflow(value) ? [toMermaid(value)] : [])
    yield* Console.log(charts.join("\n\n"))
  })).pipe(Command.withDescription("prints the Mermaid flowchart of each workflow the module exports"))

const worker = Command.make("worker", {
  module: moduleArgument,
  redis: redisFlag,
  cluster: clusterFlag,
  concurrency: Flag.Int("concurrency").pipe(Flag.withDefault(1), Flag.withDescription("attempts run at once (default 1)")),
  prefix: prefixFlag,
  queue: Flag.String("queue").pipe(Flag.optional, Flag.withDescription("the queue (default \"effect-graflow\")"))
}, (options) =>
  Effect.gen(function*() {
    yield* started
    const redis = yield* redisOf("worker", options.redis, options.cluster)
    if (redis === undefined) return yield* fail("worker: give the runs' Redis: --redis <url>, or --cluster <url>[,<url>…] (one of them)", 2)
    if (options.concurrency < 1) return yield* fail(`worker: --concurrency must be a whole number ≥ 1, not ${options.concurrency}`, 2)
    const { module, path } = yield* loadModule(options.module)
    const { workflows, provide } = yield* servedBy(path, module)
    // Loaded here, so that the other commands never load bullmq.
    const Worker = yield* Effect.promise(() => import("./Worker.js"))
    const serve = Worker.run({
      workflows,
      redis: redis.target,
      concurrency: options.concurrency,
      ...(Option.isNone(options.prefix) ? {} : { prefix: options.prefix.value }),
      ...(Option.isNone(options.queue) ? {} : { queue: options.queue.value })
    })
    yield* Console.error(`effect-graflow worker: serving ${workflows.map((w) => w.name).join(", ")} (concurrency ${options.concurrency})`)
    const exit = yield* Effect.exit(Effect.raceFirst(provide(serve), stopSignal))
    if (Exit.isFailure(exit) && !Cause.hasInterruptsOnly(exit.cause)) return yield* fail(`effect-graflow worker: ${Cause.pretty(exit.cause)}`)
    yield* Console.error("effect-graflow worker: stopped")
  })).pipe(Command.withDescription(
    "runs the task attempts of distributed runs of the module's workflows until SIGINT or SIGTERM (then finishes those it runs)"
  ))

const studio = Command.make("studio", {
  module: moduleArgument,
  redis: redisFlag,
  cluster: clusterFlag,
  prefix: prefixFlag,
  port: Flag.Int("port").pipe(Flag.withDefault(4700), Flag.withDescription("the port (default 4700; 0: any free one)")),
  host: Flag.String("host").pipe(
    Flag.withDefault("127.0.0.1"),
    Flag.withDescription("the interface to listen on (default 127.0.0.1: this machine only)")
  )
}, (options) =>
  Effect.gen(function*() {
    yield* started
    const redis = yield* redisOf("studio", options.redis, options.cluster)
    const { module, path } = yield* loadModule(options.module)
    const { workflows, provide } = yield* servedBy(path, module)
    // Loaded here: the studio's dependencies (an HTTP server, the page's assets) only for this command.
    const Studio = yield* Effect.promise(() => import("./Studio.js"))
    const prefix = Option.isNone(options.prefix) ? {} : { prefix: options.prefix.value }
    const backend = redis === undefined
      ? yield* Effect.promise(async () => {
        const [MemoryChannel, Checkpoint] = await Promise.all([import("./MemoryChannel.js"), import("./Checkpoint.js")])
        return Layer.merge(MemoryChannel.layerWith({ runEvents: true }), Checkpoint.layerMemory)
      })
      : yield* Effect.promise(async () => {
        const RedisChannel = await import("./RedisChannel.js")
        return typeof redis.target === "string"
          ? RedisChannel.layerWithCheckpoints({ url: redis.target, runEvents: true, ...prefix })
          : RedisChannel.layerWithCheckpoints({ cluster: redis.target.cluster, runEvents: true, ...prefix })
      })
    const serve = Effect.gen(function*() {
      const served = yield* Studio.serve({
        workflows,
        host: options.host,
        port: options.port,
        backend: redis === undefined ? "memory (runs started from this page)" : redis.label,
        // On memory a run's record goes with it: the page keeps the runs it started until it stops.
        retention: redis === undefined ? "keep" : undefined
      })
      yield* Console.log(`effect-graflow studio: ${served.url}`)
      yield* Console.error(
        `serving ${workflows.map((w) => w.name).join(", ")} on ${redis === undefined ? "memory" : redis.label}; Ctrl-C stops it`
      )
      yield* stopSignal
    })
    const exit = yield* Effect.exit(provide(serve.pipe(Effect.scoped, Effect.provide(backend))))
    if (Exit.isFailure(exit) && !Cause.hasInterruptsOnly(exit.cause)) {
      const error = Cause.findErrorOption(exit.cause)
      const said = error._tag === "Some" && hasProperty(error.value, "message") && typeof error.value.message === "string"
        ? error.value.message
        : Cause.pretty(exit.cause)
      return yield* fail(`effect-graflow studio: ${said}`)
    }
  })).pipe(Command.withDescription(
    "serves the studio: a page to see and drive the runs of the module's workflows (on memory, or the runs of every process on --redis)"
  ))

const root = Command.make("effect-graflow").pipe(
  Command.withDescription("Graflow's data-flow model on Effect 4: draw, serve and watch a module's workflows"),
  Command.withSubcommands([graph, worker, studio])
)

/**
 * What the command line needs of the platform: it reads no file, no input
 * and spawns nothing (those services are refused; no `--wizard`, which would
 * ask questions), and its terminal is the process's.
 */
const environment = Layer.mergeAll(
  CliConfig.layer({ builtIns: [GlobalFlag.Help, GlobalFlag.Version, GlobalFlag.Completions, GlobalFlag.LogLevel] }),
  FileSystem.layerNoop({}),
  Path.layer,
  Stdio.layerTest({}),
  Layer.succeed(Terminal.Terminal, Terminal.make({
    columns: Effect.sync(() => process.stdout.columns ?? 100),
    rows: Effect.sync(() => process.stdout.rows ?? 24),
    size: Effect.die("the command line does not read the terminal's size"),
    readInput: Effect.die("the command line reads no input"),
    readLine: Effect.die("the command line reads no input"),
    display: (text) => Effect.sync(() => process.stdout.write(text))
  })),
  Layer.succeed(ChildProcessSpawner.ChildProcessSpawner, ChildProcessSpawner.make(() => Effect.die("the command line spawns no process")))
)

/**
 * Runs the command with its arguments (without `node` and the script). What
 * it prints goes to `output` as it is printed (default: kept for the
 * outcome), so that a long-running command (`worker`, `studio`) shows its
 * lines while it runs.
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
export const main = async (
  args: ReadonlyArray<string>,
  output?: { readonly stdout: (text: string) => void; readonly stderr: (text: string) => void }
): Promise<Outcome> => {
  let stdout = ""
  let stderr = ""
  const emit = (to: "stdout" | "stderr", text: string) => {
    if (output !== undefined) output[to](text)
    else if (to === "stdout") stdout += text
    else stderr += text
  }
  // effect/cli's own lines (help, the version) are held until the run ends or a handler starts.
  let held: string | undefined = ""
  const release = (to: "stdout" | "stderr") => {
    if (held !== undefined && held !== "") emit(to, held)
    held = undefined
  }
  const write = (to: "stdout" | "stderr") => (...parts: ReadonlyArray<unknown>) => {
    const text = `${parts.map((part) => typeof part === "string" ? part : JSON.stringify(part)).join(" ")}\n`
    if (to === "stdout" && held !== undefined) held += text
    else emit(to, text)
  }
  const console: Console.Console = {
    ...globalThis.console,
    log: write("stdout"),
    info: write("stdout"),
    error: write("stderr"),
    warn: write("stderr")
  }
  const exit = await Effect.runPromiseExit(
    Command.runWith(root, { version: version() })(args).pipe(
      Effect.provide(environment),
      Effect.provideService(Console.Console, console),
      Effect.provideService(HandlerStarted, () => release("stdout"))
    )
  )
  const trimmed = () => ({ stdout, stderr: stderr.replace(/\n$/, "") })
  const error = Exit.isSuccess(exit) ? undefined : Cause.findErrorOption(exit.cause)
  // Help shown for wrong arguments goes with the error, to stderr; asked for (--help, --version), to stdout.
  release(error?._tag === "Some" && CliError.isCliError(error.value) ? "stderr" : "stdout")
  if (Exit.isSuccess(exit) || error === undefined) return { code: 0, ...trimmed() }
  if (error._tag === "Some" && error.value instanceof CommandFailed) {
    write("stderr")(error.value.message)
    return { code: error.value.code, ...trimmed() }
  }
  // Wrong arguments: effect/cli has shown the help and what was wrong.
  if (error._tag === "Some" && CliError.isCliError(error.value)) return { code: 2, ...trimmed() }
  write("stderr")(Cause.pretty(exit.cause))
  return { code: 1, ...trimmed() }
}

// Run when executed (also through the `node_modules/.bin` symlink), not when imported.
const invokedDirectly = process.argv[1] !== undefined && existsSync(process.argv[1]) &&
  import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href

if (invokedDirectly) {
  main(process.argv.slice(2), { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) }).then(
    (outcome) => {
      process.exitCode = outcome.code
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : "unexpected failure"}\n`)
      process.exitCode = 1
    }
  )
}
