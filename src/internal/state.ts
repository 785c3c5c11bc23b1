/**
 * The state of one run, shared by its tasks: each task's latest result and
 * run count, whether the run was stopped, the views of the channel, and the
 * progress handler. Where a result is stored and read: `results.ts`.
 *
 * @internal
 */
import { type Clock, type Duration, Effect } from "effect"
import type * as Channel from "../Channel.js"
import type { ChannelBackend, ChannelStore, Retention } from "../ChannelBackend.js"
import type { Event, Handler } from "../Progress.js"
import { type Codec, guardOf, typedFromSchema, UntypedView } from "./channel.js"
import type { Completion, JournalEntry, Request, Store } from "./checkpoint.js"
import type { TaskContext } from "./context.js"
import type { ChannelError } from "./channelError.js"
import type { Json, Value } from "./json.js"
import type { ResultSource } from "./memory.js"
import { planHash } from "./identity.js"
import type { Plan } from "./plan.js"
import { resultKey, resultSuffix } from "./keys.js"
import type { Execution, TaskImpl } from "./task.js"
import type { CheckpointStoreError, RunLeaseLostError } from "./workflowError.js"

/** What the body of an attempt asked for (made on the first request only). */
export interface Requests {
  iterate: { readonly input: unknown } | undefined
  /** Tasks added (`nextTask`) and tools called (`call`: the template's index in `adds`, and the call's input). */
  readonly added: Array<{ readonly task: TaskImpl; readonly goto: boolean; readonly call?: { readonly tool: number; readonly input: unknown } }>
  goto: string | undefined
  terminate: boolean
  /** `ctx.checkpoint(metadata)`: a checkpoint once the task has completed. */
  checkpoint: { readonly [key: string]: Json } | undefined
}

/** One completed execution of a task, as the run keeps it: the stored result and the requests applied. */
export interface Done {
  readonly task: string
  readonly iteration: number
  readonly attempts: number
  /** The result as stored (encoded). */
  readonly result: Value
  readonly requests: Requests | undefined
}

/** Where a durable run writes each completion: with the result (a channel's journal) or after it (the checkpoint store's). */
export interface DurableSink {
  readonly write: (entry: JournalEntry, resultKey: string, result: Value) => Effect.Effect<void, ChannelError | CheckpointStoreError | RunLeaseLostError>
  /** Journals an entry alone (a map's item, whose result is the entry's). */
  readonly record: (entry: string) => Effect.Effect<void, ChannelError | CheckpointStoreError | RunLeaseLostError>
  /**
   * For a journal kept in this process (which cannot fail), while the channel answers the run's results from
   * the run (`RunState.resultsAdopted`): journals a completion without requests at once, no Effect to run.
   */
  readonly completion?: ((task: TaskImpl, iteration: number, attempts: number, result: Value) => void) | undefined
}

/** The run's input: the value tasks read, and its encoding (stored in checkpoints and journals). */
export interface RunInput {
  readonly value: unknown
  readonly encoded: Json
}

/** What the engine needs of a workflow. */
export interface Runnable {
  readonly name: string
  readonly plan: Plan
  readonly channels: Channel.ChannelSchema<object> | undefined
  readonly initial: { readonly [key: string]: unknown }
  readonly defaults: Execution
}

/**
 * Where the run of a sub-workflow (a `Task.workflow` step) stands under the
 * run that started it: its events, and the requests its tasks wait for, are
 * the root run's (the workflow and run id of the run a user started, and the
 * step's path before each task id: `review/approve`), and answers for them are
 * queued in the root run's namespace (`Workflow.respond` of the root workflow).
 */
export interface Parent {
  readonly workflow: string
  readonly runId: string
  /** What goes before a task id of this run in events and requests: `"step/"` (nested: `"outer/inner/"`). */
  readonly prefix: string
  /** The store of the root run's namespace, where answers are queued. */
  readonly responses: ChannelStore
}

/** Runs a `Task.workflow` step's workflow for an attempt of it (set by run.ts, which the engine's modules do not import). */
export type RunChild = (task: TaskImpl, ctx: TaskContext) => Effect.Effect<unknown, unknown, unknown>

const DEFAULT_MAX_CYCLES = 10

/** The mark of a plan task without a result yet. */
export const absent: unique symbol = Symbol("effect-graflow/absent")

/** A result as an own data property (an id such as `"__proto__"` stays data, as with `Object.fromEntries`). */
const defineResult = (out: { [id: string]: unknown }, id: string, value: unknown): void => {
  if (id === "__proto__") Object.defineProperty(out, id, { value, enumerable: true, writable: true, configurable: true })
  else out[id] = value
}

/** A run's written results, as a memory channel reads them (`adoptResults`). */
class WrittenResults implements ResultSource {
  constructor(private readonly state: RunState) {}
  has(key: string): boolean {
    return this.state.writtenOf(key) !== absent
  }
  get(key: string): Value {
    const value = this.state.writtenOf(key)
    // `has` said it is there: a written result is a Value.
    return value === absent ? undefined : value as Value
  }
  entries(): Array<readonly [string, Value]> {
    return this.state.writtenEntries()
  }
  detach(): void {
    this.state.resultsAdopted = false
  }
}

export class RunState {
  /** The result of each task of the plan, by plan index (`absent` until it has one). */
  private readonly values: Array<unknown>
  /**
   * What was written to the channel for each plan task's latest result in this
   * run (the checked JSON, frozen, or the result schema's encoding: what the
   * channel gives back), `absent` before: `ctx.getResult` reads it without a
   * round trip to the channel, and a memory channel that adopted the run's
   * results (`resultsAdopted`) answers `{id}.__result__` from it.
   */
  private readonly written: Array<unknown>
  /** The same for the tasks added at run time, by result key. */
  private addedWrittenMap: Map<string, Value> | undefined = undefined
  /**
   * Whether the channel answers the run's results from `written` (a memory
   * channel, a run that is not durable): the results are then not written to it.
   */
  resultsAdopted = false
  /** The run's results as a memory channel reads them (see `resultsAdopted`). */
  get resultSource(): ResultSource {
    return new WrittenResults(this)
  }
  /** Every result written in this run, by result key (see `written`). */
  writtenEntries(): Array<readonly [string, Value]> {
    const out: Array<readonly [string, Value]> = []
    const { ids } = this.workflow.plan
    for (let i = 0; i < this.written.length; i++) {
      // Only `setWritten` fills `written`, with Values.
      if (this.written[i] !== absent) out.push([resultKey(ids[i]!), this.written[i] as Value])
    }
    if (this.addedWrittenMap !== undefined) for (const entry of this.addedWrittenMap) out.push(entry)
    return out
  }
  /** The results of the tasks added at run time. */
  private addedValues: Map<string, unknown> | undefined = undefined
  readonly untyped: UntypedView
  /** How many times each task of the plan has run (by plan index); tasks added at run time below. */
  private readonly counts: Uint32Array
  private addedCounts: Map<string, number> | undefined = undefined
  stopped = false
  private views: Map<object, unknown> | undefined = undefined
  /** The result codecs of the tasks added at run time or looked up by task value. */
  private dynamicCodecMap: Map<string, Codec<unknown>> | undefined = undefined
  get dynamicCodecs(): Map<string, Codec<unknown>> {
    return this.dynamicCodecMap ??= new Map()
  }
  /**
   * What completed, kept without allocating per task (a checkpoint rebuilds
   * the list from it): how many executions of each plan task completed, with
   * how many attempts the latest took; the same for added tasks; and the
   * requests of the executions that made some, by task and iteration.
   */
  private readonly done: Uint32Array
  private readonly doneAttempts: Uint32Array
  private addedDoneMap: Map<string, { count: number; attempts: number }> | undefined = undefined
  private requestedMap: Map<string, Requests> | undefined = undefined
  /** For a run that continues (a resume, a durable run started again): what completed before, by task and iteration. */
  replay: ReadonlyMap<string, Completion> | undefined = undefined
  /** Where a durable run writes each completion. */
  durable: DurableSink | undefined = undefined
  /** The run's input, for a workflow with a `Task.input` task. */
  input: RunInput | undefined = undefined
  /** Whether the run records its events (`ChannelBackend.runEvents`): a worker then records which one ran an attempt. */
  recordsEvents = false
  /** The requests tasks are waiting on now (human in the loop). */
  private waitingSet: Set<Request> | undefined = undefined
  get waiting(): Set<Request> {
    return this.waitingSet ??= new Set()
  }
  /** For the run of a sub-workflow: where it stands under the root run. */
  parent: Parent | undefined = undefined
  /** Runs a `Task.workflow` step's workflow. */
  runChild: RunChild | undefined = undefined
  /** Runs a `Flow.map` step's items. */
  runMap: RunChild | undefined = undefined
  /** The channel backend of the run: its sub-workflows run on it too. */
  backend: ChannelBackend | undefined = undefined
  /** What the run's namespace gets when it ends (a sub-workflow run nothing continues gets it when it ends). */
  retention: Retention = { _tag: "Delete" }
  /**
   * Whether the run's final read may apply its retention with it (a run without lease or journal,
   * which gets its retention whether that read succeeds or fails); set once it has.
   */
  retainWithSnapshot: "no" | "may" | "done" = "no"
  /** The namespaces of the sub-workflow runs this run started: they get its retention when it ends. */
  private childSet: Set<string> | undefined = undefined
  get children(): Set<string> {
    return this.childSet ??= new Set()
  }
  /** Whether the run started sub-workflow runs. */
  get hasChildren(): boolean {
    return this.childSet !== undefined && this.childSet.size > 0
  }
  constructor(
    readonly workflow: Runnable,
    readonly runId: string,
    readonly store: ChannelStore,
    readonly progress: Handler | undefined,
    readonly tracing: boolean,
    readonly clock: Clock.Clock,
    readonly checkpoints: Store,
    /** The hash of the workflow's plan when the caller has it (a worker, from its job); else computed when first needed. */
    private readonly knownPlanHash: string | undefined,
    /**
     * The plan tasks kept by index: all of them for a run; none for a
     * worker's view of one attempt (it runs no flow, and its counts go in a
     * map), so that a job costs nothing per task of its workflow.
     */
    slots: number = workflow.plan.ids.length
  ) {
    this.untyped = new UntypedView(store, guardOf(workflow.channels))
    this.counts = new Uint32Array(slots)
    this.done = new Uint32Array(slots)
    this.doneAttempts = new Uint32Array(slots)
    this.values = new Array(slots).fill(absent)
    this.written = new Array(slots).fill(absent)
  }
  /** Records a task's latest result (`index`: its place in the plan, -1 for an added task). */
  setResult(task: TaskImpl, index: number, value: unknown): void {
    if (index >= 0) this.values[index] = value
    else (this.addedValues ??= new Map()).set(task.id, value)
  }
  /** The hash of the workflow's plan (checkpoints and journals carry it): computed once per plan, when a run needs it. */
  get planHash(): string {
    return this.knownPlanHash ?? planHash(this.workflow.plan)
  }
  /** Records what was written for a task's result (`index`: its place in the plan, -1 for an added task; see `written`). */
  setWritten(task: TaskImpl, index: number, json: Value): void {
    if (index >= 0 && index < this.written.length) this.written[index] = json
    else (this.addedWrittenMap ??= new Map()).set(task.resultKey, json)
  }
  /** What was written under a result key in this run, or `absent`. */
  writtenOf(key: string): unknown {
    const index = this.workflow.plan.index.get(key.slice(0, -resultSuffix.length))
    if (index !== undefined && index < this.written.length && this.written[index] !== absent) return this.written[index]
    const added = this.addedWrittenMap
    return added === undefined || !added.has(key) ? absent : added.get(key)
  }
  /** What was written for the plan's task at `index` in this run, or `absent` (see `written`). */
  writtenAt(index: number): unknown {
    return index < this.written.length ? this.written[index] : absent
  }
  /** The latest result of the plan's task at `index` in this run, or `absent`. */
  resultAt(index: number): unknown {
    return index < this.values.length ? this.values[index] : absent
  }
  /** Whether a task added at run time (`nextTask`, a tool's call) with this id ran in this run. */
  ranAdded(id: string): boolean {
    return this.addedCounts?.has(id) ?? false
  }
  /** The results record of the run: the tasks of the plan in flow order, then the added ones. */
  results(): { readonly [id: string]: unknown } {
    const out: { [id: string]: unknown } = {}
    const { ids } = this.workflow.plan
    for (let i = 0; i < ids.length; i++) if (this.values[i] !== absent) defineResult(out, ids[i]!, this.values[i])
    if (this.addedValues !== undefined) for (const [id, value] of this.addedValues) defineResult(out, id, value)
    return out
  }
  /** Records a completed execution (its result is being written). */
  complete(id: string, index: number, iteration: number, attempts: number, requests: Requests | undefined): void {
    if (index >= 0) {
      this.done[index] = iteration
      this.doneAttempts[index] = attempts
    } else (this.addedDoneMap ??= new Map()).set(id, { count: iteration, attempts })
    if (requests !== undefined) (this.requestedMap ??= new Map()).set(replayKey(id, iteration), requests)
  }
  /** Takes back a completion whose result could not be written. */
  uncomplete(id: string, index: number, iteration: number): void {
    if (index >= 0) {
      this.done[index] = iteration - 1
      // What the channel holds now is not known here: readers go to it. (A channel that answers from
      // `written` holds what `written` holds: the earlier result, this write never having been made.)
      if (index < this.written.length && !this.resultsAdopted) this.written[index] = absent
    } else if (iteration <= 1) this.addedDoneMap?.delete(id)
    else (this.addedDoneMap ??= new Map()).set(id, { count: iteration - 1, attempts: 1 })
    this.requestedMap?.delete(replayKey(id, iteration))
  }
  /**
   * The completed executions, plan tasks in flow order then added ones, each
   * iteration with its requests; `result` gives the stored result of a task's
   * latest one (earlier iterations' results were overwritten).
   */
  completed(result: (id: string) => Value): Array<Done> {
    const out: Array<Done> = []
    const push = (id: string, count: number, attempts: number) => {
      for (let iteration = 1; iteration <= count; iteration++) {
        const last = iteration === count
        out.push({
          task: id,
          iteration,
          attempts: last ? attempts : 1,
          result: last ? result(id) : undefined,
          requests: this.requestedMap?.get(replayKey(id, iteration))
        })
      }
    }
    const { ids } = this.workflow.plan
    for (let i = 0; i < ids.length; i++) if (this.done[i]! > 0) push(ids[i]!, this.done[i]!, this.doneAttempts[i]!)
    if (this.addedDoneMap !== undefined) for (const [id, { attempts, count }] of this.addedDoneMap) push(id, count, attempts)
    return out
  }
  /** Sets how many times tasks have run (a worker's view of a run, from its job). */
  seedCycles(cycles: { readonly [id: string]: number }): void {
    for (const [id, count] of Object.entries(cycles)) {
      const index = this.workflow.plan.index.get(id)
      if (index === undefined || index >= this.counts.length) (this.addedCounts ??= new Map()).set(id, count)
      else this.counts[index] = count
    }
  }
  /** Where a task's attempts run when not here (distributed runs): `undefined` from it runs the attempt here. */
  remote:
    | ((task: TaskImpl, ctx: TaskContext, timeout: Duration.Duration | undefined) => Effect.Effect<unknown, unknown> | undefined)
    | undefined = undefined
  /** How many times the task has run in this run. */
  cycles(id: string): number {
    const index = this.workflow.plan.index.get(id)
    return index === undefined || index >= this.counts.length ? this.addedCounts?.get(id) ?? 0 : this.counts[index]!
  }
  /** Counts one more run of the task (`index`: its place in the plan, -1 for an added task). */
  countRun(id: string, index: number): number {
    if (index >= 0) return ++this.counts[index]!
    const counts = this.addedCounts ??= new Map()
    const count = (counts.get(id) ?? 0) + 1
    counts.set(id, count)
    return count
  }
  typedView(channels: Channel.ChannelSchema<object>): unknown {
    const views = this.views ??= new Map()
    let view = views.get(channels)
    if (view === undefined) {
      view = typedFromSchema(this.store, channels)
      views.set(channels, view)
    }
    return view
  }
  maxCycles(task: TaskImpl): number {
    return task.declarations.execution.maxCycles ?? this.workflow.defaults.maxCycles ?? DEFAULT_MAX_CYCLES
  }
  codecOf(id: string): Codec<unknown> | undefined {
    return this.workflow.plan.resultCodecs.get(id) ?? this.dynamicCodecMap?.get(id)
  }
  event(event: Event): Effect.Effect<void> {
    if (this.progress === undefined) return Effect.void
    const parent = this.parent
    if (parent === undefined) return this.progress.onEvent(event)
    // A sub-workflow's run reports as part of the root run: its tasks by their path; its own start and end are the step's.
    if (event._tag === "RunStarted" || event._tag === "RunFinished") return Effect.void
    return this.progress.onEvent({ ...event, workflow: parent.workflow, runId: parent.runId, taskId: parent.prefix + event.taskId })
  }
  /** The store where answers for this run's requests are queued: the root run's namespace. */
  get responses(): ChannelStore {
    return this.parent?.responses ?? this.store
  }
  /** A task's id as requests and events name it: with the path of the sub-workflow steps above it. */
  pathOf(taskId: string): string {
    return this.parent === undefined ? taskId : this.parent.prefix + taskId
  }
  /**
   * The run id of the workflow a `Task.workflow` step runs in an execution:
   * `{workflow}/{runId}/{step}`, and `@{iteration}` after the first.
   */
  childRunId(task: TaskImpl, iteration: number): string {
    return `${this.workflow.name}/${this.runId}/${task.id}${iteration > 1 ? `@${iteration}` : ""}`
  }
  /** The run id requests name: the root run's. */
  get rootRunId(): string {
    return this.parent?.runId ?? this.runId
  }
}

/** The key of an execution in `RunState.replay`. */
export const replayKey = (taskId: string, iteration: number): string => `${iteration}:${taskId}`
