/**
 * What an editor shows on hover (the language service's quick info): a
 * workflow, a run and a task read as short named types, never the internal
 * shape that composition computes.
 */
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"
import { describe, expect, it } from "vitest"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const file = join(root, "test", "__hover.ts")

/** The quick info at each `/*^*\/` marker of `code` (a module importing the sources), in order. */
const hovers = (code: string): ReadonlyArray<string> => {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, "tsconfig.json"), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"))
    }
  })
  if (config === undefined) throw new Error("no tsconfig")
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => config.options,
    getScriptFileNames: () => [file],
    getScriptVersion: () => "0",
    getScriptSnapshot: (f) => {
      const text = f === file ? code : ts.sys.readFile(f)
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text)
    },
    getCurrentDirectory: () => root,
    getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
    fileExists: (f) => f === file || ts.sys.fileExists(f),
    readFile: (f) => (f === file ? code : ts.sys.readFile(f)),
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories
  }
  const service = ts.createLanguageService(host)
  const marker = "/*^*/"
  const found: Array<string> = []
  for (let at = code.indexOf(marker); at !== -1; at = code.indexOf(marker, at + 1)) {
    const info = service.getQuickInfoAtPosition(file, at + marker.length)
    found.push(ts.displayPartsToString(info?.displayParts ?? []))
  }
  service.dispose()
  return found
}

describe("hovers", () => {
  const [workflow = "", run = "", task = "", error = ""] = hovers(`
import { Effect } from "effect"
import { Task, Workflow } from "../src/index.js"
const fetch = Task.make("fetch", () => Effect.fail("offline" as const))
const count = Task.make("count", { after: [fetch] }, (ctx) => Effect.map(ctx.getResult("fetch"), (n) => \`\${n}\`))
const /*^*/workflow = Workflow.make("counting", Workflow.chain(fetch, count))
const /*^*/run = Workflow.run(workflow)
const /*^*/task = count
Effect.catchTag(run, "TaskFailed", (/*^*/error) => Effect.succeed(error.taskId))
`)

  it("a workflow is a Workflow of its name, results, errors, services and channels", () => {
    expect(workflow).toBe(`const workflow: Workflow.Workflow<"counting", {
    readonly fetch: never;
    readonly count: string;
}, TaskFailed<"fetch", "offline" | ChannelError | InvalidValueError> | TaskFailed<"count", ChannelDecodeError | ChannelError | InvalidValueError>, never, {}, never, never>`)
  })

  it("a run is an Effect of the run's result", () => {
    expect(run).toMatch(/^const run: Effect\.Effect<Workflow\.RunResult<\{/)
    expect(run).toContain(`TaskFailed<"fetch", "offline" | ChannelError | InvalidValueError>`)
  })

  it("a task shows its declarations, not the tasks before it", () => {
    expect(task).toBe(
      `const task: Task.Task<"count", string, ChannelDecodeError | ChannelError, never, Task.DeclaredIo<Task.Entry<"fetch", never>, never, never, never, {}, never, never, never, never, never, never>>`
    )
  })

  it("the run's task failure is one TaskFailed per task", () => {
    expect(error).toContain(`TaskFailed<"fetch", "offline" | ChannelError | InvalidValueError>`)
    expect(error).toContain(`TaskFailed<"count", ChannelDecodeError | ChannelError | InvalidValueError>`)
  })

  const [withOptions = ""] = hovers(`
import { Schema } from "effect"
import { Channel, Task, Workflow } from "../src/index.js"
const Channels = Channel.schema({ n: Schema.Number })
const write = Task.make("write", { channels: Channels, writes: ["n"] }, (ctx) => ctx.channel.set("n", 1))
const /*^*/configured = Workflow.make("configured", { channels: Channels, defaults: { timeout: "1 second" } }, write)
`)

  it("a workflow made with options shows its failures, not the shape", () => {
    expect(withOptions).toBe(`const configured: Workflow.Workflow<"configured", {
    readonly write: void;
}, TaskFailed<"write", Channel.WriteError | TaskTimeoutError>, never, {
    n: number;
}, never, never>`)
  })

  const [withInput = "", waiting = ""] = hovers(`
import { Schema } from "effect"
import { Task, Workflow } from "../src/index.js"
const order = Task.input("order", Schema.Struct({ id: Schema.String }))
const /*^*/orders = Workflow.make("orders", order)
const review = Task.make("review", { awaits: { approval: Schema.Boolean } }, (ctx) => ctx.waitFor("approval"))
const /*^*/waiting = Workflow.run(Workflow.make("release", review), { runId: "r1", durable: true })
`)

  it("a workflow with an input shows it; a run that may suspend shows Output and RunError by name", () => {
    expect(withInput).toBe(`const orders: Workflow.Workflow<"orders", {
    readonly order: {
        readonly id: string;
    };
}, TaskFailed<"order", InvalidValueError | ChannelError>, never, {}, {
    readonly id: string;
}, never>`)
    // (The order of a union's members in a hover depends on what the checker saw first.)
    expect(waiting).toMatch(/^const waiting: (Effect\.)?Effect<Workflow\.Output<\{\n    readonly review: boolean;\n\}, \{\}, Task\.Await<"approval", boolean>>, Workflow\.RunError<TaskFailed<"review", (ChannelError \| InvalidValueError|InvalidValueError \| ChannelError)>, never, Task\.Await<"approval", boolean>, \{\n    runId: string;\n    durable: true;\n\}>, never>$/)
  })

  it("no hover shows the internal shape", () => {
    for (const text of [workflow, run, task, error, withOptions, withInput, waiting]) {
      expect(text).not.toMatch(/readonly (ids|lits|certain|needs|wants)\b/)
      expect(text).not.toContain("FlowShape")
      expect(text.length).toBeLessThan(500)
    }
  })
}, 60_000)
