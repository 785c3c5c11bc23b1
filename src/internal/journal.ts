/**
 * Where a run's state is saved: each completed execution as a journal entry
 * (durable runs), the whole run as a checkpoint (`ctx.checkpoint`, a
 * suspension), and back again (what a resumed run replays). The data is
 * defined in `checkpoint.ts`.
 *
 * @internal
 */
import { Effect, Result, Schema } from "effect"
import { checkValue } from "./channel.js"
import {
  type CheckpointData,
  Completion,
  completionText,
  FORMAT,
  type Request,
  VERSION
} from "./checkpoint.js"
import { InvalidValueError } from "./channelError.js"
import { freezeParsed, type Json, type Value } from "./json.js"
import { resultKey } from "./keys.js"
import type { Done, Requests, RunState } from "./state.js"
import type { TaskImpl } from "./task.js"
import { CheckpointMismatchError, CheckpointStoreError } from "./workflowError.js"

// ---------------------------------------------------------------------------
// the plan's identity
// ---------------------------------------------------------------------------


// ---------------------------------------------------------------------------
// completions
// ---------------------------------------------------------------------------

/** The control flow an execution asked for, as data (what journals, checkpoints and jobs carry). */
interface EncodedRequests {
  readonly iterate?: { readonly input?: Json }
  /** Tasks added, and tools called (the template's index in `adds`, and the call's input). */
  readonly adds?: ReadonlyArray<{ readonly id: string; readonly goto: boolean; readonly tool?: number; readonly input?: Json }>
  readonly goto?: string
  readonly terminate?: boolean
}

/** Requests as data: the next iteration's input must be JSON. */
export const encodeRequests = (taskId: string, requests: Requests): EncodedRequests | InvalidValueError => {
  const out: { -readonly [K in keyof EncodedRequests]: EncodedRequests[K] } = {}
  if (requests.iterate !== undefined) {
    const input = requests.iterate.input
    if (input === undefined) out.iterate = {}
    else {
      const checked = checkValue(`the next iteration input of ${taskId}`, input)
      if (checked instanceof InvalidValueError) return checked
      out.iterate = checked === undefined ? {} : { input: checked }
    }
  }
  if (requests.added.length > 0) {
    const adds: Array<NonNullable<EncodedRequests["adds"]>[number]> = []
    for (const a of requests.added) {
      if (a.call === undefined) adds.push({ id: a.task.id, goto: a.goto })
      else {
        const input = checkValue(`the input of ${a.task.id}`, a.call.input)
        if (input instanceof InvalidValueError) return input
        adds.push(input === undefined ? { id: a.task.id, goto: a.goto, tool: a.call.tool } : { id: a.task.id, goto: a.goto, tool: a.call.tool, input })
      }
    }
    out.adds = adds
  }
  if (requests.goto !== undefined) out.goto = requests.goto
  if (requests.terminate) out.terminate = true
  return out
}

/** A completion as data: what a checkpoint or a journal holds. */
const encodeDone = (done: Done): Completion | InvalidValueError => {
  const head = { task: done.task, iteration: done.iteration, attempts: done.attempts }
  const withResult = done.result === undefined ? head : { ...head, result: done.result }
  if (done.requests === undefined) return withResult
  const requests = encodeRequests(done.task, done.requests)
  return requests instanceof InvalidValueError ? requests : { ...withResult, ...requests }
}

/**
 * A completion as a journal entry (JSON text of a `Completion`): written
 * directly for the common case of no requests (`completionText`), through
 * `encodeDone` otherwise.
 */
export const entryText = (task: TaskImpl, done: Done): string | InvalidValueError => {
  if (done.requests === undefined) return completionText(task, done.iteration, done.attempts, done.result)
  const encoded = encodeDone(done)
  return encoded instanceof InvalidValueError ? encoded : JSON.stringify(encoded)
}

/**
 * The requests recorded as data (a journal's or checkpoint's completion, a
 * job's result), with the added tasks found among the task's `adds`; a string
 * says what does not fit the task.
 */
export const requestsOf = (task: TaskImpl, recorded: EncodedRequests): Requests | undefined | string => {
  const { iterate, adds, goto, terminate } = recorded
  if (iterate === undefined && adds === undefined && goto === undefined && terminate === undefined) return undefined
  const added: Requests["added"] = []
  for (const add of adds ?? []) {
    if (add.tool !== undefined) {
      const tool = task.declarations.tools[add.tool]
      if (tool === undefined) return `task "${task.id}" called tool ${add.tool}, which it does not declare in \`adds\``
      const input = add.input === undefined ? undefined : freezeParsed(add.input)
      added.push({ task: tool.make(add.id, input), goto: false, call: { tool: add.tool, input } })
      continue
    }
    const found = task.declarations.adds.find((t) => t.id === add.id)
    if (found === undefined) return `task "${task.id}" added task "${add.id}", which it does not declare in \`adds\``
    added.push({ task: found, goto: add.goto })
  }
  return {
    iterate: iterate === undefined ? undefined : { input: iterate.input === undefined ? undefined : freezeParsed(iterate.input) },
    added,
    goto,
    terminate: terminate === true,
    checkpoint: undefined
  }
}

const decodeCompletion = Schema.decodeUnknownResult(Schema.fromJsonString(Completion))

// ---------------------------------------------------------------------------
// journals
// ---------------------------------------------------------------------------

const JOURNAL_FORMAT = "effect-graflow/journal"

/** The first entry of a durable run's journal: which workflow, plan and input it belongs to. */
export const journalHeader = (workflow: string, plan: string, input: Json | undefined): string =>
  JSON.stringify(input === undefined
    ? { format: JOURNAL_FORMAT, version: VERSION, workflow, plan }
    : { format: JOURNAL_FORMAT, version: VERSION, workflow, plan, input })

/**
 * The completions a journal holds, after checking that its header is the
 * run's: a journal of another workflow, plan or input is an error, never mixed
 * in. An entry that does not decode (a write cut short) ends the journal there:
 * what follows it runs again.
 */
export const readJournal = (
  entries: ReadonlyArray<string>,
  expected: string,
  workflow: string,
  runId: string
): Result.Result<ReadonlyArray<Completion>, CheckpointMismatchError> => {
  const [header, ...rest] = entries
  if (header !== undefined && header !== expected) {
    const mismatch = (reason: string) => Result.fail(new CheckpointMismatchError({ workflow, runId, reason }))
    let found: { workflow?: unknown; plan?: unknown; input?: unknown; format?: unknown }
    try {
      found = JSON.parse(header)
    } catch {
      return mismatch("its journal does not start with a journal header")
    }
    const want: { workflow?: unknown; plan?: unknown; input?: unknown } = JSON.parse(expected)
    if (found.format !== JOURNAL_FORMAT) return mismatch("its journal is not an effect-graflow journal")
    if (found.workflow !== want.workflow) {
      return mismatch(`its journal belongs to workflow ${JSON.stringify(found.workflow)}`)
    }
    if (found.plan !== want.plan) {
      return mismatch(
        `it was started with another version of the workflow (plan ${JSON.stringify(found.plan)}, this one is ${JSON.stringify(want.plan)}); give it another runId`
      )
    }
    return mismatch("it was started with another input; run it again with the same input, or give it another runId")
  }
  const out: Array<Completion> = []
  for (const entry of rest) {
    const decoded = decodeCompletion(entry)
    if (Result.isFailure(decoded)) break
    out.push(decoded.success)
  }
  return Result.succeed(out)
}

// ---------------------------------------------------------------------------
// checkpoints
// ---------------------------------------------------------------------------

let sequence = 0

/**
 * The run as a checkpoint: its completions so far, the channel as it is now
 * (results included, with remaining TTLs), what is pending, the requests
 * waited on, and the metadata.
 */
const makeCheckpoint = (
  state: RunState,
  metadata: { readonly [key: string]: Json },
  extraPending: ReadonlyArray<string>,
  requests: ReadonlyArray<Request>
): Effect.Effect<CheckpointData, CheckpointStoreError> =>
  Effect.gen(function*() {
    const dumped = yield* Effect.mapError(
      state.store.dump,
      (cause) => new CheckpointStoreError({ op: "read the channel for the checkpoint of", id: state.runId, cause })
    )
    const stored = new Map(dumped.map((entry) => [entry.key, entry.value]))
    const completed: Array<Completion> = []
    for (const done of state.completed((id) => stored.get(resultKey(id)))) {
      const encoded = encodeDone(done)
      if (encoded instanceof InvalidValueError) {
        return yield* new CheckpointStoreError({ op: "encode the checkpoint of", id: state.runId, cause: encoded })
      }
      completed.push(encoded)
    }
    const ran = new Set(completed.map((c) => c.task))
    const pending = state.workflow.plan.ids.filter((id) => !ran.has(id))
    for (const id of extraPending) if (!pending.includes(id)) pending.push(id)
    const createdAt = state.clock.currentTimeMillisUnsafe()
    const id = `${state.store.namespace}/cp-${completed.length}-${(sequence++).toString(36)}${
      Math.random().toString(36).slice(2, 6)
    }`
    const data: CheckpointData = {
      format: FORMAT,
      version: VERSION,
      id,
      workflow: state.workflow.name,
      plan: state.planHash,
      runId: state.runId,
      ...(state.input === undefined ? {} : { input: state.input.encoded }),
      createdAt,
      metadata,
      completed,
      pending,
      channel: dumped.map(({ key, value, ttl }) => {
        const entry: { key: string; value?: Json; ttl?: number } = { key }
        if (value !== undefined) entry.value = value
        if (ttl !== undefined) entry.ttl = ttl
        return entry
      }),
      requests
    }
    return data
  })

/** Writes a checkpoint to the run's store; its id. */
export const saveCheckpoint = (
  state: RunState,
  metadata: { readonly [key: string]: Json },
  extraPending: ReadonlyArray<string>,
  requests: ReadonlyArray<Request>
): Effect.Effect<string, CheckpointStoreError> =>
  Effect.flatMap(
    makeCheckpoint(state, metadata, extraPending, requests),
    (data) => Effect.as(state.checkpoints.save(data), data.id)
  )

/** A checkpoint's channel entries as a backend restores them (frozen, as backends expect). */
export const channelOf = (data: CheckpointData): ReadonlyArray<{ key: string; value: Value; ttl: number | undefined }> =>
  data.channel.map(({ key, value, ttl }) => ({
    key,
    value: value === undefined ? undefined : freezeParsed(value),
    ttl: ttl !== undefined && ttl > 0 ? ttl : undefined
  }))
