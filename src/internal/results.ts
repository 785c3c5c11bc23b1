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
import { entryText } from "./journal.js"
import { absent, type Done, type Requests, type RunState } from "./state.js"
import type { TaskImpl } from "./task.js"
import { type CheckpointStoreError, ResultNotAvailableError } from "./workflowError.js"

/** The stored form of a result: encoded with the task's schema, or checked (and frozen) as JSON. */
export const encodeResult = (task: TaskImpl, value: unknown): Effect.Effect<Value, InvalidValueError> => {
  const key = task.resultKey
  const codec = task.declarations.result
  if (codec !== undefined) return codec.encode(key, value)
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
  return Effect.succeed(checked)
}

/**
 * Stores the result of a completed execution (`index`: the task's place in
 * the plan, -1 for an added task) and records the completion in the run's
 * journal; in a durable run, the journal entry is written with the result.
 */
export const storeResult = (
  task: TaskImpl,
  index: number,
  state: RunState,
  value: unknown,
  iteration: number,
  attempts: number,
  requests: Requests | undefined
): Effect.Effect<void, InvalidValueError | ChannelError | CheckpointStoreError> => {
  state.setResult(task, index, value)
  return Effect.flatMap(encodeResult(task, value), (encoded): Effect.Effect<void, InvalidValueError | ChannelError | CheckpointStoreError> => {
    const done: Done = { task: task.id, iteration, attempts, result: encoded, requests }
    const record = () => {
      state.completions.push(done)
    }
    const durable = state.durable
    if (durable === undefined) return Effect.map(state.store.set(task.resultKey, encoded, undefined), record)
    const entry = entryText(task, done)
    if (entry instanceof InvalidValueError) return Effect.fail(entry)
    return Effect.map(durable.write(entry, task.resultKey, encoded), record)
  })
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
