/**
 * What the studio does, apart from HTTP: describe the workflows, list and
 * read runs, and start, answer, resume, fork and delete them. Each operation
 * checks what it is given first (a workflow's input and a request's answer
 * decode with the workflow's own schemas) and changes nothing when that
 * fails; a run it starts runs in the studio's scope, with the services the
 * studio was given, and is seen through what it records.
 *
 * @internal
 */
import { Cause, type Context, Effect, Option, type Scope } from "effect"
import { randomBytes } from "node:crypto"
import type { Retention } from "../../Channel.js"
import type { ChannelBackend, RunStatus, RunSummary as BackendRunSummary } from "../../ChannelBackend.js"
import { Channel as ChannelService } from "../channel.js"
import { CheckpointStore, type CheckpointData } from "../checkpoint.js"
import type { ChannelError } from "../channelError.js"
import type { Json } from "../json.js"
import { jsonSchemasOf } from "../jsonSchema.js"
import { runNamespace } from "../keys.js"
import { chartOf } from "../mermaid.js"
import * as engine from "../run.js"
import { decodeEvents } from "../runEvents.js"
import { cursorOf, positionOf } from "../runIndex.js"
import type { Runnable } from "../state.js"
import type { CheckpointStoreError } from "../workflowError.js"
import {
  BackendFailure,
  BadRequest,
  CheckpointUnavailable,
  InvalidResponse,
  InvalidRunInput,
  RunIdTaken,
  RunNotFound,
  RunNotWaiting,
  WorkflowNotFound
} from "./api.js"

/** What the studio runs with. */
export interface Setup {
  readonly workflows: ReadonlyArray<Runnable>
  /** Where the runs are, in words without credentials (`memory`, `redis://host:6379`). */
  readonly backend: string
  /** The channel, the checkpoint store, and the services the workflows' tasks need. */
  readonly context: Context.Context<never>
  /** Where runs started from the studio run (they stop with it). */
  readonly scope: Scope.Scope
  /** What a run started from the studio keeps when it ends (`undefined`: the backend's default). */
  readonly retention: Retention | undefined
}

/** How many of a run's checkpoints a run's detail shows (the latest). */
const CHECKPOINTS_SHOWN = 20

const RUN_STATUSES: ReadonlySet<string> = new Set<RunStatus>(["running", "suspended", "completed", "terminated", "failed", "interrupted"])
const isRunStatus = (status: string): status is RunStatus => RUN_STATUSES.has(status)

/** A run id for a run started from the studio: short, readable, unlikely to repeat. */
const freshRunId = (): string => `run-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`

const failure = (error: ChannelError | CheckpointStoreError) => new BackendFailure({ message: error.message })

const issuesOf = (issues: ReadonlyArray<{ readonly path: ReadonlyArray<PropertyKey>; readonly message: string }>) =>
  issues.map((issue) => ({
    path: issue.path.map((key) => (typeof key === "number" ? key : String(key))),
    message: issue.message
  }))

const summaryOf = (run: BackendRunSummary) => ({
  runId: run.runId,
  status: run.status,
  durable: run.durable,
  startedAt: run.startedAt,
  endedAt: run.endedAt ?? null,
  waitingFor: run.waitingFor
})

const describe = (workflow: Runnable) => {
  const chart = chartOf(workflow.name, workflow.plan)
  const schemas = jsonSchemasOf(workflow.plan)
  const nodes: { [task: string]: string } = {}
  for (const [task, node] of chart.nodes) nodes[task] = node
  return {
    name: workflow.name,
    mermaid: chart.text,
    nodes,
    input: schemas.input === undefined ? null : { taskId: schemas.input.taskId, schema: schemas.input.schema },
    requests: Object.fromEntries(Object.entries(schemas.requests).map(([name, d]) => [name, { taskId: d.taskId, schema: d.schema }]))
  }
}

export const make = (setup: Setup) => {
  const byName = new Map(setup.workflows.map((w) => [w.name, w]))
  const catalog = { backend: setup.backend, workflows: setup.workflows.map(describe) }
  const requestSchemas = new Map(catalog.workflows.map((w) => [w.name, w.requests]))

  const provide = <A, E>(effect: Effect.Effect<A, E, unknown>): Effect.Effect<A, E> =>
    // The setup's context holds the channel, the checkpoint store and the services the workflows' tasks need: what
    // the engine's effects ask for (typed `unknown` there, as the studio loads workflows of any type).
    Effect.provideContext(effect as Effect.Effect<A, E, never>, setup.context)

  const workflowOf = (name: string) => {
    const workflow = byName.get(name)
    return workflow === undefined
      ? Effect.fail(new WorkflowNotFound({ workflow: name, message: `the studio serves no workflow named ${JSON.stringify(name)}` }))
      : Effect.succeed(workflow)
  }

  const backend = provide(Effect.service(ChannelService))
  const recordOf = (workflow: Runnable, runId: string) =>
    Effect.flatMap(backend, (b: ChannelBackend) => Effect.mapError(b.runRecord(runNamespace(workflow.name, runId)), failure))

  /** The runs this studio starts or runs now (`workflow/runId`): an id is claimed before its run is launched. */
  const active = new Set<string>()
  /**
   * Runs answered while this studio ran them: the run may have looked for its
   * answers before this one was queued, and suspended again; when it ends, a
   * run that is suspended is resumed once more, to take it.
   */
  const answeredMeanwhile = new Set<string>()

  /** A run started here runs in the studio's scope, its id released when it ends; what becomes of it is in what it records. */
  const launch = (workflow: Runnable, runId: string, run: Effect.Effect<unknown, unknown, unknown>) =>
    Effect.asVoid(Effect.forkIn(
      Effect.catchCause(provide(run), (cause) =>
        Cause.hasInterruptsOnly(cause)
          ? Effect.void
          : Effect.logDebug(`effect-graflow studio: run ${runId} of ${workflow.name} ended with a failure`, cause)).pipe(
          Effect.ensuring(Effect.suspend(() => {
            const key = runNamespace(workflow.name, runId)
            active.delete(key)
            return answeredMeanwhile.delete(key)
              ? Effect.catchCause(resumeIfSuspended(workflow, runId), (cause) =>
                Effect.logWarning(`effect-graflow studio: run ${runId} of ${workflow.name}, answered while it ran, was not resumed`, cause))
              : Effect.void
          }))
        ),
      setup.scope
    ))

  /**
   * Claims a run id for a run this studio is about to launch: refused while
   * this studio starts or runs one of that id (requests at the same moment
   * included: the claim is taken before anything is awaited), or while the
   * backend records one running — or waiting, unless the run is to continue.
   * A refused claim releases the id.
   */
  const claim = (workflow: Runnable, runId: string, continuing: boolean) =>
    Effect.suspend(() => {
      const key = runNamespace(workflow.name, runId)
      const taken = (status: string) =>
        new RunIdTaken({
          workflow: workflow.name,
          runId,
          message: `run ${JSON.stringify(runId)} of ${workflow.name} is ${status}: choose another id, or wait for it to end`
        })
      if (active.has(key)) return Effect.fail(taken("being started or run by this studio"))
      active.add(key)
      return Effect.flatMap(recordOf(workflow, runId), (record) =>
        record !== undefined && (record.status === "running" || (!continuing && record.status === "suspended"))
          ? Effect.fail(taken(record.status))
          : Effect.void).pipe(Effect.onError(() => Effect.sync(() => active.delete(key))))
    })

  /** Launches a run under a claimed id, after what it needs is prepared; a preparation that fails releases the id. */
  const claimed = <A, E>(
    workflow: Runnable,
    runId: string,
    continuing: boolean,
    prepare: Effect.Effect<A, E>,
    run: (prepared: A) => Effect.Effect<unknown, unknown, unknown>
  ) =>
    // Not interrupted between the claim and the launch (a request whose client went away): a claim is either
    // released or handed to the run, which releases it when it ends.
    Effect.uninterruptibleMask((restore) =>
      Effect.andThen(claim(workflow, runId, continuing), () =>
        restore(prepare).pipe(
          Effect.onError(() => Effect.sync(() => active.delete(runNamespace(workflow.name, runId)))),
          Effect.flatMap((prepared) => launch(workflow, runId, run(prepared)))
        )))

  /** Resumes a suspended run (here) from its latest checkpoint; a run this studio runs now is looked at when it ends. */
  const resumeIfSuspended = (workflow: Runnable, runId: string): Effect.Effect<void, CheckpointUnavailable | BackendFailure> =>
    Effect.flatMap(recordOf(workflow, runId), (record) =>
      record?.status !== "suspended" ? Effect.void : claimed(workflow, runId, true, checkpointOf(workflow, { runId }), (data) =>
        engine.resumeLoaded(workflow, data, { runId, durable: record.durable, retention: setup.retention })).pipe(
          Effect.catchTag("RunIdTaken", () => Effect.sync(() => answeredMeanwhile.add(runNamespace(workflow.name, runId))))
        ))

  const checkpointOf = (workflow: Runnable, from: string | { readonly runId: string }) =>
    provide(engine.loadCheckpoint(workflow, from)).pipe(
      Effect.catchTags({
        CheckpointStoreError: (error) => Effect.fail(failure(error)),
        CheckpointNotFoundError: (error) => Effect.fail(new CheckpointUnavailable({ checkpoint: show(from), message: error.message })),
        CheckpointDecodeError: (error) => Effect.fail(new CheckpointUnavailable({ checkpoint: show(from), message: error.message })),
        CheckpointMismatchError: (error) => Effect.fail(new CheckpointUnavailable({ checkpoint: show(from), message: error.message })),
        RunNotFoundError: (error) => Effect.fail(new CheckpointUnavailable({ checkpoint: show(from), message: error.message }))
      })
    )

  return {
    catalog: Effect.succeed(catalog),

    runs: (name: string, query: { readonly status?: string | undefined; readonly limit?: number | undefined; readonly cursor?: string | undefined }) =>
      Effect.gen(function*() {
        const workflow = yield* workflowOf(name)
        let statuses: Array<RunStatus> | undefined
        for (const given of query.status === undefined || query.status === "" ? [] : query.status.split(",")) {
          if (!isRunStatus(given)) {
            return yield* new BadRequest({
              message: `${JSON.stringify(given)} is no run status (one of ${[...RUN_STATUSES].join(", ")})`,
              issues: [{ path: ["status"], message: "not a run status" }]
            })
          }
          ;(statuses ??= []).push(given)
        }
        const after = query.cursor === undefined ? undefined : positionOf(query.cursor)
        if (query.cursor !== undefined && after === undefined) {
          return yield* new BadRequest({ message: "the cursor is not one a page of runs gave", issues: [{ path: ["cursor"], message: "unknown cursor" }] })
        }
        const b = yield* backend
        const page = yield* Effect.mapError(
          b.listRuns(workflow.name, {
            statuses,
            limit: query.limit ?? 50,
            after
          }),
          failure
        )
        return { runs: page.runs.map(summaryOf), next: page.next === undefined ? null : cursorOf(page.next) }
      }),

    run: (name: string, runId: string) =>
      Effect.gen(function*() {
        const workflow = yield* workflowOf(name)
        const record = yield* recordOf(workflow, runId)
        if (record === undefined) {
          return yield* new RunNotFound({
            workflow: name,
            runId,
            message: `no run ${JSON.stringify(runId)} of ${name} is recorded (it never started with an id, or its retention passed)`
          })
        }
        const namespace = runNamespace(workflow.name, runId)
        const b = yield* backend
        const events = b.runEvents === undefined ? [] : decodeEvents(yield* Effect.mapError(b.runEvents.read(namespace), failure))
        const store = yield* provide(Effect.service(CheckpointStore))
        const ids = yield* Effect.mapError(store.list(namespace), failure)
        const checkpoints: Array<CheckpointData> = []
        for (const id of ids.slice(-CHECKPOINTS_SHOWN)) {
          // A checkpoint that cannot be read any more is not shown (resuming from it would say why).
          const loaded = yield* Effect.option(store.load(id))
          if (Option.isSome(loaded)) checkpoints.push(loaded.value)
        }
        const latest = checkpoints.at(-1)
        const schemas = requestSchemas.get(name) ?? {}
        // A suspended run says what it waits for; a running one does not (a task may be waiting in `waitFor` now):
        // every request of the workflow may be answered — the answer waits in its queue until a task takes it.
        const waiting = record.status === "suspended"
        const names = waiting ? record.waitingFor : record.status === "running" ? Object.keys(schemas) : []
        const requests = names.flatMap((request) => {
          const described = schemas[request]
          if (described === undefined) return []
          const asked = waiting ? latest?.requests.find((r) => r.name === request) : undefined
          return [{ name: request, taskId: described.taskId, waiting, prompt: asked?.prompt ?? null, schema: described.schema }]
        })
        return {
          run: summaryOf({ runId, ...record }),
          events,
          checkpoints: checkpoints.map((c) => ({ id: c.id, createdAt: c.createdAt, metadata: c.metadata, pending: c.pending })),
          requests
        }
      }),

    start: (name: string, body: { readonly input?: Json | undefined; readonly runId?: string | undefined }) =>
      Effect.gen(function*() {
        const workflow = yield* workflowOf(name)
        const invalid = (issues: ReadonlyArray<{ readonly path: ReadonlyArray<PropertyKey>; readonly message: string }>) =>
          new InvalidRunInput({
            workflow: name,
            message: `the input of workflow ${JSON.stringify(name)} is not valid (nothing ran)`,
            issues: issuesOf(issues)
          })
        const task = workflow.plan.input
        const codec = task?.declarations.runInput
        let input: { readonly value: unknown } | undefined
        if (task === undefined || codec === undefined) {
          if (body.input !== undefined && body.input !== null) return yield* invalid([{ path: [], message: "this workflow takes no input" }])
        } else {
          // The form sends the input's JSON form: decoded with the workflow's own schema, as a run decodes it.
          const decoded = yield* Effect.mapError(codec.decode(task.id, body.input ?? null), (error) => invalid(error.issues))
          input = { value: decoded }
        }
        const runId = body.runId ?? freshRunId()
        yield* claimed(workflow, runId, false, Effect.void, () =>
          engine.run(workflow, {
            runId,
            retention: setup.retention,
            ...(input === undefined ? {} : { input: input.value })
          }))
        return { runId }
      }),

    respond: (name: string, runId: string, body: { readonly request: string; readonly value: Json }) =>
      Effect.gen(function*() {
        const workflow = yield* workflowOf(name)
        const awaited = workflow.plan.awaits.get(body.request)
        const invalid = (issues: ReadonlyArray<{ readonly path: ReadonlyArray<PropertyKey>; readonly message: string }>) =>
          new InvalidResponse({
            workflow: name,
            runId,
            request: body.request,
            message: `the response ${JSON.stringify(body.request)} to run ${JSON.stringify(runId)} is not valid (nothing was sent)`,
            issues: issuesOf(issues)
          })
        if (awaited === undefined) return yield* invalid([{ path: [], message: `no task of ${name} awaits a request ${JSON.stringify(body.request)}` }])
        // The JSON form of the answer, decoded with the request's own schema; then sent as the workflow's API sends it.
        const value = yield* Effect.mapError(awaited.codec.decode(body.request, body.value), (error) => invalid(error.issues))
        yield* provide(engine.respond(workflow, runId, body.request, value)).pipe(
          Effect.catchTags({
            InvalidResponseError: (error) => Effect.fail(invalid(error.issues)),
            RunNotWaitingError: (error) =>
              Effect.fail(new RunNotWaiting({ workflow: name, runId, request: body.request, message: error.message })),
            ChannelError: (error) => Effect.fail(failure(error))
          })
        )
        // A suspended run continues (here) from its latest checkpoint; a running one takes the answer itself — and
        // one this studio runs (resumed for another answer, say) is looked at again when it ends.
        if (active.has(runNamespace(workflow.name, runId))) answeredMeanwhile.add(runNamespace(workflow.name, runId))
        else yield* resumeIfSuspended(workflow, runId)
        return { runId }
      }),

    resume: (name: string, runId: string, body: { readonly checkpoint?: string | undefined }) =>
      Effect.gen(function*() {
        const workflow = yield* workflowOf(name)
        const prepare = Effect.gen(function*() {
          const data = yield* checkpointOf(workflow, body.checkpoint ?? { runId })
          if (data.runId !== runId) return yield* otherRun(body.checkpoint ?? runId, data.runId, runId)
          return { data, record: yield* recordOf(workflow, runId) }
        })
        yield* claimed(workflow, runId, true, prepare, ({ data, record }) =>
          engine.resumeLoaded(workflow, data, { runId, durable: record?.durable, retention: setup.retention }))
        return { runId }
      }),

    fork: (name: string, runId: string, body: { readonly checkpoint: string; readonly runId?: string | undefined }) =>
      Effect.gen(function*() {
        const workflow = yield* workflowOf(name)
        const data = yield* checkpointOf(workflow, body.checkpoint)
        if (data.runId !== runId) return yield* otherRun(body.checkpoint, data.runId, runId)
        const forked = body.runId ?? freshRunId()
        yield* claimed(workflow, forked, false, Effect.void, () => engine.resumeLoaded(workflow, data, { runId: forked, retention: setup.retention }))
        return { runId: forked }
      }),

    delete: (name: string, runId: string) =>
      Effect.gen(function*() {
        const workflow = yield* workflowOf(name)
        const record = yield* recordOf(workflow, runId)
        if (record?.status === "running" || active.has(runNamespace(workflow.name, runId))) {
          return yield* new RunIdTaken({ workflow: name, runId, message: `run ${JSON.stringify(runId)} of ${name} is running: wait for it to end` })
        }
        const namespace = runNamespace(workflow.name, runId)
        const b = yield* backend
        yield* Effect.mapError(b.drop(namespace), failure)
        const store = yield* provide(Effect.service(CheckpointStore))
        yield* Effect.mapError(store.removeRun(namespace), failure)
        return { deleted: record !== undefined }
      })
  }
}

export type Operations = ReturnType<typeof make>

/** A checkpoint of another run than the one it was asked for: resume and fork take their run's own. */
const otherRun = (checkpoint: string, of: string, asked: string) =>
  Effect.fail(new CheckpointUnavailable({
    checkpoint,
    message: `checkpoint ${JSON.stringify(checkpoint)} is one of run ${JSON.stringify(of)}, not of ${JSON.stringify(asked)}`
  }))

const show = (from: string | { readonly runId: string }): string => (typeof from === "string" ? from : `latest of ${from.runId}`)
