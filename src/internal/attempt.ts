/**
 * Where a task's attempts run: one execution per iteration, each with its
 * attempts (retries, timeout, a span, progress events), its result stored,
 * then the control-flow requests of the attempt that succeeded, in this order:
 * terminate, then added tasks, then goto, then the next iteration.
 *
 * @internal
 */
import { Cause, Duration, Effect, Exit, Option } from "effect"
import type { Completion } from "./checkpoint.js"
import { TaskContext } from "./context.js"
import { requestsOf, saveCheckpoint } from "./journal.js"
import { freezeParsed } from "./json.js"
import { runNamespace } from "./keys.js"
import { storeResult } from "./results.js"
import { combine, End, isSuspend, type Signal, Stop, type StepFailure, stopsRun } from "./signal.js"
import { replayKey, type Requests, type RunState } from "./state.js"
import type { Retry, TaskImpl } from "./task.js"
import { CheckpointMismatchError, TaskFailed, TaskTimeoutError } from "./workflowError.js"

/** A body as the engine calls it (see `Body` in task.ts). */
type RuntimeBody = (ctx: TaskContext, input: unknown) => unknown

/**
 * Calls a task's body on its context: what it gives (an Effect, or a plain
 * value), or it throws. The engine built the context the body's type was
 * checked against.
 */
export const callBody = (task: TaskImpl, ctx: TaskContext, input: unknown): unknown => (task.body as RuntimeBody)(ctx, input)

/** The body's Effect (a plain value succeeds; a throw is a defect, as in `Effect.sync`). */
const start = (task: TaskImpl, ctx: TaskContext, input: unknown): Effect.Effect<unknown, unknown, unknown> => {
  let out: unknown
  try {
    out = callBody(task, ctx, input)
  } catch (defect) {
    return Effect.die(defect)
  }
  return Effect.isEffect(out) ? out : Effect.succeed(out)
}

/** Whether a task's attempts run in this process whatever the run says: a sub-workflow's step, a map (their own tasks may run elsewhere). */
const runsHere = (task: TaskImpl): boolean => task.declarations.subWorkflow !== undefined || task.declarations.map !== undefined

/** The request an attempt that suspended the run waited for. */
const suspensionOf = (cause: Cause.Cause<unknown>): string | undefined => {
  const error = Cause.findErrorOption(cause)
  return Option.isSome(error) && isSuspend(error.value) ? error.value.requests[0]?.name : undefined
}

/**
 * A task's body on its context (the engine builds the context the body's type
 * was checked against); for a `Task.workflow` step, its workflow's run.
 */
export const startBody = (task: TaskImpl, ctx: TaskContext): Effect.Effect<unknown, unknown, unknown> => {
  if (task.declarations.subWorkflow !== undefined) {
    const runChild = ctx.state.runChild
    return runChild === undefined
      ? Effect.die(new Error(`task "${task.id}" runs a workflow, which only a run of the engine can do`))
      : runChild(task, ctx)
  }
  if (task.declarations.map !== undefined) {
    const runMap = ctx.state.runMap
    return runMap === undefined ? Effect.die(new Error(`task "${task.id}" is a map, which only a run of the engine can run`)) : runMap(task, ctx)
  }
  return start(task, ctx, ctx.input)
}

/**
 * Whether another attempt follows this failed one: the task retries, the
 * failure is one that is retried (not an interruption, nor a signal that stops
 * the run), and a retry is left (`retry: { times }`; a schedule of its own
 * decides after the event, so another attempt may follow).
 */
const willRetry = (retry: Retry | undefined, attempt: number, cause: Cause.Cause<unknown>): boolean => {
  if (retry === undefined || Cause.hasInterruptsOnly(cause)) return false
  if (retry.limit !== undefined && attempt > retry.limit) return false
  const error = Cause.findErrorOption(cause)
  return !(error._tag === "Some" && stopsRun(error.value))
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
  retry: Retry | undefined
): Effect.Effect<unknown, unknown, unknown> => {
  // A sub-workflow step runs here (its workflow's tasks may run elsewhere); any other task where the run says.
  let effect = (runsHere(task) ? undefined : state.remote?.(task, ctx, timeout)) ?? startBody(task, ctx)
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
  const common = task.item === undefined
    ? { workflow: state.workflow.name, runId: state.runId, taskId: task.id, attempt: ctx.attempt, iteration: ctx.iteration }
    : { workflow: state.workflow.name, runId: state.runId, taskId: task.id, attempt: ctx.attempt, iteration: ctx.iteration, item: task.item }
  return Effect.andThen(
    state.event({ _tag: "TaskStarted", ...common }),
    Effect.onExit(effect, (exit) => {
      const durationMs = state.clock.currentTimeMillisUnsafe() - started
      if (Exit.isSuccess(exit)) return state.event({ _tag: "TaskSucceeded", ...common, durationMs, result: exit.value })
      const request = suspensionOf(exit.cause)
      return request !== undefined
        ? state.event({ _tag: "TaskSuspended", ...common, durationMs, request })
        : state.event({
          _tag: "TaskFailed",
          ...common,
          durationMs,
          cause: exit.cause,
          willRetry: willRetry(retry, ctx.attempt, exit.cause)
        })
    })
  )
}

/**
 * Runs a task: one execution per iteration, each with its attempts (retries,
 * timeout), its result stored, then the requests of the attempt that succeeded.
 */
export const runTask = (task: TaskImpl, index: number, state: RunState): Effect.Effect<Signal, StepFailure, unknown> =>
  state.stopped ? Effect.succeed(Stop) : iterate(task, index, state, task.input)

/**
 * The attempts of one execution of a task: its body (or where the run sends
 * it), retried by its policy, each with its timeout; `last` gives the context
 * of the latest attempt (its requests are the ones applied, its number the
 * attempts made).
 */
export const attemptsOf = (
  task: TaskImpl,
  state: RunState,
  input: unknown,
  iteration: number,
  timeout: Duration.Duration | undefined,
  retry: Retry | undefined
): { readonly attempts: Effect.Effect<unknown, unknown, unknown>; readonly last: () => TaskContext } => {
  let last = new TaskContext(task, state, input, 1, iteration)
  if (retry === undefined) return { attempts: attempt(task, state, last, timeout, undefined), last: () => last }
  let started = false
  const attempts = Effect.retry(
    Effect.suspend(() => {
      if (started) last = new TaskContext(task, state, input, last.attempt + 1, iteration)
      started = true
      return attempt(task, state, last, timeout, retry)
    }),
    { schedule: retry.schedule, while: (error) => !stopsRun(error) }
  )
  return { attempts, last: () => last }
}

/**
 * Whether a task is the common one — no retries, no timeout, no span, no events, run here, a body that is a
 * function: its body is called at once (a body that gives a value costs no step of its own, one that gives an
 * Effect one match).
 */
const runsAtOnce = (task: TaskImpl, state: RunState, retry: Retry | undefined, timeout: Duration.Duration | undefined): boolean =>
  retry === undefined && timeout === undefined && !state.tracing && state.progress === undefined && state.remote === undefined &&
  task.declarations.subWorkflow === undefined && task.declarations.map === undefined

const iterate = (
  task: TaskImpl,
  index: number,
  state: RunState,
  input: unknown
): Effect.Effect<Signal, StepFailure, unknown> => {
  const own = task.declarations.execution
  const defaults = state.workflow.defaults
  const timeout = own.timeout ?? defaults.timeout
  const retry = own.retry ?? defaults.retry
  const iteration = state.countRun(task.id, index)
  if (state.replay !== undefined) {
    const recorded = state.replay.get(replayKey(task.id, iteration))
    if (recorded !== undefined) return replayed(task, index, state, recorded)
  }
  const limit = retry === undefined ? 0 : retry.limit
  if (runsAtOnce(task, state, retry, timeout)) {
    const ctx = new TaskContext(task, state, input, 1, iteration)
    let out: unknown
    try {
      out = callBody(task, ctx, input)
    } catch (defect) {
      return Effect.die(defect)
    }
    if (!Effect.isEffect(out)) return succeeded(task, index, state, iteration, limit, ctx, out)
    return Effect.matchEffect(out, {
      onFailure: (cause) => Effect.fail(failed(task, cause, 1, limit)),
      onSuccess: (value) => succeeded(task, index, state, iteration, limit, ctx, value)
    })
  }
  const { attempts, last } = attemptsOf(task, state, input, iteration, timeout, retry)
  return Effect.matchEffect(attempts, {
    onFailure: (cause) => Effect.fail(failed(task, cause, last().attempt, limit)),
    onSuccess: (value) => succeeded(task, index, state, iteration, limit, last(), value)
  })
}

/** How a parallel group takes the end of one of its members (see `runGroup`). */
export interface MemberEnd<E> {
  readonly onSuccess: (signal: Signal) => Effect.Effect<void, E>
  readonly onFailure: (cause: Cause.Cause<StepFailure>) => Effect.Effect<void, E>
}

/** A step's end handed to `end`: at once when the step has ended already (an exit), else by one match. */
export const endWith = <E>(step: Effect.Effect<Signal, StepFailure, unknown>, end: MemberEnd<E>): Effect.Effect<void, E, unknown> => {
  if (hasEnded(step)) return Exit.isSuccess(step) ? end.onSuccess(step.value) : end.onFailure(step.cause)
  return Effect.matchCauseEffect(step, end)
}

/** Whether a step is an exit already (a step that ended when it was made: a value stored at once). */
const hasEnded = <A, E>(step: Effect.Effect<A, E, unknown>): step is Exit.Exit<A, E> => Exit.isExit(step)

/**
 * Runs a task that is a member of a parallel group, its end handed to the group: the common task (see
 * {@link runsAtOnce}) in one match for its body and its membership, where `runTask` inside the group's own
 * match would take two. A failure reaches the group as `runTask`'s would: the body's error as the task's
 * failure, a defect or an interruption as it is (a cause with a defect is taken the long way, whose match
 * makes its failures defects, so that the group sees exactly what it saw).
 */
export const runMember = <E>(task: TaskImpl, index: number, state: RunState, end: MemberEnd<E>): Effect.Effect<void, E, unknown> => {
  if (state.stopped) return end.onSuccess(Stop)
  const own = task.declarations.execution
  const retry = own.retry ?? state.workflow.defaults.retry
  if (state.replay !== undefined || !runsAtOnce(task, state, retry, own.timeout ?? state.workflow.defaults.timeout)) {
    return endWith(iterate(task, index, state, task.input), end)
  }
  const input = task.input
  const iteration = state.countRun(task.id, index)
  const limit = retry === undefined ? 0 : retry.limit
  const ctx = new TaskContext(task, state, input, 1, iteration)
  let out: unknown
  try {
    out = callBody(task, ctx, input)
  } catch (defect) {
    return end.onFailure(Cause.die(defect))
  }
  if (!Effect.isEffect(out)) return endWith(succeeded(task, index, state, iteration, limit, ctx, out), end)
  return Effect.matchCauseEffect(out, {
    onFailure: (cause) => {
      const error = Cause.hasDies(cause) ? Option.none() : Cause.findErrorOption(cause)
      if (Option.isSome(error)) return end.onFailure(Cause.fail(failed(task, error.value, 1, limit)))
      // A defect or an interruption: the long way, as `runTask` takes it.
      const long = Effect.matchEffect(Effect.failCause(cause), {
        onFailure: (error) => Effect.fail(failed(task, error, 1, limit)),
        onSuccess: () => Effect.succeed<Signal>(undefined)
      })
      return endWith(long, end)
    },
    onSuccess: (value) => endWith(succeeded(task, index, state, iteration, limit, ctx, value), end)
  })
}

/** What a failed execution fails its step with: the run's stop as it is, anything else inside `TaskFailed`. */
const failed = (task: TaskImpl, cause: unknown, attempts: number, retryLimit: number | undefined): StepFailure =>
  stopsRun(cause) ? cause : new TaskFailed({ taskId: task.id, cause, attempts, retryLimit })

/**
 * An execution that succeeded (`ctx` its last attempt): its result stored (a
 * failure of that is the task's), then what the attempt asked for.
 */
const succeeded = (
  task: TaskImpl,
  index: number,
  state: RunState,
  iteration: number,
  retryLimit: number | undefined,
  ctx: TaskContext,
  value: unknown
): Effect.Effect<Signal, StepFailure, unknown> => {
  const requests = ctx.requests
  const written = storeResult(task, index, state, value, iteration, ctx.attempt, requests)
  // A write that is already done (a memory channel that adopted the run's results) needs no mapping.
  const stored = written === Effect.void ? Effect.void : Effect.mapError(written, (cause) => {
    state.uncomplete(task.id, index, iteration)
    return failed(task, cause, ctx.attempt, retryLimit)
  })
  if (requests === undefined) return stored
  // The requests are applied outside the mapping to TaskFailed: a failure of
  // what they run (an added task, the next iteration) is already attributed.
  if (requests.checkpoint === undefined) return Effect.flatMap(stored, () => apply(task, index, state, requests))
  const metadata = { ...requests.checkpoint, taskId: task.id, iteration, time: new Date(state.clock.currentTimeMillisUnsafe()).toISOString() }
  const next = [...(requests.iterate === undefined ? [] : [task.id]), ...(requests.goto === undefined ? [] : [requests.goto])]
  return stored.pipe(
    Effect.flatMap(() => Effect.mapError(saveCheckpoint(state, metadata, next, []), (cause) => failed(task, cause, ctx.attempt, retryLimit))),
    Effect.flatMap(() => apply(task, index, state, requests))
  )
}

/**
 * An execution that completed before (a resumed run, a durable run started
 * again): its recorded result and requests, without running the body.
 */
const replayed = (
  task: TaskImpl,
  index: number,
  state: RunState,
  recorded: Completion
): Effect.Effect<Signal, StepFailure, unknown> => {
  const fail = (cause: unknown): StepFailure => new TaskFailed({ taskId: task.id, cause, attempts: recorded.attempts, retryLimit: 0 })
  const requests = requestsOf(task, recorded)
  if (typeof requests === "string") {
    return Effect.fail(fail(new CheckpointMismatchError({ workflow: state.workflow.name, runId: state.runId, reason: requests })))
  }
  const raw = recorded.result === undefined ? undefined : freezeParsed(recorded.result)
  const codec = task.declarations.result
  const decoded = codec === undefined ? Effect.succeed(raw) : codec.decode(task.resultKey, raw)
  return Effect.matchEffect(decoded, {
    onFailure: (error) => Effect.fail(fail(error)),
    onSuccess: (value) => {
      state.setResult(task, index, value)
      state.complete(task.id, index, recorded.iteration, recorded.attempts, requests)
      // A sub-workflow step's run is not run again, but its namespace follows this run's retention all the same.
      const sub = task.declarations.subWorkflow
      if (sub !== undefined) state.children.add(runNamespace(sub.workflow.name, state.childRunId(task, recorded.iteration)))
      const event = state.event({
        _tag: "TaskReplayed",
        workflow: state.workflow.name,
        runId: state.runId,
        taskId: task.id,
        iteration: recorded.iteration
      })
      // A handler's effect may succeed with anything (a push's length): what follows is not a signal.
      return requests === undefined ? Effect.asVoid(event) : Effect.andThen(event, apply(task, index, state, requests))
    }
  })
}

/** Applies an attempt's requests: terminate, then added tasks, then goto, then the next iteration. */
const apply = (
  task: TaskImpl,
  index: number,
  state: RunState,
  requests: Requests
): Effect.Effect<Signal, StepFailure, unknown> => {
  if (requests.terminate) {
    state.stopped = true
    return Effect.succeed(Stop)
  }
  const next = (): Effect.Effect<Signal, StepFailure, unknown> => {
    if (requests.goto !== undefined) return Effect.succeed({ _tag: "Jump", target: requests.goto })
    if (requests.added.some((added) => added.goto)) return Effect.succeed(End)
    return requests.iterate === undefined ? Effect.void : iterate(task, index, state, requests.iterate.input)
  }
  if (requests.added.length === 0) return next()
  return Effect.flatMap(runAdded(requests.added, state), (signal) => signal === undefined ? next() : Effect.succeed(signal))
}

/**
 * Runs the tasks an attempt added (`nextTask`) and the tools it called
 * (`call`): at once, each to its end; then the first failure (in the order
 * they were added) is the step's, or the first jump, or the end of this path.
 */
const runAdded = (
  added: ReadonlyArray<{ readonly task: TaskImpl }>,
  state: RunState
): Effect.Effect<Signal, StepFailure, unknown> =>
  Effect.suspend(() => {
    for (const entry of added) {
      if (entry.task.declarations.result !== undefined) state.dynamicCodecs.set(entry.task.id, entry.task.declarations.result)
    }
    if (added.length === 1) return runTask(added[0]!.task, -1, state)
    return Effect.flatMap(
      Effect.forEach(added, (entry) => Effect.exit(runTask(entry.task, -1, state)), { concurrency: "unbounded" }),
      (exits): Effect.Effect<Signal, StepFailure> => {
        for (const exit of exits) if (Exit.isFailure(exit)) return Effect.failCause(exit.cause)
        return Effect.succeed(combine(exits.map((exit) => Exit.isSuccess(exit) ? exit.value : undefined)))
      }
    )
  })
