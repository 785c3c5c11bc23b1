/**
 * Where a task attempt runs on another process: the job protocol (data only:
 * names, ids, JSON), the coordinator's side (an attempt becomes a BullMQ job
 * and its outcome comes back with the control flow the body asked for), and
 * the worker's (a job becomes the attempt, on the run's Redis namespace).
 *
 * @internal
 */
import { hostname } from "node:os"
import { Cause, Clock, Data, Duration, Effect, Exit, Option, References, Result, Schema, type Scope, Tracer } from "effect"
import type { ChannelBackend, ChannelStore } from "../ChannelBackend.js"
import { startBody } from "./attempt.js"
import { checkValue } from "./channel.js"
import { type ChannelError, InvalidValueError } from "./channelError.js"
import { Request, type Store } from "./checkpoint.js"
import { TaskContext } from "./context.js"
import { describeCause } from "./format.js"
import { planHash } from "./identity.js"
import { encodeRequests, requestsOf } from "./journal.js"
import { define, freezeParsed } from "./json.js"
import { runNamespace } from "./keys.js"
import { itemTask } from "./map.js"
import { encodeResult } from "./results.js"
import { isCancel, isSuspend, Suspend } from "./signal.js"
import { type Parent, type Runnable, RunState } from "./state.js"
import type { TaskImpl } from "./task.js"
import { TaskTimeoutError, WorkflowCancelled } from "./workflowError.js"

// ---------------------------------------------------------------------------
// the protocol
// ---------------------------------------------------------------------------

const PROTOCOL = 1

export const JobData = Schema.Struct({
  v: Schema.Literal(PROTOCOL),
  workflow: Schema.String,
  plan: Schema.String,
  runId: Schema.String,
  task: Schema.String,
  iteration: Schema.Int,
  attempt: Schema.Int,
  input: Schema.optionalKey(Schema.Json),
  /** How many times the task and its jump targets have run (for the cycle limits). */
  cycles: Schema.Record(Schema.String, Schema.Int),
  /** Timeout of the attempt, in ms. */
  timeout: Schema.optionalKey(Schema.Number),
  /** The producer's span of the attempt, when it traces: the worker's span is its child (one trace per run). */
  trace: Schema.optionalKey(Schema.Struct({ traceId: Schema.String, spanId: Schema.String, sampled: Schema.Boolean })),
  /**
   * For a task of a sub-workflow's run: the root run (its workflow and run id,
   * the namespace where answers are queued) and the path before the task's id.
   */
  parent: Schema.optionalKey(Schema.Struct({ workflow: Schema.String, runId: Schema.String, prefix: Schema.String, responses: Schema.String })),
  /** The run records its events: the worker records which worker took the attempt (`TaskAssigned`). */
  events: Schema.optionalKey(Schema.Boolean)
})
export type JobData = typeof JobData.Type

const RequestsData = Schema.Struct({
  iterate: Schema.optionalKey(Schema.Struct({ input: Schema.optionalKey(Schema.Json) })),
  adds: Schema.optionalKey(Schema.Array(Schema.Struct({
    id: Schema.String,
    goto: Schema.Boolean,
    /** A tool called (`ctx.call`): the template's index in `adds`, and the call's input. */
    tool: Schema.optionalKey(Schema.Int),
    input: Schema.optionalKey(Schema.Json)
  }))),
  goto: Schema.optionalKey(Schema.String),
  terminate: Schema.optionalKey(Schema.Boolean),
  checkpoint: Schema.optionalKey(Schema.Record(Schema.String, Schema.Json))
})

export const JobResult = Schema.Union([
  Schema.Struct({
    v: Schema.Literal(PROTOCOL),
    ok: Schema.Literal(true),
    value: Schema.optionalKey(Schema.Json),
    requests: Schema.optionalKey(RequestsData)
  }),
  Schema.Struct({
    v: Schema.Literal(PROTOCOL),
    ok: Schema.Literal(false),
    /** What the body failed with: its tag, message and data (JSON), or a defect. */
    error: Schema.Struct({
      tag: Schema.String,
      message: Schema.String,
      data: Schema.optionalKey(Schema.Json),
      defect: Schema.Boolean
    }),
    /** The error encoded with the task's `error` schema, when it has one that takes it. */
    encoded: Schema.optionalKey(Schema.Json),
    cancel: Schema.optionalKey(Schema.String),
    suspend: Schema.optionalKey(Schema.Array(Request)),
    /** The attempt ran out of its time limit on the worker (the producer's own timer may not have fired yet). */
    timedOut: Schema.optionalKey(Schema.Literal(true))
  })
])
export type JobResult = typeof JobResult.Type

const decodeJobData = Schema.decodeUnknownResult(JobData)
const decodeJobResult = Schema.decodeUnknownResult(JobResult)

/**
 * A plain object whose properties are all its own enumerable string keys, as `JSON.parse` makes them: what the
 * hand checks below read. (An array, an instance of a class, an object with inherited, hidden or symbol keys is
 * left to the Schema, which reads those too.)
 */
const isPlainRecord = (u: unknown): u is object => {
  if (typeof u !== "object" || u === null || Array.isArray(u)) return false
  const prototype: unknown = Object.getPrototypeOf(u)
  return (prototype === Object.prototype || prototype === null) && Reflect.ownKeys(u).length === Object.keys(u).length
}

/** Whether every own key of `record` is one of `known`. */
const onlyKeys = (record: object, known: ReadonlySet<string>): boolean => {
  for (const key of Object.keys(record)) if (!known.has(key)) return false
  return true
}

/** What `Schema.Int` takes: a safe integer. */
const isInt = (u: unknown): u is number => typeof u === "number" && Number.isSafeInteger(u)

/** A JSON value that is not an object or an array (what `Schema.Json` takes of them). */
const isJsonLeaf = (u: unknown): u is null | string | boolean | number =>
  u === null || typeof u === "string" || typeof u === "boolean" || (typeof u === "number" && Number.isFinite(u))

const COMMON_JOB_FIELDS: ReadonlySet<string> = new Set(["v", "workflow", "plan", "runId", "task", "iteration", "attempt", "cycles", "events"])

/**
 * The data of the common job — the fields every job has, and `events` — as `JobData` decodes it,
 * checked by hand: decoding with the Schema cost a worker woken for one job about 10 µs, more than the
 * rest of its reading. Any other data (an input, a timeout, a trace, a parent, a field `JobData` does not
 * know, a value of another type) gives `undefined`: the Schema decides it, and says what is wrong.
 * (test/remote.memory.test.ts holds both to the same answers.)
 */
export const commonJobData = (raw: unknown): JobData | undefined => {
  if (!isPlainRecord(raw) || !onlyKeys(raw, COMMON_JOB_FIELDS)) return undefined
  const workflow: unknown = Reflect.get(raw, "workflow")
  const plan: unknown = Reflect.get(raw, "plan")
  const runId: unknown = Reflect.get(raw, "runId")
  const task: unknown = Reflect.get(raw, "task")
  const iteration: unknown = Reflect.get(raw, "iteration")
  const attempt: unknown = Reflect.get(raw, "attempt")
  const given: unknown = Reflect.get(raw, "cycles")
  const events: unknown = Reflect.get(raw, "events")
  if (
    Reflect.get(raw, "v") !== PROTOCOL || typeof workflow !== "string" || typeof plan !== "string" ||
    typeof runId !== "string" || typeof task !== "string" || !isInt(iteration) || !isInt(attempt) ||
    !isPlainRecord(given) || (Object.hasOwn(raw, "events") && typeof events !== "boolean")
  ) return undefined
  const cycles: Record<string, number> = {}
  for (const id of Object.keys(given)) {
    const count: unknown = Reflect.get(given, id)
    if (!isInt(count)) return undefined
    define(cycles, id, count) // a task may be named "__proto__"
  }
  const job: JobData = { v: PROTOCOL, workflow, plan, runId, task, iteration, attempt, cycles }
  return typeof events === "boolean" ? { ...job, events } : job
}

const COMMON_RESULT_FIELDS: ReadonlySet<string> = new Set(["v", "ok", "value"])

/**
 * The common job result — a success without requests, its value absent or not an object — as
 * `JobResult` decodes it, checked by hand (the Schema's union cost a producer about 9 µs a job);
 * `undefined` for any other: the Schema decides it. (test/remote.memory.test.ts holds both to the same answers.)
 */
export const commonJobResult = (raw: unknown): JobResult | undefined => {
  if (!isPlainRecord(raw) || !onlyKeys(raw, COMMON_RESULT_FIELDS)) return undefined
  if (Reflect.get(raw, "v") !== PROTOCOL || Reflect.get(raw, "ok") !== true) return undefined
  if (!Object.hasOwn(raw, "value")) return { v: PROTOCOL, ok: true }
  const value: unknown = Reflect.get(raw, "value")
  return isJsonLeaf(value) ? { v: PROTOCOL, ok: true, value } : undefined
}

/** A job result checked: the common one by hand, any other by the Schema. */
const checkJobResult = (raw: unknown): Result.Result<JobResult, unknown> => {
  const common = commonJobResult(raw)
  return common === undefined ? decodeJobResult(raw) : Result.succeed(common)
}

/** Whether a job's result is an attempt that suspended the run (its request had no response yet). */
export const isSuspension = (raw: unknown): boolean => {
  const decoded = decodeJobResult(typeof raw === "string" ? parseJson(raw) : raw)
  return Result.isSuccess(decoded) && !decoded.success.ok && decoded.success.suspend !== undefined
}

/** JSON text as a value; text that is not JSON as itself. */
export const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** An error of a body that ran on a worker, as it came back: its tag, message and data. */
export class RemoteTaskError extends Schema.TaggedError<RemoteTaskError>()("RemoteTaskError", {
  taskId: Schema.String,
  tag: Schema.String,
  message: Schema.String,
  data: Schema.optional(Schema.Json),
  defect: Schema.Boolean
}) {}

/** The time limit of an attempt run out on the worker (its job's result says so: `timedOut`). */
class WorkerTimeout extends Data.TaggedError("WorkerTimeout")<{ readonly taskId: string; readonly timeout: string }> {}

/** A job that cannot be run: malformed, from another version, or naming no workflow or task this worker serves. */
export class InvalidJobError extends Schema.TaggedError<InvalidJobError>()("InvalidJobError", {
  reason: Schema.String
}) {
  override get message(): string {
    return `effect-graflow worker: the job cannot be run: ${this.reason}`
  }
}

// ---------------------------------------------------------------------------
// requests across the boundary
// ---------------------------------------------------------------------------

// ---------------------------------------------------------------------------
// the coordinator's side
// ---------------------------------------------------------------------------

/** What the engine needs to run attempts elsewhere: send a job, get its result. */
export interface Dispatch {
  /**
   * Sends an attempt as the job `jobId` and gives its result. With `durable`,
   * a job of that id that exists already (sent by a producer that died) is
   * not sent again: its outcome, or the wait for it, is taken over.
   */
  readonly send: (data: JobData, jobId: string, durable: boolean) => Effect.Effect<unknown, unknown>
  /** Removes jobs a durable run kept (once it has ended). */
  readonly remove: (jobIds: ReadonlyArray<string>) => Effect.Effect<void>
}

/** The id of an attempt's job: the same for the same attempt of a run, whichever producer sends it. */
export const jobIdOf = (namespace: string, data: Pick<JobData, "task" | "iteration" | "attempt">): string =>
  [namespace, data.task, `${data.iteration}`, `${data.attempt}`].map(encodeURIComponent).join("~")

/** What the ids of a run's jobs start with (no id of another run does: the namespace is encoded, then `~`). */
export const jobIdPrefixOf = (namespace: string): string => `${encodeURIComponent(namespace)}~`

/**
 * An attempt of `task` as a job: its outcome, with the requests of the body
 * set on the context as if it had run here.
 */
export const remoteAttempt = (
  dispatch: Dispatch,
  task: TaskImpl,
  ctx: TaskContext,
  timeout: Duration.Duration | undefined,
  /** Told the id of each job a durable run keeps (so that the run removes them when it ends). */
  kept: (jobId: string) => void
): Effect.Effect<unknown, unknown> =>
  Effect.suspend(() => {
    const state = ctx.state
    const input = checkValue(`the input of ${task.id}`, ctx.input)
    if (input instanceof InvalidValueError) return Effect.fail(input)
    const cycles: Record<string, number> = { [task.id]: state.cycles(task.id) }
    for (const target of task.declarations.goto) define(cycles, target, state.cycles(target)) // a task may be named "__proto__"
    const data: JobData = {
      v: PROTOCOL,
      workflow: state.workflow.name,
      plan: state.planHash,
      runId: state.runId,
      task: task.id,
      iteration: ctx.iteration,
      attempt: ctx.attempt,
      cycles,
      ...(input === undefined ? {} : { input }),
      ...(timeout === undefined ? {} : { timeout: Duration.toMillis(timeout) }),
      ...(state.parent === undefined ? {} : {
        parent: {
          workflow: state.parent.workflow,
          runId: state.parent.runId,
          prefix: state.parent.prefix,
          responses: state.parent.responses.namespace
        }
      }),
      ...(state.recordsEvents ? { events: true } : {})
    }
    const jobId = jobIdOf(state.store.namespace, data)
    if (state.durable !== undefined) kept(jobId)
    // With tracing on, the job carries the producer's span of the attempt (one lookup; none otherwise).
    const traced = state.tracing
      ? Effect.flatMap(Effect.option(Effect.currentSpan), (span) =>
        dispatch.send(
          Option.isSome(span)
            ? { ...data, trace: { traceId: span.value.traceId, spanId: span.value.spanId, sampled: span.value.sampled } }
            : data,
          jobId,
          state.durable !== undefined
        ))
      : dispatch.send(data, jobId, state.durable !== undefined)
    return Effect.flatMap(traced, (raw): Effect.Effect<unknown, unknown> => {
      const decoded = checkJobResult(raw)
      if (Result.isFailure(decoded)) {
        return Effect.die(new InvalidJobError({ reason: `the worker's result for "${task.id}" is not a job result` }))
      }
      const result = decoded.success
      if (!result.ok) {
        // The worker's timer and the producer's run out at the same moment: either way, the task timed out.
        if (result.timedOut === true && timeout !== undefined) {
          return Effect.fail(new TaskTimeoutError({ taskId: task.id, timeout: Duration.format(timeout) }))
        }
        if (result.cancel !== undefined) return Effect.fail(new WorkflowCancelled({ taskId: task.id, reason: result.cancel }))
        if (result.suspend !== undefined) return Effect.fail(new Suspend(result.suspend))
        const errorCodec = task.declarations.error
        if (errorCodec !== undefined && result.encoded !== undefined) {
          // The task's own error, as the worker encoded it with the task's schema.
          return Effect.flatMap(Effect.orDie(errorCodec.decode(`${task.id} (error)`, freezeParsed(result.encoded))), Effect.fail)
        }
        return Effect.fail(
          new RemoteTaskError({
            taskId: task.id,
            tag: result.error.tag,
            message: result.error.message,
            data: result.error.data,
            defect: result.error.defect
          })
        )
      }
      if (result.requests !== undefined) {
        const requests = requestsOf(task, result.requests)
        if (typeof requests === "string") return Effect.die(new InvalidJobError({ reason: requests }))
        // Applied after the result is stored, as if the body had asked for them here.
        ctx.requests = requests === undefined
          ? result.requests.checkpoint === undefined
            ? undefined
            : { iterate: undefined, added: [], goto: undefined, terminate: false, checkpoint: result.requests.checkpoint }
          : { ...requests, checkpoint: result.requests.checkpoint }
      }
      const raw2 = result.value === undefined ? undefined : freezeParsed(result.value)
      const codec = task.declarations.result
      return codec === undefined ? Effect.succeed(raw2) : codec.decode(task.resultKey, raw2)
    })
  })

// ---------------------------------------------------------------------------
// the worker's side
// ---------------------------------------------------------------------------

/**
 * The workflows a worker serves, by name: the ones given, and the ones their
 * `Task.workflow` steps run (their tasks' jobs name them). Two different
 * workflows of one name are a programming error, said in words.
 */
export const servedWorkflows = (workflows: ReadonlyArray<Runnable>): Map<string, Runnable> | string => {
  const served = new Map<string, Runnable>()
  const visit = (workflow: Runnable): string | undefined => {
    const known = served.get(workflow.name)
    if (known !== undefined) {
      return known === workflow || planHash(known.plan) === planHash(workflow.plan)
        ? undefined
        : `two different workflows are named ${JSON.stringify(workflow.name)}; a worker tells the workflows of its jobs apart by name`
    }
    served.set(workflow.name, workflow)
    for (const task of workflow.plan.tasks.values()) {
      const sub = task.declarations.subWorkflow
      const problem = sub === undefined ? undefined : visit(sub.workflow)
      if (problem !== undefined) return problem
    }
    return undefined
  }
  for (const workflow of workflows) {
    const problem = visit(workflow)
    if (problem !== undefined) return problem
  }
  return served
}

/** The tasks of a workflow a job may name: the plan's, and the ones they may add. */
const findTask = (workflow: Runnable, id: string): TaskImpl | undefined => {
  const found = workflow.plan.tasks.get(id)
  if (found !== undefined) return found
  // An item of a map: `{map}[{index}]`, a copy of the map's item.
  const item = /^(.*)\[(\d+)\]$/.exec(id)
  const map = item === null ? undefined : workflow.plan.tasks.get(item[1]!)?.declarations.map
  if (map !== undefined && item !== null) return itemTask(map.item, id, Number(item[2]), undefined)
  const seen = new Set<TaskImpl>()
  const visit = (task: TaskImpl): TaskImpl | undefined => {
    for (const added of task.declarations.adds) {
      if (seen.has(added)) continue
      seen.add(added)
      if (added.id === id) return added
      const deeper = visit(added)
      if (deeper !== undefined) return deeper
    }
    return undefined
  }
  for (const task of workflow.plan.tasks.values()) {
    const deeper = visit(task)
    if (deeper !== undefined) return deeper
  }
  // A tool's call: `{task}.{iteration}.{tool}.{name}#{n}`, made by the calling task's template.
  const call = /^(.*)\.(\d+)\.(\d+)\.([^.#]*)#(\d+)$/.exec(id)
  if (call !== null) {
    const owner = call[1] === id ? undefined : findTask(workflow, call[1]!)
    const tool = owner?.declarations.tools[Number(call[3])]
    if (tool !== undefined) return tool.make(id, undefined)
  }
  return undefined
}

/** What a body failed with, as data: a tagged error's tag, message and JSON fields; anything else described. */
const describeFailure = (error: unknown, defect: boolean) => {
  const tag = typeof error === "object" && error !== null && typeof Reflect.get(error, "_tag") === "string"
    ? String(Reflect.get(error, "_tag"))
    : defect
    ? "Defect"
    : typeof error
  const fields = typeof error === "object" && error !== null ? { ...error } : error
  const data = checkValue("error", fields)
  return {
    tag,
    message: describeCause(error),
    defect,
    ...(data instanceof InvalidValueError || data === undefined ? {} : { data })
  }
}

/** A job checked: its data, workflow and task; or why it cannot be run. */
const jobOf = (
  workflows: ReadonlyMap<string, Runnable>,
  raw: unknown
): { readonly job: JobData; readonly workflow: Runnable; readonly task: TaskImpl } | InvalidJobError => {
  const common = commonJobData(raw)
  const decoded = common === undefined ? decodeJobData(raw) : Result.succeed(common)
  if (Result.isFailure(decoded)) {
    const version = typeof raw === "object" && raw !== null ? Reflect.get(raw, "v") : undefined
    return new InvalidJobError({
      reason: version !== PROTOCOL
        ? `it is not an effect-graflow job of protocol ${PROTOCOL} (v: ${JSON.stringify(version) ?? "missing"})`
        : "its data does not have the shape of a job"
    })
  }
  const job = decoded.success
  const workflow = workflows.get(job.workflow)
  if (workflow === undefined) {
    return new InvalidJobError({
      reason: `this worker serves no workflow "${job.workflow}" (it serves ${[...workflows.keys()].map((n) => JSON.stringify(n)).join(", ")})`
    })
  }
  if (planHash(workflow.plan) !== job.plan) {
    return new InvalidJobError({
      reason: `workflow "${job.workflow}" of this worker is another version (plan ${planHash(workflow.plan)}) than the run's (${job.plan})`
    })
  }
  const task = findTask(workflow, job.task)
  if (task === undefined) return new InvalidJobError({ reason: `workflow "${job.workflow}" has no task "${job.task}"` })
  return { job, workflow, task }
}

/** How a worker names itself in a run's recorded events: its host and process id. */
const WORKER_NAME = `${hostname()}:${process.pid}`

/**
 * Runs a job: checks it, finds its workflow and task, runs the attempt on the
 * run's namespace, and gives the job's result. A job that cannot be run fails
 * with `InvalidJobError` (never run). (Built without `Effect.gen`: it runs
 * once per job, on the worker's hot path.)
 */
export const runJob = (
  workflows: ReadonlyMap<string, Runnable>,
  backend: ChannelBackend,
  checkpoints: Store,
  raw: unknown
): Effect.Effect<JobResult, InvalidJobError, unknown> => {
  const found = jobOf(workflows, raw)
  if (found instanceof InvalidJobError) return Effect.fail(found)
  const { job, task, workflow } = found
  const events = job.events === true ? backend.runEvents : undefined
  const assigned = events === undefined
    ? undefined
    : Effect.catch(
      Effect.clockWith((clock) =>
        events.append(
          job.parent === undefined ? runNamespace(job.workflow, job.runId) : runNamespace(job.parent.workflow, job.parent.runId),
          {
            type: "TaskAssigned",
            at: clock.currentTimeMillisUnsafe(),
            taskId: (job.parent?.prefix ?? "") + job.task,
            attempt: job.attempt,
            iteration: job.iteration,
            worker: WORKER_NAME
          }
        )
      ),
      (error) => Effect.logWarning(`effect-graflow: which worker took ${job.task} of run ${job.runId} was not recorded`, error)
    )
  // The run's namespace, and for a sub-workflow's task the root run's (where its answers are queued).
  const run = backend.open(runNamespace(job.workflow, job.runId))
  const opened: Effect.Effect<readonly [ChannelStore, ChannelStore | undefined], ChannelError, Scope.Scope> = job.parent === undefined
    ? Effect.map(run, (store) => [store, undefined] as const)
    : Effect.all([run, backend.open(job.parent.responses)])
  return Effect.scoped(Effect.flatMap(assigned === undefined ? Effect.orDie(opened) : Effect.andThen(assigned, Effect.orDie(opened)), ([store, responses]) =>
    Effect.withFiber((fiber) => {
      // A view of the run for one attempt: nothing allocated per task of the workflow.
      const state = new RunState(workflow, job.runId, store, undefined, false, fiber.getRef(Clock.Clock), checkpoints, job.plan, 0)
      state.seedCycles(job.cycles)
      state.parent = parentOf(job, responses)
      const ctx = new TaskContext(task, state, job.input === undefined ? undefined : freezeParsed(job.input), job.attempt, job.iteration)
      // Whatever the body logs on the worker says which run, task and attempt it belongs to.
      let body = Effect.annotateLogs(startBody(task, ctx), {
        workflow: job.workflow,
        runId: job.runId,
        taskId: job.task,
        attempt: job.attempt,
        iteration: job.iteration
      })
      const timeout = job.timeout
      if (timeout !== undefined) {
        body = Effect.timeoutOrElse(body, {
          duration: timeout,
          orElse: () => Effect.fail(new WorkerTimeout({ taskId: task.id, timeout: `${timeout}ms` }))
        })
      }
      // The worker's span of the attempt is a child of the producer's, when both trace.
      const tracing = fiber.getRef(References.TracerEnabled) && fiber.getRef(Tracer.Tracer) !== Tracer.nativeTracer
      if (tracing && job.trace !== undefined) {
        body = Effect.withSpan(body, `task ${task.id} (worker)`, {
          parent: Tracer.externalSpan(job.trace),
          captureStackTrace: false,
          attributes: {
            "graflow.workflow": job.workflow,
            "graflow.run_id": job.runId,
            "graflow.task": job.task,
            "graflow.attempt": job.attempt,
            "graflow.iteration": job.iteration
          }
        })
      }
      return Effect.flatMap(Effect.exit(body), (exit) => outcomeOf(task, ctx, exit))
    })))
}

/** Where a job of a sub-workflow's task stands under the root run (`undefined` for a job of a root run). */
const parentOf = (job: JobData, responses: ChannelStore | undefined): Parent | undefined =>
  job.parent === undefined || responses === undefined
    ? undefined
    : { workflow: job.parent.workflow, runId: job.parent.runId, prefix: job.parent.prefix, responses }

/** The job's result of an attempt's exit: its value and requests, or what it failed with, as data. */
const outcomeOf = (task: TaskImpl, ctx: TaskContext, exit: Exit.Exit<unknown, unknown>): Effect.Effect<JobResult> => {
  if (Exit.isSuccess(exit)) {
    return Effect.map(Effect.result(encodeResult(task, exit.value)), (encoded): JobResult => {
      if (Result.isFailure(encoded)) return { v: PROTOCOL, ok: false, error: describeFailure(encoded.failure, false) }
      const value = encoded.success
      const asked = ctx.requests
      const encodedRequests = asked === undefined ? undefined : encodeRequests(task.id, asked)
      if (encodedRequests instanceof InvalidValueError) return { v: PROTOCOL, ok: false, error: describeFailure(encodedRequests, false) }
      const requests = encodedRequests === undefined || asked?.checkpoint === undefined
        ? encodedRequests
        : { ...encodedRequests, checkpoint: asked.checkpoint }
      return {
        v: PROTOCOL,
        ok: true,
        ...(value === undefined ? {} : { value }),
        ...(requests === undefined ? {} : { requests })
      }
    })
  }
  const failure = Cause.findErrorOption(exit.cause)
  if (Option.isNone(failure)) {
    return Effect.succeed({ v: PROTOCOL, ok: false, error: describeFailure(Cause.squash(exit.cause), true) })
  }
  const error = failure.value
  if (isCancel(error)) {
    return Effect.succeed({ v: PROTOCOL, ok: false, error: describeFailure(error, false), cancel: error.reason })
  }
  if (isSuspend(error)) {
    return Effect.succeed({ v: PROTOCOL, ok: false, error: describeFailure({ _tag: "Suspend" }, false), suspend: error.requests })
  }
  if (error instanceof WorkerTimeout) {
    return Effect.succeed({ v: PROTOCOL, ok: false, error: describeFailure({ _tag: "TaskTimeoutError", taskId: error.taskId, timeout: error.timeout }, false), timedOut: true })
  }
  const plain: JobResult = { v: PROTOCOL, ok: false, error: describeFailure(error, false) }
  const errorCodec = task.declarations.error
  if (errorCodec === undefined) return Effect.succeed(plain)
  return Effect.map(Effect.result(errorCodec.encode(`${task.id} (error)`, error)), (encoded): JobResult =>
    Result.isSuccess(encoded) && encoded.success !== undefined ? { ...plain, encoded: encoded.success } : plain)
}
