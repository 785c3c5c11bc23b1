/**
 * Progress events of workflow runs, and a console logger for them. The engine
 * reports to the `Progress` service when one is provided (`Progress.logger`, or
 * your own `Progress.layer(handler)`); with none it reports nothing and costs
 * nothing.
 *
 * @since 0.1.0
 */
import { Cause, Context, Effect, Layer, PubSub, type Scope, Stream } from "effect"
import * as internal from "./internal/progress.js"

/**
 * What happened in a run.
 *
 * - `RunStarted` / `RunFinished`: a run begins, ends (with its status).
 * - `TaskStarted`: an attempt of a task starts (`attempt` and `iteration` count from 1).
 * - `TaskSucceeded` / `TaskFailed`: an attempt ends, with its duration in ms
 *   (and the task's result when it succeeded); `willRetry` says whether
 *   another attempt follows a failure. {@link EventOf} types them by task id.
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
  | ({ readonly _tag: "TaskSucceeded"; readonly durationMs: number; readonly result: unknown } & Attempt)
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
 * The events of the runs of workflow `W`, typed: `taskId` is one of its task
 * ids — or, for the tasks of its sub-workflows and the items of its maps, a
 * path (`step/task`, `map[3]`) — and a `TaskSucceeded` of a task carries that
 * task's result, typed by its id: narrow on `taskId` to read it.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Progress, Task, Workflow } from "effect-graflow"
 *
 * const fetch = Task.make("fetch", () => ({ rows: 3 }))
 * const etl = Workflow.make("etl", fetch)
 * const onEvent = (event: Progress.EventOf<typeof etl>) =>
 *   event._tag === "TaskSucceeded" && event.taskId === "fetch" ? Effect.log(`${event.result.rows} rows`) : Effect.void
 * // plugged in with the guard: Progress.layer({ onEvent: (e) => Progress.isEventOf(etl)(e) ? onEvent(e) : Effect.void })
 * ```
 *
 * @category models
 * @since 0.3.0
 */
export type EventOf<W> = W extends {
  readonly name: infer Name extends string
  readonly "~effect-graflow/Workflow": { readonly results: (_: never) => infer Results }
} ? EventsOf<Name, Results, keyof Results & string>
  : Event

/**
 * Whether an event is one of `workflow`'s runs' (its `workflow` is the
 * workflow's name): a guard that narrows it to {@link EventOf}, so a handler
 * reads each task's result with its type.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Progress, Task, Workflow } from "effect-graflow"
 *
 * const fetch = Task.make("fetch", () => ({ rows: 3 }))
 * const etl = Workflow.make("etl", fetch)
 * const isEtl = Progress.isEventOf(etl)
 * const rows = Progress.layer({
 *   onEvent: (event) =>
 *     isEtl(event) && event._tag === "TaskSucceeded" && event.taskId === "fetch" ? Effect.log(`${event.result.rows} rows`) : Effect.void
 * })
 * ```
 *
 * @category guards
 * @since 0.3.0
 */
export const isEventOf = <const W extends { readonly name: string }>(workflow: W) => (event: Event): event is EventOf<W> =>
  event.workflow === workflow.name

/** A path inside a task of the workflow: a sub-workflow's task, a map's item. */
type Path<Id extends string> = `${Id}/${string}` | `${Id}[${number}]`

type EventsOf<Name extends string, Results, Id extends string> =
  | { readonly _tag: "RunStarted"; readonly workflow: Name; readonly runId: string }
  | (Extract<Event, { readonly _tag: "RunFinished" }> & { readonly workflow: Name })
  | (Id extends unknown ? { readonly _tag: "TaskSucceeded"; readonly taskId: Id; readonly result: Results[Id & keyof Results] } & Omit<Extract<Event, { readonly _tag: "TaskSucceeded" }>, "taskId" | "result" | "workflow"> & { readonly workflow: Name } : never)
  | ({ readonly _tag: "TaskSucceeded"; readonly taskId: Path<Id>; readonly result: unknown } & Omit<Extract<Event, { readonly _tag: "TaskSucceeded" }>, "taskId" | "result" | "workflow"> & { readonly workflow: Name })
  | (Exclude<Event, { readonly _tag: "RunStarted" | "RunFinished" | "TaskSucceeded" }> extends infer Other
    ? Other extends { readonly taskId: string } ? Omit<Other, "taskId" | "workflow"> & { readonly taskId: Id | Path<Id>; readonly workflow: Name } : never
    : never)

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
  /** The task's id; a sub-workflow's task by its path (`step/task`), a map's item by its index (`map[3]`). */
  readonly taskId: string
  readonly attempt: number
  readonly iteration: number
  /** For an item of a map: the index of its element in the list. */
  readonly item?: number
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
 * will be retried as a warning, a final failure as an error; each line is
 * annotated with the workflow, run id, task id and attempt.
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
    const log = event._tag === "TaskFailed"
      ? event.willRetry ? Effect.logWarning(message) : Effect.logError(message)
      : event._tag === "RunFinished" && event.status === "failed"
      ? Effect.logError(message)
      : Effect.logInfo(message)
    return Effect.annotateLogs(log, annotationsOf(event))
  }
})

/** What a log line of an event is annotated with: the workflow, run id, and the task id and attempt of a task's event. */
const annotationsOf = (event: Event): Record<string, unknown> =>
  "attempt" in event
    ? { workflow: event.workflow, runId: event.runId, taskId: event.taskId, attempt: event.attempt }
    : "taskId" in event
    ? { workflow: event.workflow, runId: event.runId, taskId: event.taskId }
    : { workflow: event.workflow, runId: event.runId }

/**
 * The service behind {@link events}: progress events published to every
 * subscriber. Provided by {@link layerStream}.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Progress } from "effect-graflow"
 *
 * const hub = Effect.service(Progress.Events)
 * ```
 *
 * @category services
 * @since 0.2.0
 */
export class Events extends Context.Service<Events, { readonly pubsub: PubSub.PubSub<Event> }>()(
  "effect-graflow/ProgressEvents"
) {}

/**
 * Reports progress to a stream with any number of subscribers (and provides
 * {@link Events}): each subscriber gets every event published after it
 * subscribed, whatever the others do (an unbounded hub: a slow subscriber
 * buffers, it does not slow the runs).
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Progress, Task, Workflow } from "effect-graflow"
 *
 * const hello = Workflow.make("hello", Task.make("hello", () => "world"))
 * const program = Effect.scoped(Effect.gen(function*() {
 *   const events = yield* Progress.subscribe // subscribed now: it sees the whole run
 *   yield* Workflow.run(hello)
 *   return yield* Stream.runCollect(Stream.take(events, 4)) // RunStarted, TaskStarted, TaskSucceeded, RunFinished
 * })).pipe(Effect.provide(Progress.layerStream))
 * ```
 *
 * @category layers
 * @since 0.2.0
 */
export const layerStream: Layer.Layer<Events> = Layer.effectContext(
  Effect.map(PubSub.unbounded<Event>(), (pubsub) =>
    Context.make(Events, { pubsub }).pipe(
      Context.add(internal.Progress, { onEvent: (event) => Effect.asVoid(PubSub.publish(pubsub, event)) })
    ))
)

/**
 * The progress events from now on, as a Stream, subscribed when this Effect
 * runs (so that nothing published after it is missed), for as long as the
 * scope is open.
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Progress } from "effect-graflow"
 *
 * const failures = Effect.map(Progress.subscribe, (events) => Stream.filter(events, (e) => e._tag === "TaskFailed"))
 * ```
 *
 * @category streams
 * @since 0.2.0
 */
export const subscribe: Effect.Effect<Stream.Stream<Event>, never, Events | Scope.Scope> = Effect.flatMap(
  Effect.service(Events),
  ({ pubsub }) => Effect.map(PubSub.subscribe(pubsub), Stream.fromSubscription)
)

/**
 * The progress events as a Stream that subscribes when it starts running (use
 * {@link subscribe} to be sure to see a run that starts right after).
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Progress } from "effect-graflow"
 *
 * const logAll = Stream.runForEach(Progress.events, (event) => Effect.log(event._tag))
 * ```
 *
 * @category streams
 * @since 0.2.0
 */
export const events: Stream.Stream<Event, never, Events> = Stream.unwrap(
  Effect.map(Effect.service(Events), ({ pubsub }) => Stream.fromPubSub(pubsub))
)
