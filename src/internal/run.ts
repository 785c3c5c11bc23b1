/**
 * Where a run starts and ends: the run id and the namespace, the initial
 * values, the flow (`steps.ts`), the final channel contents, and the
 * namespace's retention however the run ends.
 *
 * @internal
 */
import { randomUUID } from "node:crypto"
import { Clock, Context, Effect, Exit, identity, Option, References, Result, Tracer } from "effect"
import type * as Channel from "../Channel.js"
import type { ChannelBackend, ChannelStore, DumpEntry, Retention } from "../ChannelBackend.js"
import type { Handler } from "../Progress.js"
import { Channel as ChannelService, checkValue, codecOf, endThenRetain, entriesThenRetain, fieldSchema, hasEndThenRetain, hasEntriesThenRetain, retentionOf, withNamespace } from "./channel.js"
import { type CheckpointData, CheckpointStore, type Completion, decodeCheckpoint, type JournalEntry, type Request, type Store, type StoreJournal, textOf } from "./checkpoint.js"
import { type ChannelDecodeError, type ChannelError, InvalidValueError } from "./channelError.js"
import { show } from "./format.js"
import { planHash } from "./identity.js"
import { channelOf, journalHeader, readJournal, saveCheckpoint } from "./journal.js"
import { freezeParsed } from "./json.js"
import { runMap } from "./map.js"
import { resultKey, runNamespace } from "./keys.js"
import { adoptResults, makeBackend } from "./memory.js"
import { Progress } from "./progress.js"
import { isSuspend, Suspend } from "./signal.js"
import { type DurableSink, type Parent, replayKey, type RunChild, type Runnable, type RunInput, RunState } from "./state.js"
import { drive } from "./steps.js"
import type { Execution } from "./task.js"
import { endStatus, keepLease } from "./lease.js"
import { inputView, recording } from "./runEvents.js"
import {
  CheckpointMismatchError,
  type CheckpointStoreError,
  InvalidResponseError,
  InvalidRunInputError,
  RunLeaseLostError,
  RunNotFoundError,
  RunNotWaitingError
} from "./workflowError.js"

export type { Runnable } from "./state.js"

export interface RunSettings {
  readonly runId?: string | undefined
  readonly retention?: Channel.Retention | undefined
  /** The run's input (for a workflow with a `Task.input` task). */
  readonly input?: unknown
  /** Journal every completion, so that running the same runId again continues the run. */
  readonly durable?: boolean | undefined
  /** Where task attempts run when not in this process (distributed runs). */
  readonly remote?: RunState["remote"]
  /** For the run of a sub-workflow: where it stands under the root run. */
  readonly parent?: Parent | undefined
}

export interface ResumeSettings {
  readonly runId?: string | undefined
  readonly retention?: Channel.Retention | undefined
  readonly durable?: boolean | undefined
  /** Where task attempts run when not in this process (distributed runs). */
  readonly remote?: RunState["remote"]
}

interface FinishedOutput {
  readonly workflow: string
  readonly runId: string
  readonly status: "completed" | "terminated"
  readonly results: { readonly [id: string]: unknown }
  readonly channel: { readonly [key: string]: unknown }
}

interface SuspendedOutput {
  readonly workflow: string
  readonly runId: string
  readonly status: "suspended"
  /** The id of the checkpoint the run suspended at. */
  readonly checkpoint: string
  readonly requests: ReadonlyArray<Request>
  readonly results: { readonly [id: string]: unknown }
  readonly channel: { readonly [key: string]: unknown }
}

export type RunOutput = FinishedOutput | SuspendedOutput

/** How a run begins: afresh (its input and the initial values), or from a checkpoint (its channel and completions). */
type Start =
  | { readonly _tag: "Fresh"; readonly input: unknown; readonly hasInput: boolean }
  | { readonly _tag: "Checkpoint"; readonly data: CheckpointData }

/**
 * A fresh run's namespace: the workflow's initial values and nothing else, in
 * one step. What an earlier run of the same id left (its retention kept it)
 * is replaced, so that a run started again does not see, or append to, its
 * predecessor's values; responses already sent stay. (A durable run that
 * continues does not come here.)
 */
/** Whether a record has no own key. */
const isEmpty = (record: object): boolean => {
  for (const key in record) if (Object.hasOwn(record, key)) return false
  return true
}

const writeInitial = (workflow: Runnable, store: ChannelStore) =>
  // No initial values: the namespace is cleared (what a run with the same id left), without a step per value.
  isEmpty(workflow.initial) ? store.restore([], undefined) : Effect.flatMap(
    Effect.forEach(Object.entries(workflow.initial), ([key, value]) => {
      const schema = fieldSchema(workflow.channels, key)
      if (schema !== undefined) {
        return Effect.map(codecOf(schema).encode(key, value), (encoded): DumpEntry => ({ key, value: encoded, ttl: undefined }))
      }
      const checked = checkValue(key, value)
      return checked instanceof InvalidValueError ? Effect.fail(checked) : Effect.succeed<DumpEntry>({ key, value: checked, ttl: undefined })
    }),
    (entries) => store.restore(entries, undefined)
  )

const snapshot = (workflow: Runnable, store: ChannelStore) => decodeEntries(workflow, store.entries)

/** Entries read from a run's channel, decoded with its schema. */
const decodeEntries = (workflow: Runnable, read: ChannelStore["entries"]) =>
  Effect.flatMap(read, (entries): Effect.Effect<{ readonly [key: string]: unknown }, ChannelDecodeError> => {
    // Nothing to decode (no entries, or no key a schema declares): the record at once.
    if (entries.length === 0) return Effect.succeed({})
    if (entries.every(([key]) => fieldSchema(workflow.channels, key) === undefined)) return Effect.succeed(Object.fromEntries(entries))
    return Effect.map(
      Effect.forEach(entries, ([key, raw]) => {
        const schema = fieldSchema(workflow.channels, key)
        return schema === undefined
          ? Effect.succeed([key, raw] as const)
          : Effect.map(codecOf(schema).decode(key, raw), (value) => [key, value] as const)
      }),
      (pairs) => Object.fromEntries(pairs)
    )
  })

/**
 * The channel's contents when a run has ended: with its retention in the same round trip when the run
 * may (see `RunState.retainWithSnapshot`) and has not suspended, and the store can.
 */
const finalSnapshot = (state: RunState, ended: boolean) => {
  const { store, workflow } = state
  if (!ended || state.retainWithSnapshot !== "may" || !hasEntriesThenRetain(store)) return snapshot(workflow, store)
  state.retainWithSnapshot = "done"
  return decodeEntries(workflow, Effect.uninterruptible(store[entriesThenRetain].read(state.retention)))
}

/** The run's input, checked and encoded with the input task's schema, then decoded: what tasks read. */
const runInput = (workflow: Runnable, given: unknown, hasInput: boolean) => {
  const task = workflow.plan.input
  if (task === undefined) {
    return hasInput && given !== undefined
      ? Effect.fail(
        new InvalidRunInputError({
          workflow: workflow.name,
          issues: [{ path: [], message: "this workflow takes no input (it has no Task.input task)" }]
        })
      )
      : Effect.succeed(undefined)
  }
  const codec = task.declarations.runInput
  if (codec === undefined) return Effect.succeed(undefined)
  const invalid = (issues: InvalidValueError["issues"]) => new InvalidRunInputError({ workflow: workflow.name, issues })
  return codec.encode(task.id, given).pipe(
    Effect.mapError((error) => invalid(error.issues)),
    Effect.flatMap((encoded) =>
      Effect.mapBoth(codec.decode(task.id, encoded), {
        onFailure: (error) => invalid(error.issues),
        onSuccess: (value): RunInput => ({ value, encoded: encoded ?? null })
      })
    )
  )
}

/** The input a checkpoint holds, decoded as the run's input. */
const inputOfCheckpoint = (workflow: Runnable, data: CheckpointData) =>
  Effect.suspend(() => {
    const codec = workflow.plan.input?.declarations.runInput
    if (codec === undefined || data.input === undefined) return Effect.succeed(undefined)
    return Effect.mapBoth(codec.decode("input", data.input), {
      onFailure: (error) => new InvalidRunInputError({ workflow: workflow.name, issues: error.issues }),
      onSuccess: (value): RunInput => ({ value, encoded: data.input ?? null })
    })
  })

/** A checkpoint from an id, a `{ runId }` (its latest checkpoint) or a value, checked against the workflow. */
export const loadCheckpoint = (workflow: Runnable, from: unknown) =>
  Effect.gen(function*() {
    const store = yield* CheckpointStore
    let data: CheckpointData
    if (typeof from === "string") data = yield* store.load(from)
    else if (typeof from === "object" && from !== null && !("format" in from) && typeof Reflect.get(from, "runId") === "string") {
      const runId: string = Reflect.get(from, "runId")
      const ids = yield* store.list(runNamespace(workflow.name, runId))
      const latest = ids.at(-1)
      if (latest === undefined) return yield* new RunNotFoundError({ workflow: workflow.name, runId })
      data = yield* store.load(latest)
    } else data = yield* decodeCheckpoint("(a checkpoint value)", from)
    const mismatch = (reason: string) => new CheckpointMismatchError({ workflow: workflow.name, runId: data.runId, reason })
    if (data.workflow !== workflow.name) return yield* mismatch(`checkpoint ${JSON.stringify(data.id)} is one of workflow ${JSON.stringify(data.workflow)}`)
    const plan = planHash(workflow.plan)
    if (data.plan !== plan) {
      return yield* mismatch(
        `checkpoint ${JSON.stringify(data.id)} was made by another version of the workflow (plan ${data.plan}, this one is ${plan})`
      )
    }
    return data
  })

export const run = (workflow: Runnable, options: RunSettings | undefined) =>
  Effect.suspend(() =>
    begin(workflow, options?.runId ?? randomUUID(), options?.runId !== undefined, options, {
      _tag: "Fresh",
      input: options?.input,
      hasInput: options !== undefined && "input" in options
    })
  )

export const resume = (workflow: Runnable, from: unknown, options: ResumeSettings | undefined) =>
  Effect.flatMap(loadCheckpoint(workflow, from), (data) => resumeLoaded(workflow, data, options))

/** Continues a run from a checkpoint already loaded and checked ({@link loadCheckpoint}). */
export const resumeLoaded = (workflow: Runnable, data: CheckpointData, options: ResumeSettings | undefined) =>
  begin(workflow, options?.runId ?? data.runId, true, options, { _tag: "Checkpoint", data })

/** Queues a response to a request of a run, checked against the request's schema first. */
export const respond = (workflow: Runnable, runId: string, name: string, value: unknown) =>
  Effect.gen(function*() {
    const awaited = workflow.plan.awaits.get(name)
    const invalid = (issues: InvalidValueError["issues"]) =>
      new InvalidResponseError({ workflow: workflow.name, runId, name, issues })
    if (awaited === undefined) {
      return yield* invalid([{ path: [], message: `no task of the workflow awaits a request ${JSON.stringify(name)}` }])
    }
    const encoded = yield* Effect.mapError(awaited.codec.encode(name, value), (error) => invalid(error.issues))
    const backend = yield* ChannelService
    const outcome = yield* backend.respond(runNamespace(workflow.name, runId), name, encoded ?? null)
    if (outcome._tag === "Refused") {
      return yield* new RunNotWaitingError({
        workflow: workflow.name,
        runId,
        name,
        status: outcome.record?.status,
        waitingFor: outcome.record?.waitingFor ?? []
      })
    }
  })

/** The latest completion of each task among `completed`: the results a fresh channel gets back. */
const latestResults = (completed: ReadonlyArray<Completion>) => {
  const latest = new Map<string, Completion>()
  for (const c of completed) latest.set(c.task, c)
  return latest
}

const replayOf = (completed: ReadonlyArray<Completion>) => new Map(completed.map((c) => [replayKey(c.task, c.iteration), c]))

/**
 * The memory channel that runs without a channel of their own share, when
 * sharing it is the same as each having a fresh one: made once, not per run
 * (a backend is a few dozen closures and maps — a third of a small run).
 */
let defaultBackend: ChannelBackend | undefined

/** The shared memory channel of runs without one (for tests: what runs leave in it). */
export const sharedDefaultChannel = (): ChannelBackend => defaultBackend ??= makeBackend()

/**
 * Whether a run without a provided channel may use the shared one: its
 * namespace is one no other run has (an id made for it), and nothing of it
 * outlives it — not durable, no request to wait for (a suspended run keeps its
 * namespace), the default retention (deleted when it ends, however it ends).
 * Any other run gets a fresh memory channel, as before: what it keeps goes
 * with it.
 */
const sharesTheDefault = (workflow: Runnable, named: boolean, options: RunSettings | ResumeSettings | undefined): boolean =>
  !named && options?.durable !== true && options?.retention === undefined && workflow.plan.awaits.size === 0

const begin = (
  workflow: Runnable,
  runId: unknown,
  /** Whether the caller named the run (a given `runId`, a resume): then it takes the run's lease. */
  named: boolean,
  options: RunSettings | ResumeSettings | undefined,
  start: Start
) =>
  // Written with combinators, not a generator: a run of a few tasks would spend a third of its time in one.
  // No scope of its own: the namespace is held while the run uses it (`withNamespace`).
  Effect.suspend(() => {
    if (typeof runId !== "string") return Effect.die(new TypeError(`Workflow.run: the runId must be a string, not ${show(runId)}`))
    const retention = options?.retention === undefined ? undefined : retentionOf(options.retention, "Workflow.run")
    const checkedInput: Effect.Effect<RunInput | undefined, InvalidRunInputError> | undefined = start._tag === "Fresh"
      ? (workflow.plan.input === undefined && !(start.hasInput && start.input !== undefined)
        ? undefined
        : runInput(workflow, start.input, start.hasInput))
      : start.data.input === undefined || workflow.plan.input === undefined
      ? undefined
      : inputOfCheckpoint(workflow, start.data)
    const withInput = (input: RunInput | undefined) =>
      // The services, read at once (each a Reference with its default, but the channel).
      Effect.flatMap(Effect.context<never>(), (services) => {
        const provided = Context.getOption(services, ChannelService)
        const backend = Option.isSome(provided)
          ? provided.value
          : sharesTheDefault(workflow, named, options)
          ? sharedDefaultChannel()
          : makeBackend()
        const progress = Context.get(services, Progress)
        // Spans are made for an installed tracer (an OpenTelemetry exporter,
        // Effect.withTracer…); Effect's built-in tracer exports nowhere, so with
        // it the engine skips them and keeps the per-task cost down.
        const tracing = Context.get(services, References.TracerEnabled) && Context.get(services, Tracer.Tracer) !== Tracer.nativeTracer
        const clock = Context.get(services, Clock.Clock)
        const checkpoints = Context.get(services, CheckpointStore)
        const namespace = runNamespace(workflow.name, runId)
        return withNamespace(backend, namespace, (store) =>
          runOn({ workflow, runId, named, options, start, retention, input, backend, progress, tracing, clock, checkpoints, namespace, store }))
      })
    return checkedInput === undefined ? withInput(undefined) : Effect.flatMap(checkedInput, withInput)
  })

/** What a run on its opened namespace is made of (see `begin`). */
interface Opened {
  readonly workflow: Runnable
  readonly runId: string
  readonly named: boolean
  readonly options: RunSettings | ResumeSettings | undefined
  readonly start: Start
  readonly retention: Retention | undefined
  readonly input: RunInput | undefined
  readonly backend: ChannelBackend
  readonly progress: Handler | undefined
  readonly tracing: boolean
  readonly clock: Clock.Clock
  readonly checkpoints: Store
  readonly namespace: string
  readonly store: ChannelStore
}

/**
 * A run on its opened namespace: its lease when it takes one, the namespace
 * prepared, the flow, the run's record and its retention.
 */
const runOn = (opened: Opened) => {
  const { workflow, runId, named, options, start, retention, input, backend, progress, tracing, clock, checkpoints, namespace, store } = opened
  const durable = options?.durable === true
  // A run with a record, on a backend that keeps run events, records its progress there too (Workflow.runEvents).
  const events = backend.runEvents
  const handler = events !== undefined && events.recording && (named || durable || workflow.plan.awaits.size > 0)
    ? recording(progress, events, clock, input === undefined ? undefined : inputView(input.value, input.encoded))
    : progress
  const state = new RunState(workflow, runId, store, handler, tracing, clock, checkpoints, undefined)
  state.recordsEvents = handler !== progress
  state.input = input
  if (options !== undefined && "remote" in options) state.remote = options.remote
  if (options !== undefined && "parent" in options) state.parent = options.parent
  state.runChild = runChild
  state.runMap = runMap
  state.backend = backend
  /** The checkpoint store's journal, for a durable run on a channel that keeps none. */
  const storeJournal = durable && store.journal === undefined ? checkpoints.journal(namespace, workflow.plan.ids.length) : undefined

  // -- one driver per run: a named or durable run takes its lease first (waiting while another driver holds it);
  // so does a run of a workflow that waits for requests, whose record says whether it takes an answer --
  const owner = named || durable || workflow.plan.awaits.size > 0 ? randomUUID() : undefined

  const retain = (what: Retention) =>
    Effect.catch(store.retain(what), (error) =>
      Effect.logWarning(`effect-graflow: the retention of run ${runId} of ${workflow.name} was not applied`, error))
  const finalRetention = retention ?? backend.defaultRetention
  state.retention = finalRetention
  // A run without lease or journal gets its retention however it ends: its final read may apply it.
  if (owner === undefined && !durable) state.retainWithSnapshot = "may"
  // Written with combinators where a run passes every time (a generator cost a named run of 3 tasks 5 µs).
  /** A durable run that starts or continues: its journal opened, what it completed replayed. */
  const openJournal = () => {
    // The journal's first entry, made only for a run that has a journal.
    const header = journalHeader(workflow.name, state.planHash, input?.encoded)
    const opened: Effect.Effect<ReadonlyArray<string>, ChannelError | CheckpointStoreError> = store.journal !== undefined
      ? store.journal.open(header)
      : storeJournal !== undefined
      ? storeJournal.open(header)
      : Effect.succeed<ReadonlyArray<string>>([])
    return Effect.flatMap(opened, (entries): Effect.Effect<void, CheckpointMismatchError | InvalidValueError | ChannelError> => {
      const recorded = readJournal(entries, header, workflow.name, runId)
      if (Result.isFailure(recorded)) return Effect.fail(recorded.failure)
      const completed = recorded.success
      if (completed.length === 0) return writeInitial(workflow, store)
      state.replay = replayOf(completed)
      // A channel that keeps no journal may not have outlived the process either (memory in another process):
      // then it starts again from the initial values, and the results come back from the journal. One that did
      // (the same process) is used as it is.
      if (storeJournal === undefined) return Effect.void
      return Effect.flatMap(store.dump, (dumped) =>
        dumped.length > 0 ? Effect.void : Effect.andThen(
          writeInitial(workflow, store),
          Effect.forEach(latestResults(completed).values(), (c) =>
            store.set(resultKey(c.task), c.result === undefined ? undefined : freezeParsed(c.result), undefined), { discard: true })
        ))
    })
  }
  /** A run resumed from a checkpoint: the channel as it was, its journal (durable) the checkpoint's completions. */
  const restore = (data: CheckpointData) => {
    const completed = data.completed
    // A durable run's journal: its header, then the checkpoint's completions (a run that is not durable has none).
    const journal = durable ? [journalHeader(workflow.name, state.planHash, input?.encoded), ...completed.map((c) => JSON.stringify(c))] : undefined
    const restored = store.restore(channelOf(data), store.journal !== undefined ? journal : undefined)
    return Effect.map(
      storeJournal === undefined || journal === undefined ? restored : Effect.andThen(restored, storeJournal.reset(journal)),
      () => {
        state.replay = replayOf(completed)
      }
    )
  }
  // -- prepare the namespace: the checkpoint's channel, the journal, or the initial values (nothing, for a
  // fresh run under an id made for it and without initial values: its namespace is one no run had) --
  const prepare = start._tag === "Checkpoint"
    ? Effect.suspend(() => restore(start.data))
    : durable
    ? Effect.suspend(openJournal)
    : named || !isEmpty(workflow.initial)
    // Built when it runs, after the lease is taken: a store may act when `restore` is called.
    ? Effect.suspend(() => writeInitial(workflow, store))
    : undefined
  // -- the run (its lease kept while it runs), and what the namespace gets when it fails --
  const runPrepared = () => {
    // On memory, the namespace answers the run's results from the run (one copy; a durable run journals them).
    if (!durable || store.journal === undefined) state.resultsAdopted = adoptResults(store, state.resultSource)
    if (durable) state.durable = sinkOf(store, storeJournal, owner ?? "", workflow.name, runId, () => state.resultsAdopted)
    const running = owner !== undefined && Number.isFinite(store.run.ttl)
      ? Effect.raceFirst(execute(state), keepLease(store.run, owner, workflow.name, runId))
      : execute(state)
    return Effect.onError(
      running,
      // A durable run that failed keeps its namespace and journal: running it again continues it.
      () => retain(durable ? { _tag: "Keep" } : finalRetention)
    )
  }
  const prepared = prepare === undefined ? Effect.suspend(runPrepared) : Effect.flatMap(prepare, runPrepared)
  // A journal kept in this process made room for the plan's completions: what the run did not take is let go.
  const trim = storeJournal?.trim
  const drive = trim === undefined ? prepared : Effect.ensuring(prepared, Effect.sync(trim))
  // The run's record says how it ended (before its retention: an answer is never queued for a run that ended). A
  // run that ended for good on a store that can gets its retention with its end, the end first (on Redis: one script).
  let retainedWithEnd = false
  const ran = owner === undefined ? drive : Effect.onExit(drive, (exit) => {
    const outcome = {
      status: endStatus(exit),
      waitingFor: Exit.isSuccess(exit) && exit.value.status === "suspended" ? exit.value.requests.map((r) => r.name) : []
    }
    if (Exit.isSuccess(exit) && exit.value.status !== "suspended" && state.retainWithSnapshot !== "done" && hasEndThenRetain(store)) {
      retainedWithEnd = true
      return store[endThenRetain].both(owner, outcome, finalRetention)
    }
    return Effect.ignore(store.run.end(owner, outcome))
  })
  const finished = Effect.flatMap(ran, (output): Effect.Effect<RunOutput, ChannelError | CheckpointStoreError> => {
    // A suspended run has not ended: its namespace (and the responses sent to it) stay until it is resumed.
    if (output.status === "suspended") return Effect.as(Effect.uninterruptible(store.retain({ _tag: "Keep" })), output)
    let after: Effect.Effect<void, ChannelError | CheckpointStoreError> | undefined
    const then = (next: Effect.Effect<void, ChannelError | CheckpointStoreError>) => {
      after = after === undefined ? next : Effect.andThen(after, next)
    }
    if (state.retainWithSnapshot !== "done" && !retainedWithEnd) then(Effect.uninterruptible(store.retain(finalRetention)))
    if (storeJournal !== undefined && finalRetention._tag === "Delete") then(storeJournal.remove)
    // The runs of its sub-workflows (kept while it ran: it may have continued them) follow it.
    if (state.hasChildren) then(Effect.uninterruptible(retainChildren(backend, checkpoints, state.children, finalRetention)))
    return after === undefined ? Effect.succeed(output) : Effect.as(after, output)
  })
  // -- one driver per run: a named or durable run takes its lease first (waiting while another driver holds it);
  // so does a run of a workflow that waits for requests, whose record says whether it takes an answer --
  // A top-level run enters its workflow's index of runs (listRuns); a sub-workflow's run is its outer run's part.
  const indexed = state.parent === undefined ? { workflow: workflow.name, runId } : undefined
  return owner === undefined ? finished : Effect.andThen(store.run.claim(owner, { durable, run: indexed }), finished)
}

/** Gives the namespaces of a run's sub-workflow runs (and their journals in the checkpoint store) the run's retention. */
const retainChildren = (
  backend: ChannelBackend,
  checkpoints: Store,
  namespaces: ReadonlySet<string>,
  retention: Retention
) =>
  Effect.forEach(namespaces, (namespace) =>
    Effect.scoped(
      Effect.gen(function*() {
        const store = yield* Effect.orDie(backend.open(namespace))
        // A retention that fails is said (naming the sub-workflow's namespace), and the others are still applied.
        yield* Effect.catch(store.retain(retention), (error) =>
          Effect.logWarning(`effect-graflow: the retention of the sub-workflow run in namespace ${namespace} was not applied`, error))
        if (retention._tag === "Delete") yield* Effect.ignore(checkpoints.journal(namespace).remove)
      })
    ), { discard: true })

/**
 * Runs the workflow of a `Task.workflow` step, for one of its attempts: a
 * durable run of its own (so that a run continued after a crash, or resumed
 * after a suspension, continues the sub-workflow where it was), named after
 * the step (`{workflow}/{runId}/{step}`, `@{iteration}` after the first), its
 * namespace kept until the parent ends, its events and requests the root
 * run's. A suspension of it suspends the parent; its results are the step's.
 */
const runChild: RunChild = (task, ctx) =>
  Effect.suspend(() => {
    const sub = task.declarations.subWorkflow
    if (sub === undefined) return Effect.die(new Error(`task "${task.id}" runs no workflow`))
    const state = ctx.state
    const childRunId = state.childRunId(task, ctx.iteration)
    const parent: Parent = {
      workflow: state.parent?.workflow ?? state.workflow.name,
      runId: state.rootRunId,
      prefix: state.pathOf(`${task.id}/`),
      responses: state.responses
    }
    const inputOf = sub.input === undefined ? Effect.succeed(undefined) : Effect.suspend(() => {
      const made = sub.input!(ctx as never)
      return Effect.isEffect(made) ? made : Effect.succeed(made)
    })
    // Nothing can continue the sub-workflow's run — the outer run keeps no journal, the step is not retried,
    // and no task of it waits for an answer — so it runs without a journal or a lease of its own, and its
    // namespace gets the outer run's retention when it ends.
    const continued = state.durable !== undefined || sub.workflow.plan.awaits.size > 0 ||
      (task.declarations.execution.retry ?? state.workflow.defaults.retry) !== undefined
    if (!continued) return Effect.flatMap(inputOf, (input) => runPlainChild(state, sub.workflow, childRunId, parent, input, sub.input !== undefined))
    return Effect.flatMap(inputOf, (input) => {
      state.children.add(runNamespace(sub.workflow.name, childRunId))
      const backend = state.backend
      return Effect.flatMap(
        begin(sub.workflow, childRunId, true, {
          runId: childRunId,
          durable: true,
          retention: "keep",
          remote: state.remote,
          parent,
          ...(sub.input === undefined ? {} : { input })
        }, { _tag: "Fresh", input, hasInput: sub.input !== undefined }).pipe(
          // On the run's backend, whichever is provided where the step runs.
          backend === undefined ? identity : Effect.provideService(ChannelService, backend)
        ),
        (out): Effect.Effect<unknown, Suspend> => out.status === "suspended" ? Effect.fail(new Suspend(out.requests)) : Effect.succeed(out.results)
      )
    })
  })

/**
 * A sub-workflow's run that nothing continues (see `runChild`): on the outer
 * run's backend and services, its input checked, its flow driven, its results
 * the step's; its namespace gets the outer run's retention when it ends.
 */
const runPlainChild = (
  outer: RunState,
  workflow: Runnable,
  runId: string,
  parent: Parent,
  given: unknown,
  hasInput: boolean
): Effect.Effect<unknown, unknown, unknown> =>
  Effect.flatMap(runInput(workflow, given, hasInput), (input) => {
    const backend = outer.backend ?? makeBackend()
    // As every run: the namespace held while the child runs, no scope of its own (a task's Scope is the caller's).
    return withNamespace(backend, runNamespace(workflow.name, runId), (store) => {
      const state = new RunState(workflow, runId, store, outer.progress, outer.tracing, outer.clock, outer.checkpoints, undefined)
      state.recordsEvents = outer.recordsEvents
      state.input = input
      state.remote = outer.remote
      state.parent = parent
      state.runChild = runChild
      state.runMap = runMap
      state.backend = backend
      state.retention = outer.retention
      const flow = Effect.andThen(writeInitial(workflow, store), drive(state))
      const retain = (what: Retention) => Effect.ignore(store.retain(what))
      const ran = Effect.ensuring(
        state.tracing ? Effect.withSpan(flow, `workflow ${workflow.name}`, { captureStackTrace: false }) : flow,
        // Its own sub-workflows that may have been continued (retried steps) follow it.
        Effect.uninterruptible(Effect.suspend(() =>
          !state.hasChildren
            ? retain(outer.retention)
            : Effect.andThen(retain(outer.retention), retainChildren(backend, outer.checkpoints, state.children, outer.retention))
        ))
      )
      return Effect.map(ran, () => state.results())
    })
  })

/**
 * Where a durable run writes each completion: with the result on a channel
 * that keeps journals (if this driver still drives the run: a driver the run
 * was taken over from stops with `RunLeaseLostError`), after it otherwise.
 */
const sinkOf = (
  store: ChannelStore,
  storeJournal: StoreJournal | undefined,
  owner: string,
  workflow: string,
  runId: string,
  /** Whether the channel answers the run's results from the run (memory): then only the journal is written. */
  adopted: () => boolean
): DurableSink => {
  const native = store.journal
  if (native !== undefined) {
    const fenced = (written: boolean) => written ? Effect.void : Effect.fail(new RunLeaseLostError({ workflow, runId }))
    return {
      write: (entry, key, value) => Effect.flatMap(native.append(textOf(entry), key, value, owner), fenced),
      record: (entry) => Effect.flatMap(native.record(entry, owner), fenced)
    }
  }
  const append = (entry: JournalEntry) => storeJournal === undefined ? Effect.void : storeJournal.append(textOf(entry))
  // A journal kept in this process takes an entry at once: a completion then costs no step of its own.
  const appendNow = storeJournal?.appendNow
  return {
    write: (entry, key, value) => {
      if (!adopted()) return Effect.andThen(store.set(key, value, undefined), append(entry))
      if (appendNow === undefined) return append(entry)
      appendNow(entry)
      return Effect.void
    },
    record: (entry) => storeJournal === undefined ? Effect.void : storeJournal.append(entry),
    // The common completion, straight into a journal kept here (results.ts checks that the results are adopted).
    completion: storeJournal?.appendCompletion
  }
}

/** A run on its prepared namespace: the flow, then the final channel contents (or a suspension's checkpoint). */
const execute = (state: RunState) => {
  const { workflow, runId, clock } = state
  const flow = state.tracing
    ? Effect.withSpan(drive(state), `workflow ${workflow.name}`, {
      captureStackTrace: false,
      attributes: { "graflow.workflow": workflow.name, "graflow.run_id": runId }
    })
    : drive(state)
  let suspended: Suspend | undefined
  const body = Effect.catch(flow, (error) => {
    if (!isSuspend(error)) return Effect.fail(error)
    suspended = error
    return Effect.void
  })
  // Reported to the progress handler when there is one (none: no events to make).
  const reported = state.progress === undefined ? body : Effect.suspend(() => {
    const started = clock.currentTimeMillisUnsafe()
    return Effect.andThen(
      state.event({ _tag: "RunStarted", workflow: workflow.name, runId }),
      Effect.onExit(body, (exit) =>
        state.event({
          _tag: "RunFinished",
          workflow: workflow.name,
          runId,
          status: Exit.isFailure(exit) ? "failed" : suspended !== undefined ? "suspended" : state.stopped ? "terminated" : "completed",
          durationMs: clock.currentTimeMillisUnsafe() - started
        }))
    )
  })
  return Effect.flatMap(reported, () =>
    Effect.flatMap(finalSnapshot(state, suspended === undefined), (channel): Effect.Effect<RunOutput, CheckpointStoreError> => {
      if (suspended !== undefined) {
        const requests = suspended.requests
        return Effect.map(saveCheckpoint(state, { suspended: true }, requests.map((r) => r.taskId), requests), (checkpoint) => {
          const output: Omit<SuspendedOutput, "results"> = { workflow: workflow.name, runId, status: "suspended", checkpoint, requests, channel }
          return withResults(output, state) as RunOutput
        })
      }
      const output: Omit<FinishedOutput, "results"> = {
        workflow: workflow.name,
        runId,
        status: state.stopped ? "terminated" : "completed",
        channel
      }
      return Effect.succeed(withResults(output, state) as RunOutput)
    }))
}

/** Up to how many tasks a run's results record is built when the run ends (see `withResults`). */
const EAGER_RESULTS = 32

/**
 * The output with its `results`: the record is built when it is first read (a
 * caller that reads none, a run whose output only a parent looks at, pays
 * nothing for it), then kept — an own, enumerable property, as a plain one
 * (spread, `JSON.stringify` and equality see it).
 */
const withResults = <O extends object>(output: O, state: RunState): O & { readonly results: { readonly [id: string]: unknown } } => {
  // A few results cost less built now than an accessor does.
  if (state.workflow.plan.ids.length <= EAGER_RESULTS) return Object.assign(output, { results: state.results() })
  let source: RunState | undefined = state
  let record: { readonly [id: string]: unknown } = {}
  Object.defineProperty(output, "results", {
    enumerable: true,
    configurable: true,
    get: () => {
      if (source !== undefined) {
        record = source.results()
        source = undefined
      }
      return record
    },
    // Assignable as a plain property is.
    set: (value: { readonly [id: string]: unknown }) => {
      record = value
      source = undefined
    }
  })
  // `results` was defined on `output` just above.
  return output as O & { readonly results: { readonly [id: string]: unknown } }
}

/** The default execution of tasks: no retries, no timeout, `maxCycles` 10. */
export const noDefaults: Execution = { retry: undefined, timeout: undefined, maxCycles: undefined }
