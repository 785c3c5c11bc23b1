/**
 * The compile errors users see: tsd checks that misuses do not compile; this
 * checks what the compiler says about them (that a misspelled id's error lists
 * the available ids, that an invalid workflow's error names the task and key).
 */
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"
import { describe, expect, it } from "vitest"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")

/** Type-checks each snippet (as its own module importing the sources) and returns its diagnostics' text. */
const diagnose = (snippets: Record<string, string>): Record<string, string> => {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, "tsconfig.json"), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"))
    }
  })
  if (config === undefined) throw new Error("no tsconfig")
  const files = Object.fromEntries(
    Object.entries(snippets).map(([name, code]) => [join(root, "test", `__snippet_${name}.ts`), code])
  )
  const host = ts.createCompilerHost(config.options)
  const readFile = host.readFile.bind(host)
  const fileExists = host.fileExists.bind(host)
  host.readFile = (file) => files[file] ?? readFile(file)
  host.fileExists = (file) => file in files || fileExists(file)
  const program = ts.createProgram(Object.keys(files), { ...config.options, noUnusedLocals: false }, host)
  return Object.fromEntries(
    Object.entries(files).map(([file]) => {
      const source = program.getSourceFile(file)
      const diagnostics = source === undefined ? [] : ts.getPreEmitDiagnostics(program, source)
      const name = Object.keys(snippets).find((n) => file.endsWith(`__snippet_${n}.ts`)) ?? file
      const text = (d: ts.Diagnostic | ts.DiagnosticRelatedInformation) => ts.flattenDiagnosticMessageText(d.messageText, "\n")
      // The related information too: what an editor shows under the error.
      return [name, diagnostics.map((d) => [text(d), ...(d.relatedInformation ?? []).map(text)].join("\n")).join("\n---\n")]
    })
  )
}

const prelude = `
import { Effect, Schema } from "effect"
import { Channel, Task, Workflow } from "../src/index.js"
`

describe("compile errors", () => {
  const messages = diagnose({
    misspelled: `${prelude}
const fetch = Task.make("fetch", () => 1)
const config = Task.make("config", () => 2)
export const t = Task.make("process", { after: [fetch, config] }, (ctx) => ctx.getResult("fecth"))`,
    sibling: `${prelude}
const fetch = Task.make("fetch", () => 1)
const process = Task.make("process", { after: [fetch] }, (ctx) => ctx.getResult("fetch"))
export const w = Workflow.make("w", Workflow.parallel(fetch, process))`,
    unwrittenKey: `${prelude}
const Channels = Channel.schema({ config: Schema.Number })
const use = Task.make("use", { channels: Channels, reads: ["config"] }, (ctx) => ctx.channel.get("config"))
export const w = Workflow.make("w", { channels: Channels }, use)`,
    duplicate: `${prelude}
export const w = Workflow.make("w", Workflow.chain(Task.make("a", () => 1), Task.make("a", () => 2)))`,
    undeclaredWrite: `${prelude}
const Channels = Channel.schema({ config: Schema.Number, total: Schema.Number })
export const t = Task.make("t", { channels: Channels, writes: ["total"] }, (ctx) => ctx.channel.set("config", 1))`,
    missingService: `${prelude}
import { Context } from "effect"
class Db extends Context.Service<Db, { readonly ok: boolean }>()("Db") {}
const load = Task.make("load", () => Db.use((db) => Effect.succeed(db.ok)))
Effect.runPromise(Workflow.run(Workflow.make("w", load)))`,
    unknownJump: `${prelude}
const j = Task.make("j", { goto: ["cleanup"] }, (ctx) => ctx.goto("cleanup"))
export const w = Workflow.make("w", j)`,
    twoProblems: `${prelude}
const a = Task.make("a", () => 1)
const b = Task.make("b", { after: [a] }, (ctx) => ctx.getResult("a"))
export const w = Workflow.make("w", Workflow.chain(b, a, Task.make("a", () => 2)))`,
    noAfter: `${prelude}
export const t = Task.make("t", (ctx) => ctx.getResult("x"))`,
    promise: `${prelude}
export const w = Workflow.make("w", Task.make("t", () => Promise.resolve(1)))`,
    dateResult: `${prelude}
const t = Task.make("t", () => ({ at: new Date() }))
export const w = Workflow.make("w", t)`,
    unionId: `${prelude}
declare const flag: boolean
export const w = Workflow.make("w", Task.make(flag ? "a" : "b", () => 1))`,
    otherType: `${prelude}
const fetchNumber = Task.make("fetch", () => 1)
const fetchText = Task.make("fetch", () => "one")
const reader = Task.make("reader", { after: [fetchNumber] }, (ctx) => ctx.getResult("fetch"))
export const w = Workflow.make("w", Workflow.chain(fetchText, reader))`,
    setReadOnly: `${prelude}
const Channels = Channel.schema({ config: Schema.Number })
export const t = Task.make("t", { channels: Channels, reads: ["config"] }, (ctx) => ctx.channel.set("config", 1))`,
    getWriteOnly: `${prelude}
const Channels = Channel.schema({ total: Schema.Number })
export const t = Task.make("t", { channels: Channels, writes: ["total"] }, (ctx) => ctx.channel.get("total"))`,
    appendNonList: `${prelude}
const Channels = Channel.schema({ config: Schema.Number })
export const t = Task.make("t", { channels: Channels, writes: ["config"] }, (ctx) => ctx.channel.append("config", 1))`,
    addNonNumber: `${prelude}
const Channels = Channel.schema({ label: Schema.String })
export const t = Task.make("t", { channels: Channels, writes: ["label"] }, (ctx) => ctx.channel.atomicAdd("label", 1))`,
    undeclaredAdd: `${prelude}
const extra = Task.make("extra", () => 1)
export const t = Task.make("t", (ctx) => ctx.nextTask(extra))`,
    forEachOtherId: `${prelude}
export const ts = Task.forEach(["a", "b"], (id) => Task.make(\`x-\${id}\`, () => 1))`,
    maybeResult: `${prelude}
const a = Task.make("a", () => 1)
const needsA = Task.make("needsA", { after: [a] }, (ctx) => ctx.getResult("a"))
export const w = Workflow.make("w", Workflow.chain(Workflow.parallelWith({ policy: "best-effort" }, a), needsA))`,
    waitUndeclared: `${prelude}
export const t = Task.make("t", (ctx) => ctx.waitFor("approval"))`,
    respondUnknown: `${prelude}
const review = Task.make("review", { awaits: { approval: Schema.Boolean } }, (ctx) => ctx.waitFor("approval"))
export const e = Workflow.respond(Workflow.make("release", review), "r1", "refund", true)`,
    respondWrongValue: `${prelude}
const review = Task.make("review", { awaits: { approval: Schema.Struct({ approved: Schema.Boolean }) } }, (ctx) => ctx.waitFor("approval"))
export const e = Workflow.respond(Workflow.make("release", review), "r1", "approval", { approved: "yes" })`,
    respondNoRequests: `${prelude}
export const e = Workflow.respond(Workflow.make("plain", Task.make("a", () => 1)), "r1", "approval", true)`,
    runWithoutInput: `${prelude}
const order = Task.input("order", Schema.Struct({ id: Schema.String }))
export const e = Workflow.run(Workflow.make("orders", order))`,
    runWrongInput: `${prelude}
const order = Task.input("order", Schema.Struct({ id: Schema.String }))
export const e = Workflow.run(Workflow.make("orders", order), { input: { id: 7 } })`,
    durableWithoutRunId: `${prelude}
export const e = Workflow.run(Workflow.make("plain", Task.make("a", () => 1)), { durable: true })`,
    workflowAsFlow: `${prelude}
const a = Task.make("a", () => 1)
export const w = Workflow.chain(a, Workflow.make("inner", Task.make("b", () => 2)))`,
    spreadArray: `${prelude}
const ids: Array<string> = ["a", "b"]
export const f = Workflow.chain(...ids.map((id) => Task.make(id, () => 1)))`,
    emptyGroup: `${prelude}
export const f = Workflow.parallel()`,
    makeAsMapCallback: `${prelude}
export const ts = (["a", "b"] as const).map(Task.make)`,
    notExhaustive: `${prelude}
import { Flow } from "../src/index.js"
const kind = Task.make("kind", () => "refund" as "refund" | "dispute" | "other")
export const b = Flow.branch("route", kind).with("refund", () => Task.make("onRefund", () => 1)).exhaustive()`,
    steeringItem: `${prelude}
import { Flow } from "../src/index.js"
const list = Task.make("list", () => [1, 2])
const item = Task.template({ terminate: true }, (ctx, n: number) => ctx.terminate())
export const m = Flow.map("m", list, item)`,
    mapWorkflowWithoutInput: `${prelude}
import { Flow } from "../src/index.js"
const list = Task.make("list", () => [1, 2])
export const m = Flow.map("m", list, Workflow.make("each", Task.make("x", () => 1)))`,
    mapWorkflowOtherInput: `${prelude}
import { Flow } from "../src/index.js"
const list = Task.make("list", () => [1, 2])
export const m = Flow.map("m", list, Workflow.make("each", Task.input("text", Schema.String)))`,
    mapWorkflowAwaits: `${prelude}
import { Flow } from "../src/index.js"
const list = Task.make("list", () => [1, 2])
const n = Task.input("n", Schema.Number)
const ask = Task.make("ask", { awaits: { ok: Schema.Boolean } }, (ctx) => ctx.waitFor("ok"))
export const m = Flow.map("m", list, Workflow.make("each", Workflow.chain(n, ask)))`,
    stepWithoutInput: `${prelude}
export const s = Task.workflow("s", Workflow.make("inner", Task.input("n", Schema.Number)))`,
    errorSchemaMisses: `${prelude}
class Boom extends Schema.TaggedError<Boom>()("Boom", { n: Schema.Number }) {}
class Other extends Schema.TaggedError<Other>()("Other", { s: Schema.String }) {}
export const t = Task.make("t", { error: Boom }, () => Effect.fail(new Other({ s: "x" })))`,
    twoInputs: `${prelude}
export const w = Workflow.make("two", Workflow.chain(Task.input("order", Schema.String), Task.input("customer", Schema.Number)))`,
    localStranger: `${prelude}
import * as Distributed from "../src/Distributed.js"
const stranger = Task.make("stranger", () => 2)
export const e = Distributed.run(Workflow.make("w", Task.make("a", () => 1)), { local: [stranger] })`,
    extraInputField: `${prelude}
const order = Task.input("order", Schema.Struct({ id: Schema.String, amount: Schema.Number }))
export const e = Workflow.run(Workflow.make("orders", order), { input: { id: "o-1", amount: 1, extra: true } })`,
    untypedTypedKey: `${prelude}
const Channels = Channel.schema({ total: Schema.Number })
export const t = Task.make("t", { channels: Channels, writes: ["total"] }, (ctx) => ctx.untyped.set("total", "many"))`,
    viewTypedKey: `${prelude}
const Channels = Channel.schema({ total: Schema.Number })
export const t = Task.make("t", { channels: Channels, writes: ["total"] }, (ctx) => ctx.typedChannel(Schema.String).set("total", "many"))`,
    resultSuffix: `${prelude}
export const w = Workflow.make("w", Task.make("fetch.__result__", () => 1))`,
    runWithoutOptions: `${prelude}
const order = Task.input("order", Schema.Struct({ id: Schema.String }))
export const e = Workflow.run(Workflow.make("orders", order))`,
    runWithoutTheInput: `${prelude}
const order = Task.input("order", Schema.Struct({ id: Schema.String }))
export const e = Workflow.run(Workflow.make("orders", order), { runId: "r-1" })`,
    runInputToNone: `${prelude}
export const e = Workflow.run(Workflow.make("plain", Task.make("a", () => 1)), { input: 1 })`,
    maybeSuspended: `${prelude}
const review = Task.make("review", { awaits: { approval: Schema.Boolean } }, (ctx) => ctx.waitFor("approval"))
export const e = Effect.map(Workflow.run(Workflow.make("release", review)), (out) => out.results.review)`,
    forEachWithoutConst: `${prelude}
const ids = ["a", "b"]
const fetchers = Task.forEach(ids, (id) => Task.make(id, () => 1))
export const t = Task.make("total", { after: fetchers }, (ctx) => ctx.getResult("a"))`
  })

  it("an error schema that misses an error the body fails with says so, naming the error", () => {
    expect(messages["errorSchemaMisses"]).toContain("the task fails with errors its `error` schema does not describe")
    expect(messages["errorSchemaMisses"]).toContain("ErrorSchemaMisses<Other>")
  })

  it("two Task.input tasks name each other", () => {
    expect(messages["twoInputs"]).toContain(`task \\"order\\" takes the run's input, and so does task \\"customer\\"`)
    expect(messages["twoInputs"]).toContain("a workflow has at most one Task.input")
  })

  it("a local task of another workflow names its id and the workflow's", () => {
    expect(messages["localStranger"]).toContain(`Type '"stranger"' is not assignable to type '"a"'`)
  })

  it("an extra field in a run's input is named, with what to do", () => {
    expect(messages["extraInputField"]).toContain(`Type 'true' is not assignable to type 'boolean & NotInTheInputSchema<"extra">'`)
  })

  it("a typed key written with another type through the untyped channel or a view is refused", () => {
    expect(messages["untypedTypedKey"]).toContain(`Argument of type 'string' is not assignable to parameter of type 'number'`)
    expect(messages["viewTypedKey"]).toContain(`Argument of type 'string' is not assignable to parameter of type 'TypedByTheSchema_WriteItThroughCtxChannel<"total">'`)
  })

  it("a task id ending in .__result__ is named by the workflow's error", () => {
    expect(messages["resultSuffix"]).toContain(`task id \\"fetch.__result__\\" ends in \\".__result__\\"`)
  })

  it("a run without the input its workflow takes leads with { input } and its type", () => {
    const [, second] = messages["runWithoutOptions"]!.split("\n")
    expect(second).toContain("this workflow takes an input (its Task.input): run it with { input }, of this type")
    expect(second).toContain("GiveTheInput<{ readonly id: string; }>")
    const [, missing] = messages["runWithoutTheInput"]!.split("\n")
    expect(missing).toContain("Property 'input' is missing")
    expect(missing).toContain("TakesAnInput<NoInfer<{ readonly id: string; }>>")
    expect(messages["runWithoutTheInput"]).not.toContain("durable: true")
    expect(messages["runInputToNone"]).toContain("Type 'number' is not assignable to type 'TakesNoInput_RemoveInput'")
  })

  it("reading the results of a run that may be suspended says to narrow on out.status", () => {
    expect(messages["maybeSuspended"]).toContain("Suspended_NarrowOnOutStatusBeforeReadingResults")
  })

  it("getResult of a task made from a list without as const says to write the list as const", () => {
    expect(messages["forEachWithoutConst"]).toContain("this task's id is known only at run time: write the id list `as const`")
  })

  it("a workflow where a flow is expected says to run it as a step or over a list", () => {
    expect(messages["workflowAsFlow"]).toContain("AWorkflowIsNotAFlow_RunItAsAStepWithTaskWorkflow_OrOverAListWithFlowMap")
  })

  it("an array spread into a group says to use a run-time map or Task.forEach; an empty group says it needs a flow", () => {
    expect(messages["spreadArray"]).toContain("a list whose length is known only at run time cannot be spread into chain or parallel")
    expect(messages["spreadArray"]).toContain("Flow.map")
    expect(messages["spreadArray"]).toContain("`as const`")
    expect(messages["emptyGroup"]).toContain("a group needs at least one flow")
  })

  it("Task.make given to map says to use Task.forEach", () => {
    expect(messages["makeAsMapCallback"]).toContain("Task.make is not a callback for map")
    expect(messages["makeAsMapCallback"]).toContain("Task.forEach(ids, template)")
  })

  it("a branch that misses values names the branch and the values left", () => {
    const text = messages["notExhaustive"] ?? ""
    expect(text).toContain(`BranchMissesValues_AddACaseForThemOrEndWithOtherwise<"route", "dispute" | "other">`)
  })

  it("a map's item that steers the run, or a workflow that does not fit the elements, says why in words", () => {
    expect(messages["steeringItem"]).toContain("a map's item cannot jump, terminate, add tasks nor wait for requests")
    expect(messages["mapWorkflowWithoutInput"]).toContain("takes the element as its input: give it a Task.input")
    expect(messages["mapWorkflowOtherInput"]).toContain("TheElementIsNotTheWorkflowsInput<number, string>")
    expect(messages["mapWorkflowAwaits"]).toContain("cannot wait for requests (awaits)")
  })

  it("a sub-workflow step without the input its workflow takes says to make it with { input }", () => {
    expect(messages["stepWithoutInput"]).toContain("the workflow takes an input: make it from the step's context")
  })

  it("a misspelled result id lists the ids that are available", () => {
    expect(messages["misspelled"]).toContain(`Argument of type '"fecth"' is not assignable to parameter of type '"fetch" | "config"'`)
  })

  it("an invalid workflow's error starts with the problem in words, naming the task and the result", () => {
    expect(messages["sibling"]).toBe(
      `Argument of type '"w"' is not assignable to parameter of type '"invalid workflow: task \\"process\\" reads the result of \\"fetch\\", which does not certainly run before it"'.`
    )
  })

  it("a key nobody writes names the task and the key", () => {
    expect(messages["unwrittenKey"]).toContain(
      `task \\"use\\" reads channel key \\"config\\", which no task certainly writes before it and which has no initial value`
    )
  })

  it("every problem is listed, in words, and no internal type is shown", () => {
    const message = messages["twoProblems"] ?? ""
    expect(message).toContain(`"invalid workflow: task id \\"a\\" is used more than once"`)
    expect(message).toContain(`"invalid workflow: task \\"b\\" reads the result of \\"a\\", which does not certainly run before it"`)
    expect(message).not.toContain("WorkflowProblems")
    expect(message).not.toContain("readonly ids")
    expect(message.length).toBeLessThan(400)
  })

  it("getResult in a task without after says to declare it", () => {
    expect(messages["noAfter"]).toContain("this task declares no `after`: add the task whose result it reads to `after: [task]`")
  })

  it("a body that returns a Promise points to Effect.tryPromise", () => {
    expect(messages["promise"]).toContain(`invalid workflow: task \\"t\\" returned a Promise: wrap it with Effect.tryPromise`)
  })

  it("a result JSON cannot hold names the path and points to a result schema", () => {
    expect(messages["dateResult"]).toContain(`invalid workflow: the result of task \\"t\\" is not JSON: at [\\"at\\"]: a Date (use Schema.Date)`)
    expect(messages["dateResult"]).toContain("give the task a `result` schema")
  })

  it("a union id is named, one message per member", () => {
    expect(messages["unionId"]).toContain(`task id \\"a\\" is one of a union of ids: a task has one id; make one task per id`)
    expect(messages["unionId"]).toContain(`task id \\"b\\" is one of a union of ids`)
  })

  it("reading a result as another task's type names both tasks", () => {
    expect(messages["otherType"]).toContain(
      `task \\"reader\\" reads the result of \\"fetch\\" as another type than the workflow's task \\"fetch\\" returns`
    )
  })

  it("a duplicate id names the id", () => {
    expect(messages["duplicate"]).toContain(`task id \\"a\\" is used more than once`)
  })

  it("writing an undeclared key lists the keys the task may write", () => {
    expect(messages["undeclaredWrite"]).toContain(`Argument of type '"config"' is not assignable to parameter of type '"total"'`)
  })

  it("running without a service the tasks need names the service", () => {
    expect(messages["missingService"]).toMatch(/Type 'Db' is not assignable to type 'never'/)
  })

  it("a jump target outside the workflow names the task and the target", () => {
    expect(messages["unknownJump"]).toContain(`task \\"j\\" may jump to \\"cleanup\\", which is not a task of this workflow`)
  })

  it("set of a key the task only reads says to declare it in writes", () => {
    expect(messages["setReadOnly"]).toContain("this task declares no `writes`: add the key to `writes: [...]` to write it")
  })

  it("get without a default of a key the task only writes says to declare it in reads or pass a default", () => {
    expect(messages["getWriteOnly"]).toContain(
      "get without a default needs the key in `reads: [...]` (a task before this one must write it); or read it with get(key, orElse) or getOption(key)"
    )
  })

  it("append on a key that is not a list says what append needs", () => {
    expect(messages["appendNonList"]).toContain(
      "append and prepend need a key of the task's `writes` whose schema is a list (Schema.Array(…)); set replaces a value"
    )
  })

  it("atomicAdd on a key that is not a number says what it needs", () => {
    expect(messages["addNonNumber"]).toContain("atomicAdd needs a key of the task's `writes` whose schema is a number")
  })

  it("nextTask of an undeclared task says to declare it in adds", () => {
    expect(messages["undeclaredAdd"]).toContain("declare the tasks this task may add in `adds: [task]`")
  })

  it("Task.forEach with a task of another id names both ids", () => {
    expect(messages["forEachOtherId"]).toContain(`Type '"x-a" | "x-b"' is not assignable to type '"a" | "b"'`)
  })

  it("waitFor in a task that declares no awaits says to declare the request", () => {
    expect(messages["waitUndeclared"]).toContain("declare the requests this task waits for in `awaits: { name: schema }`")
  })

  it("respond names the requests there are, and the field of a wrong value", () => {
    expect(messages["respondUnknown"]).toContain(`Argument of type '"refund"' is not assignable to parameter of type '"approval"'`)
    expect(messages["respondWrongValue"]).toContain(`Type 'string' is not assignable to type 'boolean'`)
    expect(messages["respondNoRequests"]).toContain("no task of this workflow waits for a request")
  })

  it("a run of a workflow with an input needs it, of its type; a durable run needs a runId", () => {
    expect(messages["runWithoutInput"]).toContain("run it with { input }, of this type")
    expect(messages["runWrongInput"]).toContain(`Type 'number' is not assignable to type 'string'`)
    const [, second] = messages["durableWithoutRunId"]!.split("\n")
    expect(second).toContain(`Property 'runId' is missing in type '{ durable: true; }' but required in type 'DurableNeedsARunId'`)
    expect(messages["durableWithoutRunId"]).not.toContain("durable?: false")
  })

  it("requiring a result that may be absent says why and what to do", () => {
    expect(messages["maybeResult"]).toContain(`which may be absent`)
    expect(messages["maybeResult"]).toContain(`Task.optional`)
  })
}, 60_000)
