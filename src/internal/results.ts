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
import { absent, type RunState } from "./state.js"
import type { TaskImpl } from "./task.js"
import { ResultNotAvailableError } from "./workflowError.js"

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

/** Stores a task's result (`index`: its place in the plan, -1 for an added task). */
export const storeResult = (
  task: TaskImpl,
  index: number,
  state: RunState,
  value: unknown
): Effect.Effect<void, InvalidValueError | ChannelError> => {
  state.setResult(task, index, value)
  return Effect.flatMap(encodeResult(task, value), (encoded) => state.store.set(task.resultKey, encoded, undefined))
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
