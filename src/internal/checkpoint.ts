/**
 * Where a run's state is saved: the data of a checkpoint (a Schema, versioned),
 * the journal entries of durable runs, and the checkpoint store built on
 * `effect/persistence`'s KeyValueStore (memory, file system, Redis…).
 *
 * Layout of a store, in its KeyValueStore:
 * - `checkpoint/{id}`: one checkpoint, as JSON text;
 * - `run/{namespace}`: the ids of a run's checkpoints, oldest first (JSON);
 * - `journal/{namespace}/{n}`: entry `n` of a durable run's journal (0 is its
 *   header), for channels that keep no journal of their own (memory).
 *
 * @internal
 */
import { Context, Effect, Result, Schema, Semaphore } from "effect"
import * as KeyValueStore from "effect/persistence/KeyValueStore"
import { issuesOf } from "./channel.js"
import type { Issue } from "./channelError.js"
import type { Value } from "./json.js"
import { CheckpointDecodeError, CheckpointNotFoundError, CheckpointStoreError } from "./workflowError.js"

// ---------------------------------------------------------------------------
// the data
// ---------------------------------------------------------------------------

export const FORMAT = "effect-graflow/checkpoint"
export const VERSION = 1

/** One completed execution of a task: its result, and the control flow it asked for. */
export const Completion = Schema.Struct({
  task: Schema.String,
  iteration: Schema.Int,
  attempts: Schema.Int,
  /** The stored (encoded) result; absent for `undefined`. */
  result: Schema.optionalKey(Schema.Json),
  /** It asked for another iteration, with this input (absent: `undefined`). */
  iterate: Schema.optionalKey(Schema.Struct({ input: Schema.optionalKey(Schema.Json) })),
  adds: Schema.optionalKey(Schema.Array(Schema.Struct({
    id: Schema.String,
    goto: Schema.Boolean,
    /** A tool called (`ctx.call`): the template's index in `adds`, and the call's input. */
    tool: Schema.optionalKey(Schema.Int),
    input: Schema.optionalKey(Schema.Json)
  }))),
  goto: Schema.optionalKey(Schema.String),
  terminate: Schema.optionalKey(Schema.Boolean)
})
export type Completion = typeof Completion.Type

/** A channel key as the checkpoint holds it: its value (absent: `undefined`) and remaining TTL. */
const ChannelEntry = Schema.Struct({
  key: Schema.String,
  value: Schema.optionalKey(Schema.Json),
  ttl: Schema.optionalKey(Schema.Int)
})

/** A request a task is waiting on (human in the loop). */
export const Request = Schema.Struct({
  name: Schema.String,
  taskId: Schema.String,
  runId: Schema.String,
  prompt: Schema.optionalKey(Schema.String)
})
export type Request = typeof Request.Type

export const CheckpointData = Schema.Struct({
  format: Schema.Literal(FORMAT),
  version: Schema.Literal(VERSION),
  id: Schema.String,
  workflow: Schema.String,
  /** The hash of the workflow's plan: resuming with another plan is an error. */
  plan: Schema.String,
  runId: Schema.String,
  /** The run's input, encoded (absent: the workflow takes none). */
  input: Schema.optionalKey(Schema.Json),
  createdAt: Schema.Number,
  metadata: Schema.Record(Schema.String, Schema.Json),
  completed: Schema.Array(Completion),
  pending: Schema.Array(Schema.String),
  channel: Schema.Array(ChannelEntry),
  requests: Schema.Array(Request)
})
export type CheckpointData = typeof CheckpointData.Type

const decodeData = Schema.decodeUnknownResult(CheckpointData)
const Header = Schema.Struct({ format: Schema.Unknown, version: Schema.Unknown })
const decodeHeader = Schema.decodeUnknownResult(Header)

/** A checkpoint from JSON text or a value: a version this code cannot read says so first. */
export const decodeCheckpoint = (id: string, input: unknown): Effect.Effect<CheckpointData, CheckpointDecodeError> => {
  const fail = (issues: ReadonlyArray<Issue>) => Effect.fail(new CheckpointDecodeError({ id, issues }))
  let value = input
  if (typeof input === "string") {
    try {
      value = JSON.parse(input)
    } catch {
      return fail([{ path: [], message: "it is not JSON" }])
    }
  }
  const header = decodeHeader(value)
  if (Result.isFailure(header)) return fail([{ path: [], message: "it is not an object" }])
  if (header.success.format !== FORMAT) {
    return fail([{ path: ["format"], message: `it is not an effect-graflow checkpoint (format ${JSON.stringify(header.success.format) ?? "missing"})` }])
  }
  if (header.success.version !== VERSION) {
    return fail([{
      path: ["version"],
      message: `it has version ${JSON.stringify(header.success.version) ?? "missing"}; this version of effect-graflow reads version ${VERSION}`
    }])
  }
  const decoded = decodeData(value)
  return Result.isFailure(decoded) ? fail(issuesOf(decoded.failure)) : Effect.succeed(decoded.success)
}

// ---------------------------------------------------------------------------
// the store
// ---------------------------------------------------------------------------

/** A journal entry: its text, or what makes it when the journal is read (see `StoreJournal.appendNow`). */
export type JournalEntry = string | { readonly text: () => string }

/** The text of a journal entry. */
export const textOf = (entry: JournalEntry): string => typeof entry === "string" ? entry : entry.text()

/** Who completed: a task (its id quoted once per task, see `completionText`). */
export interface Completer {
  readonly id: string
}

const quotedIds = new WeakMap<Completer, string>()

/**
 * The journal text of a completion without requests (a `Completion` as JSON): written directly, the task's
 * id quoted once per task. (journal.ts's `entryText` gives it too, and the completions with requests.)
 */
export const completionText = (task: Completer, iteration: number, attempts: number, result: Value): string => {
  let id = quotedIds.get(task)
  if (id === undefined) {
    id = JSON.stringify(task.id)
    quotedIds.set(task, id)
  }
  const head = `{"task":${id},"iteration":${iteration},"attempts":${attempts}`
  return result === undefined ? `${head}}` : `${head},"result":${JSON.stringify(result)}}`
}

/** A completion without requests as a journal entry: its text made when the journal is read. */
export class CompletionEntry {
  constructor(
    readonly task: Completer,
    readonly iteration: number,
    readonly attempts: number,
    readonly result: Value
  ) {}
  text(): string {
    return completionText(this.task, this.iteration, this.attempts, this.result)
  }
}

/** A durable run's journal in the checkpoint store (for channels that keep none). */
export interface StoreJournal {
  /** The entries, header first; an empty journal gets `header` as entry 0. */
  readonly open: (header: string) => Effect.Effect<ReadonlyArray<string>, CheckpointStoreError>
  /** Appends an entry (entries are numbered in the order of the calls). */
  readonly append: (entry: string) => Effect.Effect<void, CheckpointStoreError>
  /**
   * For a journal kept in this process (which cannot fail): appends an entry
   * at once, no Effect to run — its text, or how to make it, made when the
   * journal is read. A store without it gets every entry's text from `append`.
   */
  readonly appendNow?: ((entry: JournalEntry) => void) | undefined
  /**
   * The same for a completion without requests (`CompletionEntry`'s values), kept as its four values: no
   * object per entry (a 1,000-task durable run's entries, kept alive to its end, were a fifth of its cost).
   */
  readonly appendCompletion?: ((task: Completer, iteration: number, attempts: number, result: Value) => void) | undefined
  /** The run that appends has ended: the room made for completions it did not journal is let go. */
  readonly trim?: (() => void) | undefined
  /** Replaces the journal with `entries` (header first). */
  readonly reset: (entries: ReadonlyArray<string>) => Effect.Effect<void, CheckpointStoreError>
  /** Removes the journal. */
  readonly remove: Effect.Effect<void, CheckpointStoreError>
}

export interface Store {
  readonly save: (checkpoint: CheckpointData) => Effect.Effect<void, CheckpointStoreError>
  readonly load: (id: string) => Effect.Effect<CheckpointData, CheckpointNotFoundError | CheckpointDecodeError | CheckpointStoreError>
  /** The ids of a run's checkpoints (by namespace), oldest first. */
  readonly list: (namespace: string) => Effect.Effect<ReadonlyArray<string>, CheckpointStoreError>
  /** Removes a run's checkpoints and journal. */
  readonly removeRun: (namespace: string) => Effect.Effect<void, CheckpointStoreError>
  /**
   * A run's journal. `expected`: about how many completions the run will journal (its plan's tasks); a
   * journal kept in memory makes room for them at once.
   */
  readonly journal: (namespace: string, expected?: number) => StoreJournal
}

const storeError = (op: string, id?: string) => (cause: KeyValueStore.KeyValueStoreError) =>
  new CheckpointStoreError(id === undefined ? { op, cause } : { op, id, cause })

const parseIds = (text: string | undefined): Array<string> => {
  if (text === undefined) return []
  try {
    const parsed: unknown = JSON.parse(text)
    return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === "string") : []
  } catch {
    return []
  }
}

/** A checkpoint store on a KeyValueStore. */
export const fromKeyValueStore = (kv: KeyValueStore.KeyValueStore): Store => {
  const journalKey = (namespace: string, n: number) => `journal/${namespace}/${n}`
  /** How many entries each journal has, as this process knows it (set by open). */
  const lengths = new Map<string, number>()
  const readJournal = (namespace: string) =>
    Effect.gen(function*() {
      const entries: Array<string> = []
      while (true) {
        const entry = yield* kv.get(journalKey(namespace, entries.length))
        if (entry === undefined) return entries
        entries.push(entry)
      }
    })
  /** Removes a journal's entries: as many as this process wrote or read, or as many as there are. */
  const removeJournal = (namespace: string) =>
    Effect.flatMap(
      Effect.suspend(() => {
        const known = lengths.get(namespace)
        return known === undefined ? Effect.map(readJournal(namespace), (entries) => entries.length) : Effect.succeed(known)
      }),
      (length) =>
        Effect.forEach(Array.from({ length }, (_, n) => n), (n) => kv.remove(journalKey(namespace, n)), { discard: true })
    ).pipe(Effect.tap(() => Effect.sync(() => lengths.delete(namespace))))
  // The run index is read, extended and written: one save at a time, so that two tasks of a run
  // checkpointing at once both stay listed.
  const indexLock = Semaphore.makeUnsafe(1)
  return {
    save: (checkpoint) =>
      Effect.gen(function*() {
        const runKey = `run/${namespaceOf(checkpoint)}`
        yield* kv.set(`checkpoint/${checkpoint.id}`, JSON.stringify(checkpoint))
        yield* Semaphore.withPermits(indexLock, 1)(Effect.gen(function*() {
          const ids = parseIds(yield* kv.get(runKey))
          if (!ids.includes(checkpoint.id)) ids.push(checkpoint.id)
          yield* kv.set(runKey, JSON.stringify(ids))
        }))
      }).pipe(Effect.mapError(storeError("save", checkpoint.id))),
    load: (id) =>
      Effect.flatMap(
        Effect.mapError(kv.get(`checkpoint/${id}`), storeError("load", id)),
        (text): Effect.Effect<CheckpointData, CheckpointNotFoundError | CheckpointDecodeError> =>
          text === undefined ? Effect.fail(new CheckpointNotFoundError({ id })) : decodeCheckpoint(id, text)
      ),
    list: (namespace) => Effect.mapError(Effect.map(kv.get(`run/${namespace}`), parseIds), storeError("list")),
    removeRun: (namespace) =>
      Effect.gen(function*() {
        const ids = parseIds(yield* kv.get(`run/${namespace}`))
        yield* Effect.forEach(ids, (id) => kv.remove(`checkpoint/${id}`), { discard: true })
        yield* kv.remove(`run/${namespace}`)
        yield* removeJournal(namespace)
      }).pipe(Effect.mapError(storeError("remove the checkpoints of", namespace))),
    journal: (namespace) => {
      const prefix = `journal/${namespace}/`
      const appendError = storeError("append to the journal of", namespace)
      return {
      open: (header) =>
        Effect.gen(function*() {
          const entries = yield* readJournal(namespace)
          if (entries.length === 0) {
            yield* kv.set(journalKey(namespace, 0), header)
            entries.push(header)
          }
          lengths.set(namespace, entries.length)
          return entries
        }).pipe(Effect.mapError(storeError("read the journal of", namespace))),
      append: (entry) => {
        // Numbered when the write is made (synchronously), so concurrent appends take distinct keys.
        const n = lengths.get(namespace) ?? 1
        lengths.set(namespace, n + 1)
        return Effect.mapError(kv.set(prefix + n, entry), appendError)
      },
      reset: (entries) =>
        Effect.gen(function*() {
          yield* removeJournal(namespace)
          yield* Effect.forEach(entries, (entry, n) => kv.set(journalKey(namespace, n), entry), { discard: true })
          lengths.set(namespace, entries.length)
        }).pipe(Effect.mapError(storeError("write the journal of", namespace))),
      remove: Effect.mapError(removeJournal(namespace), storeError("remove the journal of", namespace))
    }
    }
  }
}

/** The namespace of a checkpoint's run: its id up to the last "/cp-". */
const namespaceOf = (checkpoint: CheckpointData): string => {
  const at = checkpoint.id.lastIndexOf("/cp-")
  return at < 0 ? checkpoint.id : checkpoint.id.slice(0, at)
}

/** A KeyValueStore in a Map, made synchronously (for the default store). */
const memoryKeyValueStore = (): KeyValueStore.KeyValueStore => {
  const map = new Map<string, string>()
  return KeyValueStore.makeStringOnly({
    get: (key) => Effect.sync(() => map.get(key)),
    set: (key, value) => Effect.sync(() => void map.set(key, value)),
    remove: (key) => Effect.sync(() => void map.delete(key)),
    clear: Effect.sync(() => map.clear()),
    size: Effect.sync(() => map.size),
    keys: Effect.sync(() => Array.from(map.keys()))
  })
}

/**
 * A checkpoint store in memory: checkpoints in a KeyValueStore in a Map, and
 * each journal an array (an append is a push, a removal one delete).
 */
export const makeMemory = (): Store => {
  const journals = new Map<string, MemoryJournal>()
  const base = fromKeyValueStore(memoryKeyValueStore())
  return {
    ...base,
    // The run's journal is kept here, not in the KeyValueStore: removed with its checkpoints.
    removeRun: (namespace) =>
      Effect.andThen(
        base.removeRun(namespace),
        Effect.sync(() => {
          const journal = journals.get(namespace)
          if (journal !== undefined) journal.dead = true
          journals.delete(namespace)
        })
      ),
    journal: (namespace, expected = 0) => {
      let held: MemoryJournal | undefined
      const box = () => held !== undefined && !held.dead ? held : (held = journals.get(namespace))
      const replace = (entries: Array<JournalEntry>) => {
        const current = box()
        if (current !== undefined) current.replace(entries)
        else journals.set(namespace, held = new MemoryJournal(entries, expected))
      }
      const push = (entry: JournalEntry) => {
        box()?.push(entry)
      }
      return {
        open: (header) =>
          Effect.sync(() => {
            const texts = (box()?.settled() ?? [header]).map(textOf)
            replace(texts.slice())
            return texts
          }),
        append: (entry) => Effect.sync(() => push(entry)),
        appendNow: push,
        appendCompletion: (task, iteration, attempts, result) => {
          box()?.complete(task, iteration, attempts, result)
        },
        trim: () => {
          box()?.trim()
        },
        reset: (entries) => Effect.sync(() => replace(entries.slice())),
        remove: Effect.sync(() => {
          const current = box()
          if (current !== undefined) current.dead = true
          held = undefined
          journals.delete(namespace)
        })
      }
    }
  }
}

/**
 * A namespace's journal in memory: its entries as given (a made entry's text is made when the journal is
 * read, and kept then), and after them the completions appended since, as columns (no object per
 * completion, room for the run's completions made once): they become entries, in order, when the journal is
 * read or another entry comes. A reopening replaces the entries; a view keeps the journal, so that an append
 * finds the namespace's current one without looking it up; a removed journal is dead, and the view looks again.
 */
class MemoryJournal {
  dead = false
  /** How many completions the columns hold. */
  private count = 0
  private tasks: Array<Completer> | undefined = undefined
  private results: Array<Value> = []
  /** The iteration and attempts of the completions that are not a first iteration's first attempt, by position. */
  private counts: Map<number, readonly [number, number]> | undefined = undefined
  /** How many completions the columns make room for at once: the plan's tasks. */
  private readonly room: number
  constructor(private entries: Array<JournalEntry>, expected: number) {
    this.room = Number.isSafeInteger(expected) && expected > 0 ? Math.min(expected, MAX_ROOM) : 0
  }
  complete(task: Completer, iteration: number, attempts: number, result: Value): void {
    const at = this.count++
    if (iteration !== 1 || attempts !== 1) (this.counts ??= new Map()).set(at, [iteration, attempts])
    let tasks = this.tasks
    if (tasks === undefined) {
      tasks = this.tasks = new Array<Completer>(this.room)
      this.results = new Array<Value>(this.room)
    }
    // Within the room made, a write; past it, a push (the arrays grow as usual).
    if (at < tasks.length) {
      tasks[at] = task
      this.results[at] = result
    } else {
      tasks.push(task)
      this.results.push(result)
    }
  }
  /** Lets go of the room no completion took (the run that appends has ended; its journal may be kept). */
  trim(): void {
    const { count, tasks } = this
    if (tasks === undefined || tasks.length <= count) return
    if (count === 0) {
      this.tasks = undefined
      this.results = []
      return
    }
    tasks.length = count
    this.results.length = count
  }
  push(entry: JournalEntry): void {
    this.settled().push(entry)
  }
  replace(entries: Array<JournalEntry>): void {
    this.entries = entries
    this.clearCompletions()
  }
  /** The entries, the completions appended since among them. */
  settled(): Array<JournalEntry> {
    const { count, counts, entries, results, tasks } = this
    if (count === 0 || tasks === undefined) return entries
    for (let i = 0; i < count; i++) {
      const [iteration, attempts] = counts?.get(i) ?? FIRST
      entries.push(new CompletionEntry(tasks[i]!, iteration, attempts, results[i]))
    }
    this.clearCompletions()
    return entries
  }
  /** Empties the columns, keeping their room (a run whose completions alternate with other entries reuses it). */
  private clearCompletions(): void {
    const { count, results, tasks } = this
    if (count === 0 || tasks === undefined) return
    if (tasks.length > this.room) {
      // Grown past the room made: dropped, made again when needed.
      this.tasks = undefined
      this.results = []
    } else {
      tasks.fill(CLEARED, 0, count)
      results.fill(undefined, 0, count)
    }
    this.count = 0
    this.counts = undefined
  }
}

/** The most completions a journal in memory makes room for at once (two arrays of this length). */
const MAX_ROOM = 1 << 16


/** What a cleared column holds (no task: nothing kept alive). */
const CLEARED: Completer = { id: "" }

/** A first iteration's first attempt. */
const FIRST = [1, 1] as const

/** The checkpoint store service; without one provided, a store in memory shared by the process. */
export const CheckpointStore = Context.Reference<Store>("effect-graflow/CheckpointStore", { defaultValue: makeMemory })
