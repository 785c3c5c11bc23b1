/**
 * Runtime form of tasks.
 *
 * @internal
 */
import { randomUUID } from "node:crypto"
import { Duration, Option, Pipeable, Schedule, Schema } from "effect"
import type * as Channel from "../Channel.js"
import type * as Task from "../Task.js"
import { type Codec, codecOf, listCodec, recordCodec } from "./channel.js"
import { hasProperty } from "effect/Predicate"
import { foreignRuntime, ownRuntime, RUNTIME, RuntimeId, tagOf, TypeId } from "./flow.js"
import { isWorkflowImpl, workflowProblem } from "./workflow.js"
import { resultKey } from "./keys.js"
import { type PolicyRule, toPolicy } from "./group.js"
import type { Runnable } from "./state.js"

/** What the engine calls: the body, with the context built for the run and the task's input. */
export type Body = (ctx: never, input: never) => unknown

/** A retry policy at run time: the schedule, and the number of retries it allows when it says (`{ times }`). */
export interface Retry {
  readonly schedule: Schedule.Schedule<unknown, unknown>
  readonly limit: number | undefined
}

/** How a task runs: retries, timeout, cycle limit. `undefined` fields fall back to the workflow's defaults. */
export interface Execution {
  readonly retry: Retry | undefined
  readonly timeout: Duration.Duration | undefined
  readonly maxCycles: number | undefined
}

/** The runtime declarations of a task. */
interface Declarations {
  readonly after: ReadonlyArray<TaskImpl>
  readonly optional: ReadonlyArray<TaskImpl>
  readonly reads: ReadonlyArray<string>
  readonly writes: ReadonlyArray<string>
  readonly channels: Channel.ChannelSchema<object> | undefined
  readonly result: Codec<unknown> | undefined
  /** The codec of its errors, for errors that cross a process boundary (distributed runs). */
  readonly error: Codec<unknown> | undefined
  readonly goto: ReadonlyArray<string>
  /** It may skip what follows it: it declared `goto` (targets, or `true`) or `terminate`. */
  readonly skips: boolean
  readonly terminate: boolean
  /** The tasks it may add with `ctx.nextTask`. */
  readonly adds: ReadonlyArray<TaskImpl>
  /** The templates it may call with `ctx.call` (tools: each call a task of its own, with its input). */
  readonly tools: ReadonlyArray<Tool>
  readonly execution: Execution
  /** It declares how it loops (`input`, the state of its iterations, or `maxCycles`): drawn with its loop. */
  readonly iterates: boolean
  /** For a `Task.input` task: the codec of the run's input. */
  readonly runInput: Codec<unknown> | undefined
  /** The requests it may wait for (`ctx.waitFor`), by name, with the codec of each response. */
  readonly awaits: ReadonlyMap<string, Codec<unknown>>
  /** For a `Task.workflow` step: the workflow it runs, and how its input is made from the step's context. */
  readonly subWorkflow: SubWorkflow | undefined
  /** For a `Flow.map` step: its list, its item, and how many items run at once. */
  readonly map: MapSpec | undefined
}

/** A `Flow.map` step: the task whose result is the list, what runs per element, how many at once, its policy. */
export interface MapSpec {
  readonly source: TaskImpl
  /** The item as a task (id `{map}[]`): each element runs a copy of it named `{map}[{index}]`, with the element as input. */
  readonly item: TaskImpl
  readonly concurrency: number
  readonly policy: PolicyRule
  readonly failFast: boolean
}

/** A template a task may call (`adds: [template]`, `ctx.call(template, input)`): its name, and how a call's task is made. */
export interface Tool {
  /** The template itself (what `ctx.call` is given). */
  readonly template: unknown
  readonly name: string
  readonly make: (id: string, params: unknown) => TaskImpl
}

/** The key on a template function that says it is one, with its name and maker (what `adds` takes). */
const TemplateId = "~effect-graflow/Template"

/** The tool of a template made by `Task.template` (ours, or another copy's of the same runtime format). */
const toolOf = (u: unknown): Tool | undefined => {
  if (typeof u !== "function" || !hasProperty(u, TemplateId)) return undefined
  const tool: unknown = u[TemplateId]
  if (!hasProperty(tool, "name") || !hasProperty(tool, "make") || !ownRuntime(tool)) return undefined
  const { name, make } = tool
  if (typeof name !== "string" || typeof make !== "function") return undefined
  return {
    template: u,
    name,
    make: (id, params) => {
      const made: unknown = Reflect.apply(make, undefined, [id, params])
      if (!isTask(made)) throw new TypeError(`the template ${JSON.stringify(name)} made no task`)
      return made
    }
  }
}

/** The workflow a `Task.workflow` step runs, and the function that makes its input (none: it takes no input). */
export interface SubWorkflow {
  readonly workflow: Runnable
  readonly input: ((ctx: never) => unknown) | undefined
}

const noExecution: Execution = { retry: undefined, timeout: undefined, maxCycles: undefined }

const none: Declarations = {
  after: [],
  optional: [],
  reads: [],
  writes: [],
  channels: undefined,
  result: undefined,
  error: undefined,
  goto: [],
  skips: false,
  terminate: false,
  adds: [],
  tools: [],
  execution: noExecution,
  iterates: false,
  runInput: undefined,
  awaits: new Map(),
  subWorkflow: undefined,
  map: undefined
}

export class TaskImpl extends Pipeable.Class {
  // The markers every task carries live on the prototype (below): a workflow of 100,000 tasks holds them once, not per task.
  declare readonly [TypeId]: TypeId
  declare readonly [RuntimeId]: typeof RUNTIME
  declare readonly _tag: "Task"
  declare readonly "~shape": Task.Any["~shape"]
  declare readonly "~entry": Task.Any["~entry"]
  declare readonly "~need": Task.Any["~need"]
  declare readonly "~want": Task.Any["~want"]
  declare readonly "~dep": Task.Any["~dep"]
  declare readonly "~optionalDep": Task.Any["~optionalDep"]
  // An ordinary field, not `#private`: a proxy of a task, or an object made on it, reads the key too.
  private resultKeyMade: string | undefined = undefined
  /** The channel key of the task's result, made when first needed (a run on memory never needs it). */
  get resultKey(): string {
    return this.resultKeyMade ??= resultKey(this.id)
  }
  constructor(
    readonly id: string,
    readonly body: Body,
    /** The input of the first iteration (a template's parameters, or the `input` option). */
    readonly input: unknown,
    readonly declarations: Declarations,
    /** For the item of a map that runs an element: the element's index. */
    readonly item?: number
  ) {
    super()
  }
  static {
    Object.defineProperties(this.prototype, {
      [TypeId]: { value: TypeId, enumerable: true },
      [RuntimeId]: { value: RUNTIME, enumerable: true },
      _tag: { value: "Task", enumerable: true }
    })
  }
}

class OptionalImpl<T extends TaskImpl> {
  readonly [RuntimeId] = RUNTIME
  readonly _tag = "Optional" as const
  declare readonly "~entry": T["~entry"]
  declare readonly "~need": never
  declare readonly "~want": T["~entry"]
  declare readonly "~dep": T["~optionalDep"]
  constructor(readonly task: T) {}
  get id(): string {
    return this.task.id
  }
}

/**
 * Whether a value is a task this copy can run: ours, or another copy's of the
 * same runtime format (which has the same shape; no `instanceof`, which would
 * refuse it).
 */
export const isTask = (u: unknown): u is TaskImpl => tagOf(u) === "Task" && ownRuntime(u)

/** Whether a value is a `Task.optional(task)` entry this copy can read (the same rule as {@link isTask}). */
const isOptional = (u: unknown): u is OptionalImpl<TaskImpl> =>
  hasProperty(u, "_tag") && u._tag === "Optional" && ownRuntime(u) && hasProperty(u, "task") && isTask(u.task)

export const optional = <T extends Task.Any>(task: T): Task.Optional<T> => {
  if (!isTask(task)) throw new TypeError(foreignRuntime("the task given to Task.optional", task) ?? "Task.optional: expects a task")
  return new OptionalImpl(task)
}

interface RawOptions {
  readonly channels?: Channel.ChannelSchema<object> | undefined
  readonly after?: ReadonlyArray<unknown> | undefined
  readonly reads?: ReadonlyArray<string> | undefined
  readonly writes?: ReadonlyArray<string> | undefined
  readonly result?: Channel.ValueSchema | undefined
  readonly error?: Channel.ValueSchema | undefined
  readonly input?: unknown
  readonly goto?: ReadonlyArray<string> | true | undefined
  readonly terminate?: boolean | undefined
  readonly maxCycles?: number | undefined
  readonly retry?: Task.RetryPolicy | undefined
  readonly timeout?: Duration.Input | undefined
  readonly adds?: ReadonlyArray<unknown> | undefined
  readonly awaits?: { readonly [name: string]: Channel.ValueSchema } | undefined
  readonly name?: string | undefined
}

const retryOf = (id: string, retry: Task.RetryPolicy | undefined): Retry | undefined => {
  if (retry === undefined) return undefined
  if (Schedule.isSchedule(retry)) return { schedule: retry, limit: undefined }
  if (!Number.isInteger(retry.times) || retry.times < 0) {
    throw new TypeError(`Task ${JSON.stringify(id)}: retry.times must be a whole number ≥ 0`)
  }
  return { schedule: Schedule.recurs(retry.times), limit: retry.times }
}

export const executionOf = (id: string, options: {
  readonly retry?: Task.RetryPolicy | undefined
  readonly timeout?: Duration.Input | undefined
  readonly maxCycles?: number | undefined
}): Execution => {
  let timeout: Duration.Duration | undefined
  if (options.timeout !== undefined) {
    const decoded = Duration.fromInput(options.timeout)
    if (Option.isNone(decoded) || !(Duration.toMillis(decoded.value) > 0)) {
      throw new TypeError(`Task ${JSON.stringify(id)}: timeout must be a positive duration`)
    }
    timeout = decoded.value
  }
  if (options.maxCycles !== undefined && (!Number.isInteger(options.maxCycles) || options.maxCycles < 1)) {
    throw new TypeError(`Task ${JSON.stringify(id)}: maxCycles must be a whole number ≥ 1`)
  }
  return { retry: retryOf(id, options.retry), timeout, maxCycles: options.maxCycles }
}

const declarationsOf = (id: string, options: RawOptions | undefined): Declarations => {
  if (options === undefined) return none
  const after: Array<TaskImpl> = []
  const optionalAfter: Array<TaskImpl> = []
  for (const entry of options.after ?? []) {
    if (isTask(entry)) after.push(entry)
    else if (isOptional(entry)) optionalAfter.push(entry.task)
    else throw new TypeError(foreignRuntime(`an entry of the \`after\` of task ${JSON.stringify(id)}`, entry) ?? `Task ${JSON.stringify(id)}: \`after\` takes tasks and Task.optional(task)`)
  }
  const adds: Array<TaskImpl> = []
  const tools: Array<Tool> = []
  for (const entry of options.adds ?? []) {
    const tool = toolOf(entry)
    if (isTask(entry)) adds.push(entry)
    else if (tool !== undefined) tools.push(tool)
    else {
      throw new TypeError(
        foreignRuntime(`an entry of the \`adds\` of task ${JSON.stringify(id)}`, entry) ??
          `Task ${JSON.stringify(id)}: \`adds\` takes tasks and task templates`
      )
    }
  }
  return {
    after,
    optional: optionalAfter,
    reads: options.reads ?? [],
    writes: options.writes ?? [],
    channels: options.channels,
    result: options.result === undefined ? undefined : codecOf(options.result),
    error: options.error === undefined ? undefined : codecOf(options.error),
    goto: options.goto === true || options.goto === undefined ? [] : options.goto,
    skips: options.goto === true || (options.goto?.length ?? 0) > 0 || options.terminate === true,
    terminate: options.terminate === true,
    adds,
    tools,
    execution: executionOf(id, options),
    iterates: options.input !== undefined || options.maxCycles !== undefined,
    runInput: undefined,
    awaits: awaitsOf(id, options.awaits),
    subWorkflow: undefined,
    map: undefined
  }
}

const awaitsOf = (id: string, awaits: RawOptions["awaits"]): ReadonlyMap<string, Codec<unknown>> => {
  const out = new Map<string, Codec<unknown>>()
  if (awaits === undefined) return out
  if (typeof awaits !== "object" || awaits === null) {
    throw new TypeError(`Task ${JSON.stringify(id)}: \`awaits\` takes an object of schemas, one per request name`)
  }
  for (const [name, schema] of Object.entries(awaits)) {
    if (!Schema.isSchema(schema)) throw new TypeError(`Task ${JSON.stringify(id)}: awaits.${name} is not a schema`)
    out.set(name, codecOf(schema))
  }
  return out
}

/** The body of an input task: the run's input, decoded. */
const inputBody: Body = (ctx: { readonly runInput: () => unknown }) => ctx.runInput()

export const input: typeof Task.input = (id: string, schema: Channel.ValueSchema): never => {
  const checked = checkId(id)
  if (!Schema.isSchema(schema)) throw new TypeError(`Task.input ${JSON.stringify(checked)}: expects a schema of the run's input`)
  const codec = codecOf(schema)
  return new TaskImpl(checked, inputBody, undefined, { ...none, result: codec, runInput: codec }) as never
}

const checkId = (id: unknown): string => {
  if (typeof id !== "string" || id === "") throw new TypeError("Task: the id must be a non-empty string")
  if (id.endsWith(".__result__")) throw new TypeError(`Task: the id ${JSON.stringify(id)} may not end in ".__result__"`)
  return id
}

// The overloads in Task.ts type the body against the context and input the
// engine builds for it; at run time a body is a function of both.
export const make: typeof Task.make = (
  id: string,
  // A string only in the signature that explains `ids.map(Task.make)`; no call passes one.
  optionsOrBody: RawOptions | Body | string,
  maybeBody?: Body
): never => {
  if (typeof optionsOrBody === "number" || typeof optionsOrBody === "string") {
    throw new TypeError("Task.make is not a callback for map: to make a task per id, use Task.forEach(ids, template)")
  }
  const [options, body] = typeof optionsOrBody === "function" ? [undefined, optionsOrBody] : [optionsOrBody, maybeBody]
  if (typeof body !== "function") throw new TypeError("Task.make: the body must be a function")
  const checked = checkId(id)
  return new TaskImpl(checked, body, options?.input, declarationsOf(checked, options)) as never
}

export const template: typeof Task.template = (optionsOrBody: RawOptions | Body, maybeBody?: Body): never => {
  const [options, body] = typeof optionsOrBody === "function" ? [undefined, optionsOrBody] : [optionsOrBody, maybeBody]
  if (typeof body !== "function") throw new TypeError("Task.template: the body must be a function")
  const instantiate = (id: string, params: unknown) => {
    const checked = checkId(id)
    return new TaskImpl(checked, body, params, declarationsOf(checked, options))
  }
  // Called with the parameters alone: an instance with an id of its own, `{name}_{8 hex}` (Graflow's auto ids).
  const named = options?.name ?? body.name
  const prefix = typeof named === "string" && /^[A-Za-z_$][\w$-]*$/.test(named) ? named : "task"
  const template = (...args: ReadonlyArray<unknown>) =>
    args.length >= 2 ? instantiate(String(args[0]), args[1]) : instantiate(`${prefix}_${randomUUID().slice(0, 8)}`, args[0])
  // What `adds` reads of it, to call it as a tool.
  Object.defineProperty(template, TemplateId, { value: { name: prefix, make: instantiate, [RuntimeId]: RUNTIME } })
  return template as never
}

// One task per id: the types relabel the callback's task (typed with the union
// of the ids) with each id, which holds only if each task has the id it was
// made with; that is checked here.
export const forEach: typeof Task.forEach = (
  ids: ReadonlyArray<string>,
  make: (id: string, index: number) => unknown
): never => {
  if (!Array.isArray(ids)) throw new TypeError("Task.forEach: expects an array of task ids")
  if (typeof make !== "function") throw new TypeError("Task.forEach: expects a function that makes the task of an id")
  return ids.map((id, index) => {
    const task = make(id, index)
    if (!isTask(task)) {
      throw new TypeError(`Task.forEach: the function returned no task for the id ${JSON.stringify(id)}`)
    }
    if (task.id !== id) {
      throw new TypeError(
        `Task.forEach: the task made for the id ${JSON.stringify(id)} has the id ${JSON.stringify(task.id)}; make each task with the id it is given`
      )
    }
    return task
  }) as never
}

/** The body of a `Task.workflow` step: never called (the engine runs the step's workflow instead). */
const subWorkflowBody: Body = () => undefined

// A step that runs a workflow: a task whose result is the workflow's results, whose requests are the
// workflow's, and whose attempts run the workflow (attempt.ts) instead of a body.
// The overloads in Task.ts type the step from its workflow; at run time a step is a task.
export const workflow: typeof Task.workflow = (id: string, inner: unknown, options?: RawOptions & { readonly input?: unknown }): never =>
  workflowStep(id, inner, options) as never

const workflowStep = (id: string, inner: unknown, options?: RawOptions & { readonly input?: unknown }): TaskImpl => {
  const checked = checkId(id)
  const problem = workflowProblem(`Task.workflow ${JSON.stringify(checked)}`, inner)
  if (problem !== undefined || !isWorkflowImpl(inner)) throw new TypeError(problem)
  const input = options?.input
  if (input !== undefined && typeof input !== "function") {
    throw new TypeError(`Task.workflow ${JSON.stringify(checked)}: \`input\` is a function of the step's context that makes the workflow's input`)
  }
  const { input: _, ...rest } = options ?? {}
  const declared = declarationsOf(checked, rest)
  const awaits = new Map(declared.awaits)
  for (const [name, entry] of inner.plan.awaits) awaits.set(name, entry.codec)
  // The step's result is the workflow's results: stored with the codecs of the tasks that have one.
  const codecs = new Map(inner.plan.resultCodecs)
  const seen = new Set<TaskImpl>()
  const addCodecs = (task: TaskImpl): void => {
    for (const added of task.declarations.adds) {
      if (seen.has(added)) continue
      seen.add(added)
      if (added.declarations.result !== undefined) codecs.set(added.id, added.declarations.result)
      addCodecs(added)
    }
  }
  for (const task of inner.plan.tasks.values()) addCodecs(task)
  return new TaskImpl(checked, subWorkflowBody, undefined, {
    ...declared,
    result: codecs.size === 0 ? undefined : recordCodec(codecs),
    awaits,
    subWorkflow: { workflow: inner, input: input === undefined ? undefined : (ctx: never) => Reflect.apply(input, undefined, [ctx]) }
  })
}

/** The body of a `Flow.map` step: never called (the engine runs its items instead). */
const mapBody: Body = () => undefined

/** The policies a map takes (a `{ critical }` names tasks, which a map's items are not). */
const mapPolicies = new Set(["Strict", "BestEffort", "AtLeast"])

// A step that runs an item per element of a list computed at run time: a task whose result is the
// list of the items' results; the engine (map.ts) runs the items.
export const map = (
  id: string,
  source: unknown,
  item: unknown,
  options?: { readonly concurrency?: number; readonly policy?: unknown; readonly failFast?: boolean }
): TaskImpl => {
  const checked = checkId(id)
  const where = `Flow.map ${JSON.stringify(checked)}`
  if (!isTask(source)) throw new TypeError(foreignRuntime(`the source of ${where}`, source) ?? `${where}: the source is the task whose result is the list`)
  let proto: TaskImpl
  if (isWorkflowImpl(item)) {
    // A workflow per element, the element its input.
    proto = workflowStep(`${checked}[]`, item, item.plan.input === undefined ? undefined : { input: (ctx: { readonly input: unknown }) => ctx.input })
  } else if (typeof item === "function") {
    const made: unknown = Reflect.apply(item, undefined, [`${checked}[]`, undefined])
    if (!isTask(made)) throw new TypeError(`${where}: the item is a task template (Task.template(…)) or a workflow`)
    proto = made
  } else throw new TypeError(`${where}: the item is a task template (Task.template(…)) or a workflow`)
  const d = proto.declarations
  if (d.goto.length > 0 || d.skips || d.terminate || d.adds.length > 0 || (d.subWorkflow === undefined && d.awaits.size > 0)) {
    throw new TypeError(`${where}: an item cannot steer the run (goto, terminate, adds) nor wait for requests (awaits)`)
  }
  if (d.subWorkflow !== undefined && d.subWorkflow.workflow.plan.awaits.size > 0) {
    throw new TypeError(`${where}: the workflow of an item waits for requests (awaits): answers could not tell the items apart`)
  }
  const policy = toPolicy(options?.policy)
  if (!mapPolicies.has(policy._tag)) {
    throw new TypeError(`${where}: a map's policy is "strict", "best-effort" or { atLeast: n }`)
  }
  const concurrency = options?.concurrency ?? 16
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new TypeError(`${where}: concurrency must be a whole number ≥ 1`)
  return new TaskImpl(checked, mapBody, undefined, {
    ...none,
    after: [source, ...d.after],
    optional: d.optional,
    reads: d.reads,
    writes: d.writes,
    channels: d.channels,
    result: listCodec(d.result, policy._tag !== "Strict"),
    map: { source, item: proto, concurrency, policy, failFast: options?.failFast === true }
  })
}