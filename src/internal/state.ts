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
import type { Completion, Request, Store } from "./checkpoint.js"
import type { TaskContext } from "./context.js"
import type { ChannelError } from "./channelError.js"
import type { Json, Value } from "./json.js"
import type { Plan } from "./plan.js"
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
  readonly write: (entry: string, resultKey: string, result: Value) => Effect.Effect<void, ChannelError | CheckpointStoreError | RunLeaseLostError>
  /** Journals an entry alone (a map's item, whose result is the entry's). */
  readonly record: (entry: string) => Effect.Effect<void, ChannelError | CheckpointStoreError | RunLeaseLostError>
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

export class RunState {
  /** The result of each task of the plan, by plan index (`absent` until it has one). */
  private readonly values: Array<unknown>
  /** The results of the tasks added at run time. */
  private readonly addedValues = new Map<string, unknown>()
  readonly untyped: UntypedView
  /** How many times each task of the plan has run (by plan index); tasks added at run time below. */
  private readonly counts: Uint32Array
  private readonly addedCounts = new Map<string, number>()
  stopped = false
  private readonly views = new Map<object, unknown>()
  /** The result codecs of the tasks added at run time or looked up by task value. */
  readonly dynamicCodecs = new Map<string, Codec<unknown>>()
  /**
   * What completed, kept without allocating per task (a checkpoint rebuilds
   * the list from it): how many executions of each plan task completed, with
   * how many attempts the latest took; the same for added tasks; and the
   * requests of the executions that made some, by task and iteration.
   */
  private readonly done: Uint32Array
  private readonly doneAttempts: Uint32Array
  private readonly addedDone = new Map<string, { count: number; attempts: number }>()
  private readonly requested = new Map<string, Requests>()
  /** For a run that continues (a resume, a durable run started again): what completed before, by task and iteration. */
  replay: ReadonlyMap<string, Completion> | undefined = undefined
  /** Where a durable run writes each completion. */
  durable: DurableSink | undefined = undefined
  /** The run's input, for a workflow with a `Task.input` task. */
  input: RunInput | undefined = undefined
  /** The requests tasks are waiting on now (human in the loop). */
  readonly waiting = new Set<Request>()
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
  /** The namespaces of the sub-workflow runs this run started: they get its retention when it ends. */
  readonly children = new Set<string>()
  constructor(
    readonly workflow: Runnable,
    readonly runId: string,
    readonly store: ChannelStore,
    readonly progress: Handler | undefined,
    readonly tracing: boolean,
    readonly clock: Clock.Clock,
    readonly checkpoints: Store,
    /** The hash of the workflow's plan (checkpoints carry it). */
    readonly planHash: string,
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
  }
  /** Records a task's latest result (`index`: its place in the plan, -1 for an added task). */
  setResult(task: TaskImpl, index: number, value: unknown): void {
    if (index >= 0) this.values[index] = value
    else this.addedValues.set(task.id, value)
  }
  /** The latest result of the plan's task at `index` in this run, or `absent`. */
  resultAt(index: number): unknown {
    return index < this.values.length ? this.values[index] : absent
  }
  /** Whether a task added at run time (`nextTask`, a tool's call) with this id ran in this run. */
  ranAdded(id: string): boolean {
    return this.addedCounts.has(id)
  }
  /** The results record of the run: the tasks of the plan in flow order, then the added ones. */
  results(): { readonly [id: string]: unknown } {
    const entries: Array<readonly [string, unknown]> = []
    const { ids } = this.workflow.plan
    for (let i = 0; i < ids.length; i++) if (this.values[i] !== absent) entries.push([ids[i]!, this.values[i]])
    for (const entry of this.addedValues) entries.push(entry)
    // Object.fromEntries defines own properties: an id such as "__proto__" stays data.
    return Object.fromEntries(entries)
  }
  /** Records a completed execution (its result is being written). */
  complete(id: string, index: number, iteration: number, attempts: number, requests: Requests | undefined): void {
    if (index >= 0) {
      this.done[index] = iteration
      this.doneAttempts[index] = attempts
    } else this.addedDone.set(id, { count: iteration, attempts })
    if (requests !== undefined) this.requested.set(replayKey(id, iteration), requests)
  }
  /** Takes back a completion whose result could not be written. */
  uncomplete(id: string, index: number, iteration: number): void {
    if (index >= 0) this.done[index] = iteration - 1
    else if (iteration <= 1) this.addedDone.delete(id)
    else this.addedDone.set(id, { count: iteration - 1, attempts: 1 })
    this.requested.delete(replayKey(id, iteration))
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
          requests: this.requested.get(replayKey(id, iteration))
        })
      }
    }
    const { ids } = this.workflow.plan
    for (let i = 0; i < ids.length; i++) if (this.done[i]! > 0) push(ids[i]!, this.done[i]!, this.doneAttempts[i]!)
    for (const [id, { attempts, count }] of this.addedDone) push(id, count, attempts)
    return out
  }
  /** Sets how many times tasks have run (a worker's view of a run, from its job). */
  seedCycles(cycles: { readonly [id: string]: number }): void {
    for (const [id, count] of Object.entries(cycles)) {
      const index = this.workflow.plan.index.get(id)
      if (index === undefined || index >= this.counts.length) this.addedCounts.set(id, count)
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
    return index === undefined || index >= this.counts.length ? this.addedCounts.get(id) ?? 0 : this.counts[index]!
  }
  /** Counts one more run of the task (`index`: its place in the plan, -1 for an added task). */
  countRun(id: string, index: number): number {
    if (index >= 0) return ++this.counts[index]!
    const count = (this.addedCounts.get(id) ?? 0) + 1
    this.addedCounts.set(id, count)
    return count
  }
  typedView(channels: Channel.ChannelSchema<object>): unknown {
    let view = this.views.get(channels)
    if (view === undefined) {
      view = typedFromSchema(this.store, channels)
      this.views.set(channels, view)
    }
    return view
  }
  maxCycles(task: TaskImpl): number {
    return task.declarations.execution.maxCycles ?? this.workflow.defaults.maxCycles ?? DEFAULT_MAX_CYCLES
  }
  codecOf(id: string): Codec<unknown> | undefined {
    return this.workflow.plan.resultCodecs.get(id) ?? this.dynamicCodecs.get(id)
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
