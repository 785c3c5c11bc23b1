/**
 * What a run records of its progress on a backend that keeps run events
 * (`ChannelBackend.runEvents`): each progress event as JSON in the run's
 * namespace — its kind, when, the task and attempt, the outcome, the error
 * in words — and the same read back, checked by a schema.
 *
 * @internal
 */
import { Cause, type Clock, Effect, Queue, Redacted, Result, Schema, type Scope, Stream } from "effect"
import type { ChannelBackend, RunEvents, WatchedEvent } from "../ChannelBackend.js"
import type { ChannelError } from "./channelError.js"
import type { Event, Handler } from "../Progress.js"
import type { Json } from "./json.js"
import { parseRunNamespace, runNamespace } from "./keys.js"

/** The longest error text recorded (a pretty Cause can be long: a stack per failure). */
const ERROR_TEXT = 4_000

const attemptOf = (event: Extract<Event, { readonly attempt: number }>): { [key: string]: Json } => ({
  taskId: event.taskId,
  attempt: event.attempt,
  iteration: event.iteration,
  ...(event.item === undefined ? {} : { item: event.item })
})

/** An event as recorded (`at`: ms since the epoch); `undefined` for none to record. */
export const recordOf = (event: Event, at: number, input?: Json): Json | undefined => {
  switch (event._tag) {
    case "RunStarted":
      return input === undefined ? { type: "RunStarted", at } : { type: "RunStarted", at, input }
    case "RunFinished":
      return { type: "RunFinished", at, status: event.status, durationMs: event.durationMs }
    case "TaskStarted":
      return { type: "TaskStarted", at, ...attemptOf(event) }
    case "TaskSucceeded":
      return { type: "TaskSucceeded", at, ...attemptOf(event), durationMs: event.durationMs }
    case "TaskFailed":
      return {
        type: "TaskFailed",
        at,
        ...attemptOf(event),
        durationMs: event.durationMs,
        willRetry: event.willRetry,
        error: Cause.pretty(event.cause).slice(0, ERROR_TEXT)
      }
    case "TaskSuspended":
      return { type: "TaskSuspended", at, ...attemptOf(event), durationMs: event.durationMs, request: event.request }
    case "TaskReplayed":
      return { type: "TaskReplayed", at, taskId: event.taskId, iteration: event.iteration }
  }
}

/** The values kept `Redacted` anywhere in a decoded value (in objects of any class, arrays, maps, sets, options). */
const secretsOf = (value: unknown, found: Set<string | number>, seen: Set<object>, inside: boolean): void => {
  if (typeof value === "string" || typeof value === "number") {
    if (inside) found.add(value)
    return
  }
  if (typeof value !== "object" || value === null || seen.has(value)) return
  seen.add(value)
  if (Redacted.isRedacted(value)) return secretsOf(Redacted.value(value), found, seen, true)
  if (value instanceof Map) {
    for (const [key, item] of value) {
      secretsOf(key, found, seen, inside)
      secretsOf(item, found, seen, inside)
    }
    return
  }
  if (value instanceof Set || Array.isArray(value)) {
    for (const item of value) secretsOf(item, found, seen, inside)
    return
  }
  for (const item of Object.values(value)) secretsOf(item, found, seen, inside)
}

/**
 * A run's input as a page may show it: its JSON form, with every string or
 * number that is (or holds, as a text) a value the decoded input keeps
 * `Redacted` replaced by `"<redacted>"` — found by what it is, not where, so
 * that a schema's renames, classes, options and transformations hide nothing
 * (a plain value that equals a secret is hidden too).
 */
export const inputView = (decoded: unknown, encoded: Json): Json => {
  const secrets = new Set<string | number>()
  secretsOf(decoded, secrets, new Set(), false)
  if (secrets.size === 0) return encoded
  const texts = Array.from(secrets, String).filter((text) => text.length >= 4)
  const scrub = (json: Json): Json => {
    if (typeof json === "number") return secrets.has(json) || texts.includes(String(json)) ? "<redacted>" : json
    if (typeof json === "string") return secrets.has(json) || texts.some((text) => json.includes(text)) ? "<redacted>" : json
    if (Array.isArray(json)) return json.map(scrub)
    if (typeof json === "object" && json !== null) {
      const out: { [key: string]: Json } = {}
      for (const [key, item] of Object.entries(json)) out[key] = scrub(item)
      return out
    }
    return json
  }
  return scrub(encoded)
}

/**
 * A run's progress handler that also records each event in the run's
 * namespace (after the given handler, if any); the run's start with its
 * input (as JSON), if it takes one. A recording that fails is logged, never
 * the run's failure.
 */
export const recording = (inner: Handler | undefined, events: RunEvents, clock: Clock.Clock, input: Json | undefined): Handler => ({
  onEvent: (event) => {
    const entry = recordOf(event, clock.currentTimeMillisUnsafe(), input)
    const write = entry === undefined ? Effect.void : Effect.catch(
      events.append(runNamespace(event.workflow, event.runId), entry),
      (error) => Effect.logWarning(`effect-graflow: an event of run ${event.runId} of ${event.workflow} was not recorded`, error)
    )
    return inner === undefined ? write : Effect.andThen(inner.onEvent(event), write)
  }
})

const Attempt = {
  at: Schema.Number,
  taskId: Schema.String,
  attempt: Schema.Number,
  iteration: Schema.Number,
  item: Schema.optionalKey(Schema.Number)
}

/** A recorded event, as read back. */
export const RecordedEvent = Schema.Union([
  Schema.Struct({ type: Schema.Literal("RunStarted"), at: Schema.Number, input: Schema.optionalKey(Schema.Json) }),
  Schema.Struct({
    type: Schema.Literal("RunFinished"),
    at: Schema.Number,
    status: Schema.Literals(["completed", "terminated", "suspended", "failed"]),
    durationMs: Schema.Number
  }),
  Schema.Struct({ type: Schema.Literal("TaskStarted"), ...Attempt }),
  Schema.Struct({ type: Schema.Literal("TaskSucceeded"), ...Attempt, durationMs: Schema.Number }),
  Schema.Struct({ type: Schema.Literal("TaskFailed"), ...Attempt, durationMs: Schema.Number, willRetry: Schema.Boolean, error: Schema.String }),
  Schema.Struct({ type: Schema.Literal("TaskSuspended"), ...Attempt, durationMs: Schema.Number, request: Schema.String }),
  Schema.Struct({ type: Schema.Literal("TaskReplayed"), at: Schema.Number, taskId: Schema.String, iteration: Schema.Number }),
  Schema.Struct({
    type: Schema.Literal("TaskAssigned"),
    at: Schema.Number,
    taskId: Schema.String,
    attempt: Schema.Number,
    iteration: Schema.Number,
    worker: Schema.String
  })
])

export type RecordedEvent = typeof RecordedEvent.Type

const decodeEvent = Schema.decodeUnknownOption(RecordedEvent)

/** The recorded events that decode (an entry another program wrote is left out). */
export const decodeEvents = (entries: ReadonlyArray<Json>): ReadonlyArray<RecordedEvent> => {
  const out: Array<RecordedEvent> = []
  for (const entry of entries) {
    const decoded = decodeEvent(entry)
    if (decoded._tag === "Some") out.push(decoded.value)
  }
  return out
}

/** How many watched events a watcher may leave untaken before the oldest are dropped (a live feed, not a log). */
export const WATCH_BUFFER = 4_096

/**
 * The watchers of a backend in this process (memory): `publish` hands an
 * event to each, `watch` subscribes one (see `RunEvents.watch`). Made with
 * the first subscription: a backend nobody watches (the fresh one of a run
 * without a channel) pays nothing.
 */
export class Watchers {
  private watchers: Set<Queue.Queue<WatchedEvent>> | undefined = undefined
  publish(namespace: string, event: Json): void {
    if (this.watchers === undefined || this.watchers.size === 0) return
    const seen: WatchedEvent = { namespace, event }
    for (const queue of this.watchers) Queue.offerUnsafe(queue, seen)
  }
  get watch(): Effect.Effect<Stream.Stream<WatchedEvent>, never, Scope.Scope> {
    const watchers = this.watchers ??= new Set()
    return Effect.map(
      Effect.acquireRelease(
        Effect.tap(Queue.sliding<WatchedEvent>(WATCH_BUFFER), (queue) => Effect.sync(() => watchers.add(queue))),
        (queue) => Effect.andThen(Effect.sync(() => watchers.delete(queue)), Queue.shutdown(queue))
      ),
      Stream.fromQueue
    )
  }
}

/** A watched event of a run, decoded: its workflow, its run and the event. */
export interface RunEventSeen {
  readonly workflow: string
  readonly runId: string
  readonly event: RecordedEvent
}

/**
 * Subscribes to the events a backend's runs record (of one workflow, or of
 * all), decoded; an event that does not decode, or whose namespace is no
 * run's, is left out. An empty stream on a backend that cannot be watched.
 */
export const watchRuns = (
  backend: ChannelBackend,
  workflow: string | undefined
): Effect.Effect<Stream.Stream<RunEventSeen>, ChannelError, Scope.Scope> => {
  const watch = backend.runEvents?.watch
  if (watch === undefined) return Effect.succeed(Stream.empty)
  return Effect.map(watch, (stream) =>
    Stream.filterMap(stream, (seen) => {
      const run = parseRunNamespace(seen.namespace)
      if (run === undefined || (workflow !== undefined && run.workflow !== workflow)) return Result.failVoid
      const event = decodeEvent(seen.event)
      return event._tag === "Some" ? Result.succeed({ workflow: run.workflow, runId: run.runId, event: event.value }) : Result.failVoid
    }))
}
