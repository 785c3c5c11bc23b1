/**
 * The engine: runs a compiled plan.
 *
 * - Sequences run their steps in order; parallel groups run their members
 *   concurrently on the same channel; every task runs once per execution,
 *   after everything before it has finished.
 * - A task's body may ask for control flow (`nextIteration`, `nextTask`,
 *   `goto`, `terminate`; `cancel` fails it). The requests of the attempt that
 *   succeeded are applied after its result is stored, in this order:
 *   terminate, then added tasks, then goto, then the next iteration.
 * - Execution returns a signal up the tree: `Stop` (terminate: nothing new
 *   starts anywhere), `End` (this path ends: a `nextTask(…, { goto: true })`),
 *   or `Jump` (the run continues at a task's position, after the enclosing
 *   parallel groups have finished their other members).
 *
 * @internal
 */
import { randomUUID } from "node:crypto"
import { Cause, Clock, Duration, Effect, Exit, Option, References, Tracer } from "effect"
import type * as Channel from "../Channel.js"
import type { ChannelStore } from "../ChannelBackend.js"
import type { Event, Handler } from "../Progress.js"
import {
  Channel as ChannelService,
  checkValue,
  codecOf,
  fieldSchema,
  retentionOf,
  typedFromSchema,
  UntypedView
} from "./channel.js"
import { type ChannelDecodeError, type ChannelError, InvalidValueError } from "./channelError.js"
import { show } from "./format.js"
import { resultKey, runNamespace } from "./keys.js"
import { makeBackend } from "./memory.js"
import type { Plan, Step } from "./plan.js"
import { cannotSucceed, describePolicy, satisfied } from "./policy.js"
import { Progress } from "./progress.js"
import { type Execution, isTask, type TaskImpl } from "./task.js"
import {
  CycleLimitExceededError,
  InvalidNextTaskError,
  type MemberOutcome,
  ParallelGroupError,
  ResultNotAvailableError,
  TaskFailed,
  TaskTimeoutError,
  UnknownTaskError,
  WorkflowCancelled
} from "./workflowError.js"

/** What the engine needs of a workflow. */
export interface Runnable {
  readonly name: string
  readonly plan: Plan
  readonly channels: Channel.ChannelSchema<object> | undefined
  readonly initial: { readonly [key: string]: unknown }
  readonly defaults: Execution
}

export interface RunOptions {
  readonly runId?: string | undefined
  readonly retention?: Channel.Retention | undefined
}

export interface RunOutput {
  readonly workflow: string
  readonly runId: string
  readonly status: "completed" | "terminated"
  readonly results: { readonly [id: string]: unknown }
  readonly channel: { readonly [key: string]: unknown }
}

const DEFAULT_MAX_CYCLES = 10

const absent: unique symbol = Symbol("effect-graflow/absent")

// ---------------------------------------------------------------------------
// signals
// ---------------------------------------------------------------------------

/** `void` (undefined): go on with what follows. */
type Signal = void | { readonly _tag: "Stop" } | { readonly _tag: "End" } | {
  readonly _tag: "Jump"
  readonly target: string
}

const Stop: Signal = { _tag: "Stop" }
const End: Signal = { _tag: "End" }

/** The signal of a group: Stop wins, then the first Jump, then End. */
const combine = (signals: ReadonlyArray<Signal>): Signal => {
  let out: Signal = undefined
  for (const signal of signals) {
    if (signal === undefined) continue
    if (signal._tag === "Stop") return Stop
    if (signal._tag === "Jump" && (out === undefined || out._tag === "End")) out = signal
    else if (signal._tag === "End" && out === undefined) out = signal
  }
  return out
}

/** A failure of a step: a task's, a group's, or the run's cancellation. */
type Failure = TaskFailed<string, unknown> | ParallelGroupError<unknown> | WorkflowCancelled

// ---------------------------------------------------------------------------
// run state and task context
// ---------------------------------------------------------------------------

/** The state of one run, shared by its tasks. */
class RunState {
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
  constructor(
    readonly workflow: Runnable,
    readonly runId: string,
    readonly store: ChannelStore,
    readonly progress: Handler | undefined,
    readonly tracing: boolean,
    readonly clock: Clock.Clock
  ) {
    this.untyped = new UntypedView(store)
    this.counts = new Uint32Array(workflow.plan.ids.length)
    this.values = new Array(workflow.plan.ids.length).fill(absent)
  }
  /** Records a task's latest result (`index`: its place in the plan, -1 for an added task). */
  setResult(task: TaskImpl, index: number, value: unknown): void {
    if (index >= 0) this.values[index] = value
    else this.addedValues.set(task.id, value)
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
  /** How many times the task has run in this run. */
  cycles(id: string): number {
    const index = this.workflow.plan.index.get(id)
    return index === undefined ? this.addedCounts.get(id) ?? 0 : this.counts[index]!
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
  codecOf(id: string) {
    return this.workflow.plan.resultCodecs.get(id) ?? this.dynamicCodecs.get(id)
  }
  readonly dynamicCodecs = new Map<string, NonNullable<TaskImpl["declarations"]["result"]>>()
  readResult(taskId: string, id: string): Effect.Effect<unknown, ResultNotAvailableError | ChannelDecodeError | ChannelError> {
    const key = resultKey(id)
    const codec = this.codecOf(id)
    return Effect.flatMap(
      this.store.getOrElse(key, absent),
      (raw): Effect.Effect<unknown, ResultNotAvailableError | ChannelDecodeError> => {
        if (raw === absent) return Effect.fail(new ResultNotAvailableError({ taskId, id }))
        return codec === undefined ? Effect.succeed(raw) : codec.decode(key, raw)
      }
    )
  }
  event(event: Event): Effect.Effect<void> {
    return this.progress === undefined ? Effect.void : this.progress.onEvent(event)
  }
}

/** What the body of an attempt asked for (made on the first request only). */
interface Requests {
  iterate: { readonly input: unknown } | undefined
  readonly added: Array<{ readonly task: TaskImpl; readonly goto: boolean }>
  goto: string | undefined
  terminate: boolean
}

/** The runtime form of `Task.Context`. */
class TaskContext {
  requests: Requests | undefined = undefined
  constructor(
    readonly task: TaskImpl,
    readonly state: RunState,
    readonly input: unknown,
    readonly attempt: number,
    readonly iteration: number
  ) {}
  get taskId(): string {
    return this.task.id
  }
  get workflow(): string {
    return this.state.workflow.name
  }
  get runId(): string {
    return this.state.runId
  }
  get channel(): unknown {
    const channels = this.task.declarations.channels
    return channels === undefined ? this.state.untyped : this.state.typedView(channels)
  }
  get untyped(): UntypedView {
    return this.state.untyped
  }
  getResult(id: string) {
    const required = this.task.declarations.after.some((dep) => dep.id === id)
    const read = this.state.readResult(this.task.id, id)
    if (required) {
      // Composition checked that `id` certainly ran before this task, so its
      // result is there; a missing one means the channel lost it.
      return Effect.catchTag(read, "ResultNotAvailableError", (error) => Effect.die(error))
    }
    // A `Task.optional` dependency: absent is an answer.
    return Effect.catch(
      Effect.map(read, (value): Option.Option<unknown> => Option.some(value)),
      (error) => error._tag === "ResultNotAvailableError" ? Effect.succeed(Option.none()) : Effect.fail(error)
    )
  }
  lookupResult(target: string | TaskImpl) {
    if (isTask(target)) {
      if (target.declarations.result !== undefined) this.state.dynamicCodecs.set(target.id, target.declarations.result)
      return this.state.readResult(this.task.id, target.id)
    }
    if (!this.state.workflow.plan.tasks.has(target)) {
      return Effect.fail(
        new UnknownTaskError({ taskId: this.task.id, id: target, available: this.state.workflow.plan.ids })
      )
    }
    return this.state.readResult(this.task.id, target)
  }
  typedChannel<A>(schema: Channel.ValueSchema<A>) {
    return this.state.untyped.typed(schema)
  }
  nextIteration(...input: [] | [unknown]) {
    return Effect.suspend(() => {
      const max = this.state.maxCycles(this.task)
      if (this.state.cycles(this.task.id) >= max) {
        return Effect.fail(new CycleLimitExceededError({ taskId: this.task.id, target: this.task.id, maxCycles: max }))
      }
      this.ask().iterate = { input: input.length === 0 ? this.input : input[0] }
      return Effect.void
    })
  }
  nextTask(task: TaskImpl, options?: { readonly goto?: boolean }) {
    return Effect.suspend(() => {
      const fail = (reason: string) =>
        Effect.fail(new InvalidNextTaskError({ taskId: this.task.id, id: isTask(task) ? task.id : "?", reason }))
      if (!isTask(task)) return fail("it is not a task")
      if (this.state.workflow.plan.tasks.has(task.id)) {
        return fail("it is a task of the workflow; declare it in `goto` and use ctx.goto to jump to it")
      }
      if (!this.task.declarations.adds.includes(task)) {
        return fail(`it is not one of the tasks "${this.task.id}" declares in \`adds\` (its errors and services would be missing from the run's type)`)
      }
      const deps = task.declarations.after
      return Effect.flatMap(
        Effect.forEach(deps, (dep) => this.state.store.exists(resultKey(dep.id))),
        (present) => {
          const missing = deps.find((_, i) => !present[i])
          if (missing !== undefined) return fail(`it requires the result of "${missing.id}", which has none yet`)
          this.ask().added.push({ task, goto: options?.goto === true })
          return Effect.void
        }
      )
    })
  }
  goto(target: string) {
    return Effect.suspend(() => {
      const targetTask = this.state.workflow.plan.tasks.get(target)
      if (targetTask === undefined) {
        // Workflow.make checked that every declared target is a task of the workflow.
        return Effect.die(new Error(`goto: "${target}" is not a task of workflow "${this.state.workflow.name}"`))
      }
      const max = this.state.maxCycles(targetTask)
      if (this.state.cycles(target) >= max) {
        return Effect.fail(new CycleLimitExceededError({ taskId: this.task.id, target, maxCycles: max }))
      }
      this.ask().goto = target
      return Effect.void
    })
  }
  private ask(): Requests {
    return this.requests ??= { iterate: undefined, added: [], goto: undefined, terminate: false }
  }
  get terminate() {
    return (reason?: string) =>
      Effect.suspend(() => {
        this.ask().terminate = true
        return reason === undefined ? Effect.void : Effect.logDebug(`task ${this.task.id} terminates the run: ${reason}`)
      })
  }
  cancel(reason: string) {
    return Effect.fail(new WorkflowCancelled({ taskId: this.task.id, reason }))
  }
}

// ---------------------------------------------------------------------------
// tasks
// ---------------------------------------------------------------------------

/** A body as the engine calls it (see `Body` in task.ts). */
type RuntimeBody = (ctx: TaskContext, input: unknown) => unknown

const storeResult = (
  task: TaskImpl,
  index: number,
  state: RunState,
  value: unknown
): Effect.Effect<void, InvalidValueError | ChannelError> => {
  const key = task.resultKey
  state.setResult(task, index, value)
  const codec = task.declarations.result
  if (codec !== undefined) return Effect.flatMap(codec.encode(key, value), (encoded) => state.store.set(key, encoded, undefined))
  const checked = checkValue(key, value)
  if (checked instanceof InvalidValueError) {
    return Effect.fail(
      new InvalidValueError({
        key,
        issues: checked.issues.map((issue) => ({
          path: issue.path,
          message: `${issue.message} (give the task a \`result\` schema to store such a result)`
        }))
      })
    )
  }
  return state.store.set(key, checked, undefined)
}

const isCancel = (error: unknown): error is WorkflowCancelled => error instanceof WorkflowCancelled

/** The body's Effect (a plain value succeeds; a throw is a defect, as in `Effect.sync`). */
const start = (body: RuntimeBody, ctx: TaskContext, input: unknown): Effect.Effect<unknown, unknown, unknown> => {
  let out: unknown
  try {
    out = body(ctx, input)
  } catch (defect) {
    return Effect.die(defect)
  }
  return Effect.isEffect(out) ? out : Effect.succeed(out)
}

/**
 * One attempt: the body, with the task's timeout, in a span when a tracer is
 * installed, reported to the progress handler when there is one.
 */
const attempt = (
  task: TaskImpl,
  state: RunState,
  ctx: TaskContext,
  timeout: Duration.Duration | undefined,
  retries: boolean
): Effect.Effect<unknown, unknown, unknown> => {
  let effect = start(task.body as RuntimeBody, ctx, ctx.input)
  if (timeout !== undefined) {
    effect = Effect.timeoutOrElse(effect, {
      duration: timeout,
      orElse: () => Effect.fail(new TaskTimeoutError({ taskId: task.id, timeout: Duration.format(timeout) }))
    })
  }
  if (state.tracing) {
    effect = Effect.withSpan(effect, `task ${task.id}`, {
      captureStackTrace: false,
      attributes: {
        "graflow.workflow": state.workflow.name,
        "graflow.run_id": state.runId,
        "graflow.task": task.id,
        "graflow.attempt": ctx.attempt,
        "graflow.iteration": ctx.iteration
      }
    })
  }
  if (state.progress === undefined) return effect
  const started = state.clock.currentTimeMillisUnsafe()
  const common = {
    workflow: state.workflow.name,
    runId: state.runId,
    taskId: task.id,
    attempt: ctx.attempt,
    iteration: ctx.iteration
  }
  return Effect.andThen(
    state.event({ _tag: "TaskStarted", ...common }),
    Effect.onExit(effect, (exit) => {
      const durationMs = state.clock.currentTimeMillisUnsafe() - started
      return Exit.isSuccess(exit)
        ? state.event({ _tag: "TaskSucceeded", ...common, durationMs })
        : state.event({
          _tag: "TaskFailed",
          ...common,
          durationMs,
          cause: exit.cause,
          willRetry: retries && !Cause.hasInterruptsOnly(exit.cause)
        })
    })
  )
}

/**
 * Runs a task: one execution per iteration, each with its attempts (retries,
 * timeout), its result stored, then the requests of the attempt that succeeded.
 */
const runTask = (task: TaskImpl, index: number, state: RunState): Effect.Effect<Signal, Failure, unknown> =>
  state.stopped ? Effect.succeed(Stop) : iterate(task, index, state, task.input)

const iterate = (
  task: TaskImpl,
  index: number,
  state: RunState,
  input: unknown
): Effect.Effect<Signal, Failure, unknown> => {
  const own = task.declarations.execution
  const defaults = state.workflow.defaults
  const timeout = own.timeout ?? defaults.timeout
  const retry = own.retry ?? defaults.retry
  const iteration = state.countRun(task.id, index)
  // The context of the latest attempt: its requests are the ones applied, its number the attempts made.
  let last = new TaskContext(task, state, input, 1, iteration)
  let attempts: Effect.Effect<unknown, unknown, unknown>
  if (retry === undefined) {
    attempts = attempt(task, state, last, timeout, false)
  } else {
    let started = false
    attempts = Effect.retry(
      Effect.suspend(() => {
        if (started) last = new TaskContext(task, state, input, last.attempt + 1, iteration)
        started = true
        return attempt(task, state, last, timeout, true)
      }),
      { schedule: retry.schedule, while: (error) => !isCancel(error) }
    )
  }
  const fail = (cause: unknown): Failure =>
    isCancel(cause)
      ? cause
      : new TaskFailed({ taskId: task.id, cause, attempts: last.attempt, retryLimit: retry === undefined ? 0 : retry.limit })
  return Effect.matchEffect(attempts, {
    onFailure: (cause) => Effect.fail(fail(cause)),
    onSuccess: (value): Effect.Effect<Signal, Failure, unknown> => {
      const stored = Effect.mapError(storeResult(task, index, state, value), fail)
      const requests = last.requests
      // The requests are applied outside the mapping to TaskFailed: a failure of
      // what they run (an added task, the next iteration) is already attributed.
      return requests === undefined ? stored : Effect.flatMap(stored, () => apply(task, index, state, requests))
    }
  })
}

/** Applies an attempt's requests: terminate, then added tasks, then goto, then the next iteration. */
const apply = (
  task: TaskImpl,
  index: number,
  state: RunState,
  requests: Requests
): Effect.Effect<Signal, Failure, unknown> => {
  if (requests.terminate) {
    state.stopped = true
    return Effect.succeed(Stop)
  }
  const next = (): Effect.Effect<Signal, Failure, unknown> => {
    if (requests.goto !== undefined) return Effect.succeed({ _tag: "Jump", target: requests.goto })
    if (requests.added.some((a) => a.goto)) return Effect.succeed(End)
    return requests.iterate === undefined ? Effect.void : iterate(task, index, state, requests.iterate.input)
  }
  if (requests.added.length === 0) return next()
  return Effect.flatMap(runAdded(requests.added, state), (signal) => signal === undefined ? next() : Effect.succeed(signal))
}

const runAdded = (
  added: ReadonlyArray<{ readonly task: TaskImpl }>,
  state: RunState
): Effect.Effect<Signal, Failure, unknown> =>
  Effect.suspend(() => {
    let i = 0
    const next: Effect.Effect<Signal, Failure, unknown> = Effect.suspend(() => {
      const entry = added[i++]
      if (entry === undefined) return Effect.succeed(undefined)
      if (entry.task.declarations.result !== undefined) {
        state.dynamicCodecs.set(entry.task.id, entry.task.declarations.result)
      }
      return Effect.flatMap(runTask(entry.task, -1, state), (signal) => signal === undefined ? next : Effect.succeed(signal))
    })
    return next
  })

// ---------------------------------------------------------------------------
// steps
// ---------------------------------------------------------------------------

type ParallelStep = Extract<Step, { _tag: "Parallel" }>

const groupError = (step: ParallelStep, members: ReadonlyArray<MemberOutcome<unknown>>) =>
  new ParallelGroupError({ group: step.name, policy: describePolicy(step.policy), members })

/** A member's way to stop the group at once: the forEach below interrupts the others when one fails with it. */
const halt: unique symbol = Symbol("effect-graflow/halt")

/**
 * Runs a parallel group: every member to its end, then the policy decides.
 * Three things stop the others at once (they are reported "interrupted"): a
 * member that cancels the run, a defect or an interruption inside a member, and
 * with `failFast` a failure after which the policy can no longer be met.
 */
const runGroup = (
  step: ParallelStep,
  run: (child: Step) => Effect.Effect<Signal, Failure, unknown>
): Effect.Effect<Signal, Failure, unknown> =>
  Effect.suspend(() => {
    const outcomes: Array<MemberOutcome<unknown>> = step.members.map((tasks) => ({ tasks, outcome: "interrupted" }))
    // By member, so that the first jump in the flow's order wins, not the first to finish.
    const signals: Array<Signal> = new Array(step.steps.length).fill(undefined)
    /** What ends the group at once instead of the policy: a cancel, a defect, an interruption. */
    let abort: Cause.Cause<Failure> | undefined
    const member = (child: Step, i: number) =>
      Effect.flatMap(Effect.exit(run(child)), (exit): Effect.Effect<void, typeof halt> => {
        const tasks = step.members[i]!
        if (Exit.isSuccess(exit)) {
          outcomes[i] = { tasks, outcome: "succeeded" }
          signals[i] = exit.value
          return Effect.void
        }
        const error = Cause.findErrorOption(exit.cause)
        // Defects, interruptions and a cancel are not failures a policy may absorb.
        if (Option.isNone(error) || Cause.hasDies(exit.cause) || isCancel(error.value)) {
          abort ??= exit.cause
          return Effect.fail(halt)
        }
        outcomes[i] = { tasks, outcome: "failed", error: error.value }
        return step.failFast && cannotSucceed(step.policy, outcomes) ? Effect.fail(halt) : Effect.void
      })
    return Effect.forEach(step.steps, member, { concurrency: "unbounded", discard: true }).pipe(
      Effect.catch(() => Effect.void),
      Effect.flatMap((): Effect.Effect<Signal, Failure> => {
        if (abort !== undefined) return Effect.failCause(abort)
        return satisfied(step.policy, outcomes) ? Effect.succeed(combine(signals)) : Effect.fail(groupError(step, outcomes))
      })
    )
  })

const exec = (step: Step, state: RunState): Effect.Effect<Signal, Failure, unknown> => {
  switch (step._tag) {
    case "Task":
      return runTask(step.task, step.index, state)
    case "Sequence":
      return runSequence(step.steps, 0, state)
    case "Parallel":
      return runGroup(step, (child) => exec(child, state))
  }
}

const runSequence = (
  steps: ReadonlyArray<Step>,
  from: number,
  state: RunState
): Effect.Effect<Signal, Failure, unknown> => {
  let i = from
  let signal: Signal = undefined
  return Effect.as(
    Effect.whileLoop({
      while: () => signal === undefined && i < steps.length,
      body: () => state.stopped ? Effect.succeed(Stop) : exec(steps[i++]!, state),
      step: (next: Signal) => {
        signal = next
      }
    }),
    undefined
  ).pipe(Effect.map(() => signal))
}

/** Runs `step` from the task at `path` on: that task, then everything that follows it. */
const execFrom = (step: Step, path: ReadonlyArray<number>, state: RunState): Effect.Effect<Signal, Failure, unknown> => {
  const [index, ...rest] = path
  if (index === undefined || step._tag === "Task") return exec(step, state)
  const child = step.steps[index]!
  if (step._tag === "Parallel") return execFrom(child, rest, state)
  return Effect.flatMap(
    execFrom(child, rest, state),
    (signal) => signal === undefined ? runSequence(step.steps, index + 1, state) : Effect.succeed(signal)
  )
}

// ---------------------------------------------------------------------------
// runs
// ---------------------------------------------------------------------------

const writeInitial = (workflow: Runnable, store: ChannelStore) =>
  Effect.forEach(Object.entries(workflow.initial), ([key, value]) => {
    const schema = fieldSchema(workflow.channels, key)
    if (schema !== undefined) return Effect.flatMap(codecOf(schema).encode(key, value), (encoded) => store.set(key, encoded, undefined))
    const checked = checkValue(key, value)
    return checked instanceof InvalidValueError ? Effect.fail(checked) : store.set(key, checked, undefined)
  }, { discard: true })

const snapshot = (workflow: Runnable, store: ChannelStore) =>
  Effect.flatMap(store.entries, (entries) =>
    Effect.map(
      Effect.forEach(entries, ([key, raw]) => {
        const schema = fieldSchema(workflow.channels, key)
        return schema === undefined
          ? Effect.succeed([key, raw] as const)
          : Effect.map(codecOf(schema).decode(key, raw), (value) => [key, value] as const)
      }),
      (pairs) => Object.fromEntries(pairs)
    ))

const drive = (state: RunState): Effect.Effect<void, Failure, unknown> => {
  const { plan } = state.workflow
  const loop = (signal: Signal): Effect.Effect<void, Failure, unknown> => {
    if (signal === undefined || signal._tag !== "Jump") return Effect.void
    const path = plan.positions.get(signal.target)!
    return Effect.flatMap(execFrom(plan.root, path, state), loop)
  }
  return Effect.flatMap(exec(plan.root, state), loop)
}

export const run = (workflow: Runnable, options: RunOptions | undefined) =>
  Effect.scoped(
    Effect.gen(function*() {
      const runId = options?.runId ?? randomUUID()
      if (typeof runId !== "string") return yield* Effect.die(new TypeError(`Workflow.run: the runId must be a string, not ${show(runId)}`))
      const retention = options?.retention === undefined ? undefined : retentionOf(options.retention, "Workflow.run")
      const provided = yield* Effect.serviceOption(ChannelService)
      const backend = Option.isSome(provided) ? provided.value : makeBackend()
      const progress = yield* Progress
      // Spans are made for an installed tracer (an OpenTelemetry exporter,
      // Effect.withTracer…); Effect's built-in tracer exports nowhere, so with
      // it the engine skips them and keeps the per-task cost down.
      const tracing = (yield* References.TracerEnabled) && (yield* Tracer.Tracer) !== Tracer.nativeTracer
      const clock = yield* Clock.Clock
      const store = yield* backend.open(runNamespace(workflow.name, runId))
      // The namespace's retention applies however the run ends; a failure to apply it fails a run that succeeded.
      const retain = store.retain(retention ?? backend.defaultRetention)
      const output = yield* Effect.onError(
        execute(workflow, runId, store, clock, progress, tracing),
        () =>
          Effect.catch(retain, (error) =>
            Effect.logWarning(`effect-graflow: the retention of run ${runId} of ${workflow.name} was not applied`, error))
      )
      yield* Effect.uninterruptible(retain)
      return output
    })
  )

/** A run on its opened namespace: initial values, the flow, the final channel contents. */
const execute = (
  workflow: Runnable,
  runId: string,
  store: ChannelStore,
  clock: Clock.Clock,
  progress: Handler | undefined,
  tracing: boolean
) =>
    Effect.gen(function*() {
      yield* writeInitial(workflow, store)
      const state = new RunState(workflow, runId, store, progress, tracing, clock)
      const started = clock.currentTimeMillisUnsafe()
      yield* state.event({ _tag: "RunStarted", workflow: workflow.name, runId })
      const body = state.tracing
        ? Effect.withSpan(drive(state), `workflow ${workflow.name}`, {
          captureStackTrace: false,
          attributes: { "graflow.workflow": workflow.name, "graflow.run_id": runId }
        })
        : drive(state)
      yield* Effect.onExit(body, (exit) =>
        state.event({
          _tag: "RunFinished",
          workflow: workflow.name,
          runId,
          status: Exit.isFailure(exit) ? "failed" : state.stopped ? "terminated" : "completed",
          durationMs: clock.currentTimeMillisUnsafe() - started
        }))
      const channel = yield* snapshot(workflow, store)
      const output: RunOutput = {
        workflow: workflow.name,
        runId,
        status: state.stopped ? "terminated" : "completed",
        results: state.results(),
        channel
      }
      return output
    })

/** The default execution of tasks: no retries, no timeout, `maxCycles` 10. */
export const noDefaults: Execution = { retry: undefined, timeout: undefined, maxCycles: undefined }
