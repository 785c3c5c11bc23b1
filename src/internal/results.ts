/**
 * Where a task's result is stored and read: under `{taskId}.__result__` in the
 * run's namespace, encoded with the task's `result` schema when it has one,
 * checked as JSON when it has none.
 *
 * @internal
 */
import { Effect } from "effect"
import { checkValue } from "./channel.js"
import { type ChannelDecodeError, type ChannelError, InvalidValueError } from "./channelError.js"
import type { Value } from "./json.js"
import { resultKey } from "./keys.js"
import { CompletionEntry, type JournalEntry } from "./checkpoint.js"
import { entryText } from "./journal.js"
import { absent, type Requests, type RunState } from "./state.js"
import type { TaskImpl } from "./task.js"
import { type CheckpointStoreError, ResultNotAvailableError, type RunLeaseLostError } from "./workflowError.js"

/**
 * A list result with `undefined` items (a tuple of `void`s:
 * `Effect.all([Effect.void, Effect.void])`) as JSON stores it and every
 * backend reads it back: `null` for each, as its type says (`BodySuccess`).
 * Deeper lists keep the rule of channel values (an `undefined` item is refused).
 */
export const asStored = (value: unknown): unknown =>
  Array.isArray(value) && value.includes(undefined) ? Array.from(value, (item: unknown) => item === undefined ? null : item) : value

/**
 * A result without a schema, checked as JSON: the checked (frozen) value, or
 * the error naming the task's key. `task` is read only for an error (a map's
 * item makes its task when asked: see `TaskContext.make`).
 */
export const checkResult = (task: { readonly resultKey: string }, value: unknown): Value | InvalidValueError => {
  // The commonest results, without the snapshot's record: as `snapshot` gives them.
  if (typeof value === "string" || typeof value === "boolean" || value === null || value === undefined) return value
  if (typeof value === "number" && Number.isFinite(value)) return value === 0 ? 0 : value
  // The key is named below (checkValue's error is remade with the task's words).
  const checked = checkValue("", asStored(value))
  if (!(checked instanceof InvalidValueError)) return checked
  return new InvalidValueError({
    key: task.resultKey,
    issues: checked.issues.map((issue) => ({
      path: issue.path,
      message: `${issue.message} (give the task a \`result\` schema to store such a result)`
    }))
  })
}

/**
 * Stores the result of a completed execution (`index`: the task's place in
 * the plan, -1 for an added task) and records the completion in the run's
 * journal; in a durable run, the journal entry is written with the result.
 * The completion is recorded when the write is made (no step of its own on
 * the common path); when the write fails, `RunState.uncomplete` takes it back.
 */
export const storeResult = (
  task: TaskImpl,
  index: number,
  state: RunState,
  value: unknown,
  iteration: number,
  attempts: number,
  requests: Requests | undefined
): Effect.Effect<void, InvalidValueError | ChannelError | CheckpointStoreError | RunLeaseLostError> => {
  const codec = task.declarations.result
  if (codec !== undefined) {
    state.setResult(task, index, value)
    return Effect.flatMap(codec.encode(task.resultKey, value), (encoded) => write(task, index, state, encoded, iteration, attempts, requests))
  }
  const stored = asStored(value)
  state.setResult(task, index, stored)
  const checked = checkResult(task, stored)
  return checked instanceof InvalidValueError ? Effect.fail(checked) : write(task, index, state, checked, iteration, attempts, requests)
}

const write = (
  task: TaskImpl,
  index: number,
  state: RunState,
  encoded: Value,
  iteration: number,
  attempts: number,
  requests: Requests | undefined
): Effect.Effect<void, InvalidValueError | ChannelError | CheckpointStoreError | RunLeaseLostError> => {
  const durable = state.durable
  if (durable === undefined) {
    state.complete(task.id, index, iteration, attempts, requests)
    state.setWritten(task, index, encoded)
    // A memory channel that adopted the run's results reads them where they were just recorded.
    return state.resultsAdopted ? Effect.void : state.store.set(task.resultKey, encoded, undefined)
  }
  // Without requests the entry cannot fail, so its text is made when the journal needs it (a journal kept in
  // this process reads it later). Only requests can fail to encode: the error is looked for there alone (an
  // `instanceof` of an error class on every entry cost a durable run a fifth of its overhead).
  let entry: JournalEntry
  if (requests === undefined) {
    // A journal kept in this process takes the completion's values as they are: no entry object.
    const completion = durable.completion
    if (completion !== undefined && state.resultsAdopted) {
      state.complete(task.id, index, iteration, attempts, requests)
      state.setWritten(task, index, encoded)
      completion(task, iteration, attempts, encoded)
      return Effect.void
    }
    entry = new CompletionEntry(task, iteration, attempts, encoded)
  } else {
    const text = entryText(task, { task: task.id, iteration, attempts, result: encoded, requests })
    if (text instanceof InvalidValueError) return Effect.fail(text)
    entry = text
  }
  state.complete(task.id, index, iteration, attempts, requests)
  state.setWritten(task, index, encoded)
  return durable.write(entry, task.resultKey, encoded)
}

/** A result as stored: encoded with the task's schema, or checked (and frozen) as JSON. */
export const encodeResult = (task: TaskImpl, value: unknown): Effect.Effect<Value, InvalidValueError> => {
  const codec = task.declarations.result
  if (codec !== undefined) return codec.encode(task.resultKey, value)
  const checked = checkResult(task, value)
  return checked instanceof InvalidValueError ? Effect.fail(checked) : Effect.succeed(checked)
}

/** Reads the result of task `id` for task `taskId`: `ResultNotAvailableError` when it has none. */
export const readResult = (
  state: RunState,
  taskId: string,
  id: string
): Effect.Effect<unknown, ResultNotAvailableError | ChannelDecodeError | ChannelError> => {
  const key = resultKey(id)
  const codec = state.codecOf(id)
  return Effect.flatMap(
    state.store.getOrElse(key, absent),
    (raw): Effect.Effect<unknown, ResultNotAvailableError | ChannelDecodeError> => {
      if (raw === absent) return Effect.fail(new ResultNotAvailableError({ taskId, id }))
      return codec === undefined ? Effect.succeed(raw) : codec.decode(key, raw)
    }
  )
}

/**
 * Stores a branch's choice (the index of its case) under `key`, journaled in a
 * durable run, and records it as a completed execution of the branch `id`
 * (checkpoints list it): a resumed or continued run takes the same case.
 */
export const storeDecision = (
  state: RunState,
  key: string,
  id: string,
  iteration: number,
  chosen: number
): Effect.Effect<void, ChannelError | CheckpointStoreError | RunLeaseLostError> => {
  state.complete(id, -1, iteration, 1, undefined)
  const durable = state.durable
  if (durable === undefined) return state.store.set(key, chosen, undefined)
  const journaled = durable.write(JSON.stringify({ task: id, iteration, attempts: 1, result: chosen }), key, chosen)
  // A channel that answers results from the run holds no branch choice there (it is no task's result): it is written.
  return state.resultsAdopted ? Effect.andThen(state.store.set(key, chosen, undefined), journaled) : journaled
}
