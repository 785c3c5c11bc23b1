/**
 * Progress events of workflow runs, and a console logger for them. The engine
 * reports to the `Progress` service when one is provided (`Progress.logger`, or
 * your own `Progress.layer(handler)`); with none it reports nothing and costs
 * nothing.
 *
 * @since 0.1.0
 */
import { Cause, type Context, Effect, Layer } from "effect"
import * as internal from "./internal/progress.js"

/**
 * What happened in a run.
 *
 * - `RunStarted` / `RunFinished`: a run begins, ends (with its status).
 * - `TaskStarted`: an attempt of a task starts (`attempt` and `iteration` count from 1).
 * - `TaskSucceeded` / `TaskFailed`: an attempt ends, with its duration in ms;
 *   `willRetry` says whether another attempt follows a failure.
 * - `TaskSuspended`: an attempt ends because the run suspends (it waited for
 *   `request` in vain); it runs again when the run is resumed.
 * - `TaskReplayed`: a resumed or continued run took an execution that had
 *   completed before from its checkpoint or journal, without running it.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Progress } from "effect-graflow"
 *
 * const describe = (event: Progress.Event): string =>
 *   event._tag === "TaskSucceeded" ? `${event.taskId} took ${event.durationMs}ms` : event._tag
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type Event =
  | { readonly _tag: "RunStarted"; readonly workflow: string; readonly runId: string }
  | {
    readonly _tag: "RunFinished"
    readonly workflow: string
    readonly runId: string
    readonly status: "completed" | "terminated" | "suspended" | "failed"
    readonly durationMs: number
  }
  | ({ readonly _tag: "TaskStarted" } & Attempt)
  | ({ readonly _tag: "TaskSucceeded"; readonly durationMs: number } & Attempt)
  | (
    & {
      readonly _tag: "TaskFailed"
      readonly durationMs: number
      readonly cause: Cause.Cause<unknown>
      readonly willRetry: boolean
    }
    & Attempt
  )
  | ({ readonly _tag: "TaskSuspended"; readonly durationMs: number; readonly request: string } & Attempt)
  | {
    readonly _tag: "TaskReplayed"
    readonly workflow: string
    readonly runId: string
    readonly taskId: string
    readonly iteration: number
  }

/**
 * Which attempt of which task an event is about.
 *
 * **Example**
 *
 * ```ts
 * import type { Progress } from "effect-graflow"
 *
 * const label = (attempt: Progress.Attempt) => `${attempt.workflow}/${attempt.taskId}#${attempt.attempt}`
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Attempt {
  readonly workflow: string
  readonly runId: string
  readonly taskId: string
  readonly attempt: number
  readonly iteration: number
}

/**
 * Receives the progress events of runs.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Progress } from "effect-graflow"
 *
 * const slowTasks: Progress.Handler = {
 *   onEvent: (event) =>
 *     event._tag === "TaskSucceeded" && event.durationMs > 1000
 *       ? Effect.logWarning(`slow task ${event.taskId}`)
 *       : Effect.void
 * }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Handler {
  readonly onEvent: (event: Event) => Effect.Effect<void>
}

/**
 * The progress service. Not provided by default: runs report nothing.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Progress, Task, Workflow } from "effect-graflow"
 *
 * const hello = Task.make("hello", () => "world")
 * const program = Workflow.run(Workflow.make("hello", hello)).pipe(Effect.provide(Progress.logger))
 * ```
 *
 * @category services
 * @since 0.1.0
 */
export const Progress: Context.Reference<Handler | undefined> = internal.Progress

/**
 * Provides a progress handler.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Progress } from "effect-graflow"
 *
 * const events: Array<Progress.Event> = []
 * const recording = Progress.layer({ onEvent: (event) => Effect.sync(() => events.push(event)) })
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (handler: Handler): Layer.Layer<never> => Layer.succeed(Progress, handler)

const describe = (event: Event): string => {
  switch (event._tag) {
    case "RunStarted":
      return `workflow ${event.workflow} run ${event.runId} started`
    case "RunFinished":
      return `workflow ${event.workflow} run ${event.runId} ${event.status} in ${event.durationMs}ms`
    case "TaskStarted":
      return `task ${event.taskId} started${retryNote(event.attempt, event.iteration)}`
    case "TaskSucceeded":
      return `task ${event.taskId} finished in ${event.durationMs}ms${retryNote(event.attempt, event.iteration)}`
    case "TaskFailed":
      return `task ${event.taskId} failed after ${event.durationMs}ms${retryNote(event.attempt, event.iteration)}${
        event.willRetry ? ", retrying" : ""
      }: ${Cause.pretty(event.cause).split("\n")[0]}`
    case "TaskSuspended":
      return `task ${event.taskId} suspended the run after ${event.durationMs}ms: no response to "${event.request}" yet`
    case "TaskReplayed":
      return `task ${event.taskId} replayed${retryNote(1, event.iteration)} (it completed before)`
  }
}

const retryNote = (attempt: number, iteration: number): string => {
  const notes = [attempt > 1 ? `attempt ${attempt}` : "", iteration > 1 ? `iteration ${iteration}` : ""].filter((n) =>
    n !== ""
  )
  return notes.length === 0 ? "" : ` (${notes.join(", ")})`
}

/**
 * A progress handler that logs every event with Effect's logger (so it goes
 * wherever your logger goes): starts and successes as info, a failure that
 * will be retried as a warning, a final failure as an error.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Progress, Task, Workflow } from "effect-graflow"
 *
 * const hello = Task.make("hello", () => "world")
 * Effect.runPromise(Workflow.run(Workflow.make("hello", hello)).pipe(Effect.provide(Progress.logger)))
 * // timestamp=… level=INFO message="task hello started" …
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const logger: Layer.Layer<never> = layer({
  onEvent: (event) => {
    const message = describe(event)
    if (event._tag === "TaskFailed") return event.willRetry ? Effect.logWarning(message) : Effect.logError(message)
    if (event._tag === "RunFinished" && event.status === "failed") return Effect.logError(message)
    return Effect.logInfo(message)
  }
})
