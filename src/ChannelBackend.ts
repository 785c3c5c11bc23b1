/**
 * The contract a channel backend implements. `MemoryChannel` and
 * `RedisChannel` are two implementations; the conformance suite in `test/`
 * checks that they behave the same. Users rarely touch this module: they get
 * channels from a task's context or from `Channel.open`.
 *
 * ## Semantics every backend implements
 *
 * - **Namespaces.** `open(namespace)` gives a store whose keys are invisible
 *   from every other namespace. A workflow run opens `"{workflow}/{runId}"`
 *   (each part with `%` and `/` percent-encoded). Keys and namespaces are any
 *   strings, lone surrogates included, and mean the same on every backend.
 * - **Values.** A store holds JSON values, or `undefined` as a whole value (an
 *   object property whose value is `undefined` is left out, as
 *   `JSON.stringify` does; `-0` is stored as `0`). The caller (the `Channel`
 *   views) has already checked and frozen the value, so a backend never
 *   stringifies anything on its own. What `get` returns is
 *   frozen, and never shares structure with what a later write changes.
 * - **Lists.** `append`/`prepend` create a list when the key is missing or
 *   expired, extend an array written by `set`, and fail with `WrongTypeError`
 *   on any other value. `get` of a list returns the array.
 * - **TTL** (milliseconds, a positive integer of at most
 *   `Number.MAX_SAFE_INTEGER`): a key set with a TTL of `t` at
 *   time `n` is absent, for every operation, from time `n + t` on. `set`
 *   without a TTL removes an old TTL; `append`/`prepend` with a TTL set or
 *   refresh the TTL of the whole list and keep it without one; `atomicAdd`
 *   keeps it. Time is read from Effect's `Clock` (the memory backend) or from
 *   the server (Redis).
 * - **Results.** Keys ending in {@link resultSuffix} hold task results. `keys`
 *   and `entries` leave them out and `clear` keeps them.
 * - **atomicAdd** treats a missing key as 0, keeps the TTL, returns the new
 *   number, and fails with `WrongTypeError` on a value that is not a number.
 * - **lock** gives mutual exclusion per key between every holder of the
 *   namespace. The lock is tried at least once, whatever the timeout (a
 *   timeout of 0 takes a free lock); waiting longer than the timeout for a
 *   held one fails with `LockTimeoutError`.
 * - **Retention.** When a run ends, its namespace gets a {@link Retention}:
 *   deleted, expiring after a while, or kept.
 * - **Dump and restore** (checkpoints): `dump` reads every live key of the
 *   namespace, results included, with its remaining TTL, in one atomic step;
 *   `restore` replaces the namespace's keys with such a dump in one step (a
 *   TTL counts on from the restore).
 * - **Journal** (durable runs): a backend whose data outlives the process
 *   (Redis) keeps a run's journal with its namespace and writes a result and
 *   its journal entry in one step; one that does not (memory) has none, and
 *   durable runs journal to the `CheckpointStore` instead.
 * - **Responses** (human in the loop): `respond` queues a response under a
 *   name of a namespace, from any process that reaches the backend;
 *   `awaitResponse` takes the oldest one, waiting for one without polling.
 *   Responses survive `restore` (they arrive while a run is suspended) and go
 *   with the namespace's retention.
 *
 * @since 0.1.0
 */
import type { Effect, Scope, Stream } from "effect"
import type {
  ChannelError,
  InvalidValueError,
  Issue,
  KeyNotFoundError,
  LockTimeoutError,
  WrongTypeError
} from "./ChannelError.js"
import type { Json, Value } from "./internal/json.js"
import * as keys from "./internal/keys.js"

export type {
  /**
   * A JSON value: `null`, a boolean, a finite number, a string, an array or a
   * plain object of JSON values.
   *
   * @category models
   * @since 0.1.0
   */
  Json,
  /**
   * What a key holds: a JSON value, or `undefined` as a whole value.
   *
   * @category models
   * @since 0.1.0
   */
  Value
}

/**
 * The suffix of the keys that hold task results: `fetch.__result__`.
 *
 * **Example**
 *
 * ```ts
 * import { ChannelBackend } from "effect-graflow"
 *
 * ChannelBackend.resultKey("fetch") === `fetch${ChannelBackend.resultSuffix}` // true
 * ```
 *
 * @category constants
 * @since 0.1.0
 */
export const resultSuffix: typeof keys.resultSuffix = keys.resultSuffix

/**
 * The key that holds the result of a task: `{taskId}.__result__`.
 *
 * **Example**
 *
 * ```ts
 * import { ChannelBackend } from "effect-graflow"
 *
 * ChannelBackend.resultKey("fetch") // "fetch.__result__"
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const resultKey: (taskId: string) => string = keys.resultKey

/**
 * Whether a key holds a task result.
 *
 * **Example**
 *
 * ```ts
 * import { ChannelBackend } from "effect-graflow"
 *
 * ChannelBackend.isResultKey("fetch.__result__") // true
 * ChannelBackend.isResultKey("config")           // false
 * ```
 *
 * @category guards
 * @since 0.1.0
 */
export const isResultKey: (key: string) => boolean = keys.isResultKey

/**
 * How long {@link ChannelStore.lock} waits for a held lock, in milliseconds
 * (what `Channel.LockOptions` becomes once its duration is checked; called
 * `LockOptions` before 0.3.0).
 *
 * **Example**
 *
 * ```ts
 * import type { ChannelBackend } from "effect-graflow"
 *
 * const wait: ChannelBackend.LockWait = { timeout: 10_000 }
 * ```
 *
 * @category models
 * @since 0.3.0
 */
export interface LockWait {
  /** How long to wait for the lock, in milliseconds. */
  readonly timeout: number
}

/**
 * The operations on one namespace, on checked values. Every operation is an
 * Effect; none of them changes anything when it fails.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Channel } from "effect-graflow"
 *
 * const program = Effect.gen(function*() {
 *   const backend = yield* Channel.Channel
 *   const store = yield* backend.open("demo")
 *   yield* store.set("k", 1, undefined)
 *   return yield* store.get("k")
 * })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface ChannelStore {
  /** The namespace this store was opened on. */
  readonly namespace: string
  /** The live value, or `KeyNotFoundError`. */
  readonly get: (key: string) => Effect.Effect<Value, KeyNotFoundError | ChannelError>
  /** The live value, or `fallback` returned untouched. */
  readonly getOrElse: <D>(key: string, fallback: D) => Effect.Effect<Value | D, ChannelError>
  /** Writes a value; a `ttl` (ms) makes it expire, none removes an old TTL. */
  readonly set: (key: string, value: Value, ttl: number | undefined) => Effect.Effect<void, ChannelError>
  /** Whether the key has a live value. */
  readonly exists: (key: string) => Effect.Effect<boolean, ChannelError>
  /** Removes the key; `true` if it had a live value. */
  readonly delete: (key: string) => Effect.Effect<boolean, ChannelError>
  /** The live keys, result keys left out, in no particular order. */
  readonly keys: Effect.Effect<ReadonlyArray<string>, ChannelError>
  /** The live keys and their values, result keys left out, in no particular order. */
  readonly entries: Effect.Effect<ReadonlyArray<readonly [string, Value]>, ChannelError>
  /** Removes every key but the result keys. */
  readonly clear: Effect.Effect<void, ChannelError>
  /** Adds at the tail, creating the list; returns the new length. */
  readonly append: (key: string, value: Json, ttl: number | undefined) => Effect.Effect<number, WrongTypeError | ChannelError>
  /** Adds at the head, creating the list; returns the new length. */
  readonly prepend: (key: string, value: Json, ttl: number | undefined) => Effect.Effect<number, WrongTypeError | ChannelError>
  /**
   * Adds `delta` atomically (a missing key counts as 0); returns the new
   * number. With `checkSum`, a sum it finds issues with is not written: the
   * add fails with `InvalidValueError` carrying them, and changes nothing.
   */
  readonly atomicAdd: (
    key: string,
    delta: number,
    checkSum?: ((next: number) => ReadonlyArray<Issue> | undefined) | undefined
  ) => Effect.Effect<number, WrongTypeError | InvalidValueError | ChannelError>
  /** Runs `self` while holding the key's lock. */
  readonly lock: <A, E, R>(
    key: string,
    self: Effect.Effect<A, E, R>,
    options: LockWait
  ) => Effect.Effect<A, E | LockTimeoutError | ChannelError, R>
  /**
   * Applies a retention to the namespace now (a run does this when it ends):
   * `Delete` removes every key, results included; `Expire` makes every key
   * expire after `millis` at the latest (a key with a shorter TTL keeps it);
   * `Keep` leaves the keys as they are.
   */
  readonly retain: (retention: Retention) => Effect.Effect<void, ChannelError>
  /** Every live key, results included, with its remaining TTL, read in one atomic step (for checkpoints). */
  readonly dump: Effect.Effect<ReadonlyArray<DumpEntry>, ChannelError>
  /**
   * Replaces every key of the namespace, results included, with `entries`, in
   * one step; with `journal`, a backend that keeps journals replaces the
   * namespace's journal with it in the same step. Responses are kept.
   */
  readonly restore: (
    entries: ReadonlyArray<DumpEntry>,
    journal: ReadonlyArray<string> | undefined
  ) => Effect.Effect<void, ChannelError>
  /** The namespace's durable journal, on a backend whose data outlives the process; `undefined` on one whose does not. */
  readonly journal: Journal | undefined
  /**
   * Takes the oldest response queued under `name`, waiting up to `timeout`
   * milliseconds (`undefined`: as long as it takes) for one to arrive;
   * `undefined` when none came in time. Waiting does not poll.
   */
  readonly awaitResponse: (name: string, timeout: number | undefined) => Effect.Effect<Json | undefined, ChannelError>
  /** The lease and record of the namespace's run. */
  readonly run: RunLease
}

/**
 * A key as {@link ChannelStore.dump} reads it and {@link ChannelStore.restore}
 * writes it: its value and its remaining TTL in milliseconds (`undefined`:
 * none).
 *
 * **Example**
 *
 * ```ts
 * import type { ChannelBackend } from "effect-graflow"
 *
 * const entry: ChannelBackend.DumpEntry = { key: "token", value: "abc", ttl: 60_000 }
 * ```
 *
 * @category models
 * @since 0.2.0
 */
export interface DumpEntry {
  readonly key: string
  readonly value: Value
  readonly ttl: number | undefined
}

/**
 * The journal of a durable run, kept by a backend whose data outlives the
 * process, with the run's namespace (and its retention).
 *
 * **Example**
 *
 * ```ts
 * import type { ChannelBackend } from "effect-graflow"
 *
 * const length = (journal: ChannelBackend.Journal) => journal.open("header") // the entries, header first
 * ```
 *
 * @category models
 * @since 0.2.0
 */
export interface Journal {
  /** The journal's entries, its header first; an empty journal gets `header` as its first entry. */
  readonly open: (header: string) => Effect.Effect<ReadonlyArray<string>, ChannelError>
  /**
   * Writes a task's result and appends its journal entry, in one step, if
   * `owner` still drives the run (it holds, or last held, the run's lease);
   * `false`, writing nothing, when another driver has taken the run over.
   */
  readonly append: (entry: string, resultKey: string, result: Value, owner: string) => Effect.Effect<boolean, ChannelError>
  /** Appends a journal entry alone (an item of a map: its result is in the entry), on the same terms as `append`. */
  readonly record: (entry: string, owner: string) => Effect.Effect<boolean, ChannelError>
}

/**
 * What happens to a namespace when the run that used it ends, in the form
 * backends take (see `Channel.Retention` for the option users write).
 *
 * **Example**
 *
 * ```ts
 * import type { ChannelBackend } from "effect-graflow"
 *
 * const aDay: ChannelBackend.Retention = { _tag: "Expire", millis: 86_400_000 }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type Retention =
  | { readonly _tag: "Delete" }
  | { readonly _tag: "Keep" }
  | { readonly _tag: "Expire"; readonly millis: number }

/**
 * A channel backend: opens namespaces. The namespace stays usable until the
 * scope it was opened in closes.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Channel, MemoryChannel } from "effect-graflow"
 *
 * const program = Effect.gen(function*() {
 *   const backend = yield* Channel.Channel
 *   const store = yield* backend.open("demo")
 *   return store.namespace
 * }).pipe(Effect.scoped, Effect.provide(MemoryChannel.layer))
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface ChannelBackend {
  /** The backend's name, for messages: `"memory"`, `"redis"`. */
  readonly name: string
  /** Opens a namespace for as long as the current scope is open. */
  readonly open: (namespace: string) => Effect.Effect<ChannelStore, ChannelError, Scope.Scope>
  /** Removes every key of a namespace, results included (whether or not it is open). */
  readonly drop: (namespace: string) => Effect.Effect<void, ChannelError>
  /** What a run's namespace gets when the run ends and the run does not say (`Workflow.run`'s `retention`). */
  readonly defaultRetention: Retention
  /**
   * Queues a response under `name` in a namespace, for
   * `ChannelStore.awaitResponse`, if the namespace's run can still take one
   * (its record says running or suspended, or failed or interrupted and
   * durable: it can be continued), checking and queuing in one step.
   * Otherwise nothing is written and the record (`undefined`: there is none) is
   * the answer.
   */
  readonly respond: (namespace: string, name: string, value: Json) => Effect.Effect<RespondOutcome, ChannelError>
  /** The record of the run of a namespace, `undefined` when there is none (it never started, or its namespace is gone). */
  readonly runRecord: (namespace: string) => Effect.Effect<RunRecord | undefined, ChannelError>
  /**
   * The runs of a workflow that have a record (claimed with `run`: see
   * {@link RunLease}), newest first start first, from the backend's index of the
   * workflow's runs — never a walk of every namespace. A run whose namespace
   * is gone (its retention passed) is left out, and out of the index.
   */
  readonly listRuns: (workflow: string, options: ListRunsOptions) => Effect.Effect<RunPage, ChannelError>
  /**
   * Where the backend keeps the events of runs (`undefined`: it keeps none).
   * Made with `runEvents: true` (`RedisChannel.layer`, `MemoryChannel.layerWith`),
   * it is `recording`: a run with a record records its progress events —
   * attempts, their outcomes and errors — in its namespace. Any of ours reads
   * what was recorded (by this process or another), for `Workflow.runEvents`.
   */
  readonly runEvents?: RunEvents | undefined
}

/**
 * The events of runs a backend records, each run's in its namespace (gone
 * with it): appended one at a time, read oldest first.
 *
 * **Example**
 *
 * ```ts
 * import type { ChannelBackend } from "effect-graflow"
 *
 * const count = (events: ChannelBackend.RunEvents, namespace: string) => events.read(namespace)
 * ```
 *
 * @category models
 * @since 0.5.0
 */
export interface RunEvents {
  /** Whether runs on this backend record their events (the backend was made with `runEvents: true`). */
  readonly recording: boolean
  /**
   * Records an event of the namespace's run — if the run has a record (a
   * deleted run, or one without a record, gets none). It may be sent without
   * waiting for the backend (in order), a failed write logged.
   */
  readonly append: (namespace: string, event: Json) => Effect.Effect<void, ChannelError>
  readonly read: (namespace: string) => Effect.Effect<ReadonlyArray<Json>, ChannelError>
  /**
   * Subscribes to the events of every run on the backend (on Redis: recorded
   * by any process sharing its prefix), each with its run's namespace: the
   * stream has those recorded after the subscription is made, as they are
   * recorded, until the scope closes. A live feed, not a log: a watcher too
   * slow to keep up loses the oldest it has not taken, and an event recorded
   * while a Redis connection is re-established is not seen — `read` has them
   * all.
   */
  readonly watch?: Effect.Effect<Stream.Stream<WatchedEvent>, ChannelError, Scope.Scope> | undefined
}

/**
 * An event {@link RunEvents.watch} saw: the namespace of its run and the event as recorded.
 *
 * **Example**
 *
 * ```ts
 * import type { ChannelBackend } from "effect-graflow"
 *
 * const where = (seen: ChannelBackend.WatchedEvent) => seen.namespace
 * ```
 *
 * @category models
 * @since 0.5.0
 */
export interface WatchedEvent {
  readonly namespace: string
  readonly event: Json
}

/**
 * What {@link ChannelBackend.listRuns} is asked: the statuses to keep
 * (`undefined`: all), at most how many runs, and where the previous page
 * ended (the position of its last run).
 *
 * **Example**
 *
 * ```ts
 * import type { ChannelBackend } from "effect-graflow"
 *
 * const firstPage: ChannelBackend.ListRunsOptions = { statuses: ["failed"], limit: 50, after: undefined }
 * ```
 *
 * @category models
 * @since 0.5.0
 */
export interface ListRunsOptions {
  readonly statuses: ReadonlyArray<RunStatus> | undefined
  readonly limit: number
  readonly after: RunPosition | undefined
}

/**
 * Where a run is in its workflow's listing: by its first start, newest first, then run ids
 * in descending order of their UTF-8 bytes (as Redis orders equal scores).
 *
 * **Example**
 *
 * ```ts
 * import type { ChannelBackend } from "effect-graflow"
 *
 * const at: ChannelBackend.RunPosition = { startedAt: 1_765_000_000_000, runId: "nightly-42" }
 * ```
 *
 * @category models
 * @since 0.5.0
 */
export interface RunPosition {
  readonly startedAt: number
  readonly runId: string
}

/**
 * A run as a listing shows it: its id and its record.
 *
 * **Example**
 *
 * ```ts
 * import type { ChannelBackend } from "effect-graflow"
 *
 * const line = (run: ChannelBackend.RunSummary) => `${run.runId}: ${run.status}`
 * ```
 *
 * @category models
 * @since 0.5.0
 */
export interface RunSummary extends RunRecord {
  readonly runId: string
}

/**
 * A page of runs, and where the next one starts (`undefined`: this is the last).
 *
 * **Example**
 *
 * ```ts
 * import type { ChannelBackend } from "effect-graflow"
 *
 * const more = (page: ChannelBackend.RunPage) => page.next !== undefined
 * ```
 *
 * @category models
 * @since 0.5.0
 */
export interface RunPage {
  readonly runs: ReadonlyArray<RunSummary>
  readonly next: RunPosition | undefined
}

/**
 * What {@link ChannelBackend.respond} did: queued the response, or refused it
 * because the namespace's run takes none (its record, or `undefined` for none).
 *
 * **Example**
 *
 * ```ts
 * import type { ChannelBackend } from "effect-graflow"
 *
 * const said = (outcome: ChannelBackend.RespondOutcome) => outcome._tag === "Queued" ? "queued" : outcome.record?.status ?? "no such run"
 * ```
 *
 * @category models
 * @since 0.3.0
 */
export type RespondOutcome =
  | { readonly _tag: "Queued" }
  | { readonly _tag: "Refused"; readonly record: RunRecord | undefined }

/**
 * How a run stands: what the backend records of the run of a namespace when
 * it starts and when it ends (a run started with a `runId`). `Workflow.respond`
 * reads it to refuse an answer for a run that does not exist or has ended.
 *
 * **Example**
 *
 * ```ts
 * import type { ChannelBackend } from "effect-graflow"
 *
 * const live = (record: ChannelBackend.RunRecord) => record.status === "running" || record.status === "suspended"
 * ```
 *
 * @category models
 * @since 0.3.0
 */
export interface RunRecord {
  readonly status: RunStatus
  /** Whether the run is durable: a durable run that failed, or was interrupted, can be continued. */
  readonly durable: boolean
  /** When the run (its latest driver) started, in ms since the epoch. */
  readonly startedAt: number
  /** When it ended, in ms since the epoch; `undefined` while it runs. */
  readonly endedAt: number | undefined
  /** The names of the requests a suspended run waits for. */
  readonly waitingFor: ReadonlyArray<string>
}

/**
 * Where a run stands: `"running"` (a driver holds its lease), or how it ended.
 *
 * @category models
 * @since 0.3.0
 */
export type RunStatus = "running" | "suspended" | "completed" | "terminated" | "failed" | "interrupted"

/**
 * The lease of a run on its namespace: one driver at a time. `claim` waits
 * while another driver holds the lease (a live one renews it; a dead one's
 * lapses `ttl` ms after its last renewal), then takes it for `owner` (a token
 * unique to that driver) and records the run as running. `renew` keeps it
 * (`false`: it is lost — another driver took the run over after it lapsed);
 * `end` records how the run ended and gives the lease up. Only the latest
 * owner's `end` (and its journal appends) count: a driver that lost the lease
 * changes nothing. A backend whose data dies with the process (memory) needs
 * no lapse: a waiting driver waits for `end`.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import type { ChannelBackend } from "effect-graflow"
 *
 * const drive = (lease: ChannelBackend.RunLease) =>
 *   Effect.gen(function*() {
 *     yield* lease.claim("driver-1", { durable: false })
 *     yield* lease.end("driver-1", { status: "completed", waitingFor: [] })
 *   })
 * ```
 *
 * @category models
 * @since 0.3.0
 */
export interface RunLease {
  /**
   * Takes the lease (waiting while another driver holds it) and records the
   * run as running; with `run`, the run is added to its workflow's index
   * ({@link ChannelBackend.listRuns}).
   */
  readonly claim: (
    owner: string,
    options: { readonly durable: boolean; readonly run?: { readonly workflow: string; readonly runId: string } | undefined }
  ) => Effect.Effect<void, ChannelError>
  readonly renew: (owner: string) => Effect.Effect<boolean, ChannelError>
  readonly end: (
    owner: string,
    outcome: { readonly status: Exclude<RunStatus, "running">; readonly waitingFor: ReadonlyArray<string> }
  ) => Effect.Effect<void, ChannelError>
  /** How long a lease lasts without a renewal, in ms (`Infinity`: it never lapses). */
  readonly ttl: number
}
