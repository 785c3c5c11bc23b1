/**
 * The in-memory backend. State is per namespace; each `open` returns a store
 * bound to the opener's `Clock`, so `TestClock` drives expiry in tests. A
 * namespace lives while a store on it is open, and after that for as long as
 * its retention says (by default it is deleted when the last store closes).
 *
 * @internal
 */
import { Clock, Effect, Option, Semaphore } from "effect"
import type { ChannelBackend, ChannelStore, DumpEntry, Retention, RunLease } from "../ChannelBackend.js"
import type { RespondOutcome, RunRecord } from "../ChannelBackend.js"
import { comesBefore, pageOf } from "./runIndex.js"
import { Watchers } from "./runEvents.js"
import { takesResponses } from "./runRecord.js"
import { InvalidValueError, KeyNotFoundError, LockTimeoutError, WrongTypeError } from "./channelError.js"
import { freezeList, freezeParsed, type Json, type Value } from "./json.js"
import { isResultKey, parseRunNamespace, runNamespace } from "./keys.js"
import { openWhile, type OpenWhile } from "./channel.js"

interface Entry {
  /** The value, for a plain entry. */
  value: Value
  /** The items, for a list entry (append/prepend); `undefined` for a plain entry. */
  list: Array<Json> | undefined
  /** Absolute expiry in ms of the store's clock, or `undefined`. */
  expiresAt: number | undefined
}

/**
 * Where a run keeps the results it writes, so that a memory namespace holds one
 * copy of them (the run's) instead of its own: the store answers
 * `{id}.__result__` from it, in dumps too.
 */
export interface ResultSource {
  readonly has: (key: string) => boolean
  readonly get: (key: string) => Value
  readonly entries: () => Iterable<readonly [string, Value]>
  /** The namespace answers no more from it (it took its results as its own): the run writes them again. */
  readonly detach: () => void
}

/**
 * How a memory store adopts a run's results (see {@link adoptResults}): a slot on the store naming the store
 * it belongs to, so that a copy of it (`{ ...store }`, a wrapper whose writes must be seen) is not adopted.
 * A slot on the store, not a WeakMap: a run makes one store, and a WeakMap entry costs the collector more.
 */
const adopter: unique symbol = Symbol("effect-graflow/memory/adopter")

interface Adopter {
  readonly store: ChannelStore
  readonly adopt: (source: ResultSource) => void
}

/**
 * Makes a memory store answer its namespace's results from `source` (the run
 * that writes them then writes none to the store); `false` for another
 * backend's store, which keeps its own. What the namespace held before (a
 * restored checkpoint's results) is still read where the source has nothing.
 */
export const adoptResults = (store: ChannelStore, source: ResultSource): boolean => {
  const slot: unknown = Reflect.get(store, adopter)
  if (!isAdopter(slot) || slot.store !== store) return false
  slot.adopt(source)
  return true
}

const isAdopter = (slot: unknown): slot is Adopter => typeof slot === "object" && slot !== null && "adopt" in slot

/** What a missing result reads as, inside this module (a result may be `undefined`). */
const absent: unique symbol = Symbol("effect-graflow/memory/absent")

interface LockSlot {
  readonly semaphore: Semaphore.Semaphore
  users: number
}

/** The run of a namespace: its record, the owner of its lease, and the drivers waiting for the lease. */
interface RunSlot {
  record: RunRecord | undefined
  owner: string | undefined
  readonly waiting: Array<() => void>
}

interface Space {
  readonly entries: Map<string, Entry>
  /**
   * The task results (`{id}.__result__`), apart from the entries: written once
   * per task and never listed, so a result costs one map slot (no entry, no
   * expiry of its own: they live as long as the namespace, see `resultsLive`),
   * and listing the channel's keys never walks them.
   */
  readonly results: Map<string, Value>
  /** The results of the run that adopted this namespace's results (see {@link adoptResults}), read before `results`. */
  source: ResultSource | undefined
  /** The locks held or waited for, by key; made at the first `lock`. */
  locks: Map<string, LockSlot> | undefined
  readonly run: RunSlot
  /** How many entries carry an expiry: when 0, reads never consult the clock. */
  expiring: number
  /** How many stores have the namespace open. */
  openers: number
  /** Until when (clock ms) the namespace outlives its last opener: `undefined` not at all, `Infinity` kept. */
  retainedUntil: number | undefined
  /** The events its run recorded (a backend made with `runEvents`), made at the first. */
  events: Array<Json> | undefined
}

const emptySpace = (): Space => ({
  entries: new Map(),
  results: new Map(),
  source: undefined,
  locks: undefined,
  run: { record: undefined, owner: undefined, waiting: [] },
  expiring: 0,
  openers: 0,
  retainedUntil: undefined,
  events: undefined
})

const kindOf = (entry: Entry): string => {
  if (entry.list !== undefined) return "list"
  const value = entry.value
  if (value === null) return "null"
  if (Array.isArray(value)) return "list"
  return typeof value
}

/** The responses queued under one name of a namespace, and the fibers waiting for one. */
interface Mailbox {
  readonly values: Array<Json>
  readonly waiters: Set<(value: Json) => void>
}

/** The index of each workflow's runs (run id → its first start), for `listRuns`. */
interface RunIndex {
  readonly add: (workflow: string, runId: string, startedAt: number) => void
}

/** What a store needs of its backend: to track a namespace kept until a deadline, and its responses. */
interface Retainer {
  readonly runs: RunIndex
  readonly expireAt: (namespace: string, deadline: number) => void
  readonly mailbox: (namespace: string, name: string) => Mailbox
  readonly dropResponses: (namespace: string) => void
}

/**
 * The lease of a namespace's run in memory: a driver takes it when nobody
 * holds it, and waits otherwise until its holder ends the run. It never
 * lapses: a holder dies only with the process, and the memory with it.
 */
const leaseOf = (slot: RunSlot, clock: Clock.Clock, index: RunIndex): RunLease => {
  const take = (owner: string, durable: boolean) => {
    slot.owner = owner
    slot.record = { status: "running", durable, startedAt: clock.currentTimeMillisUnsafe(), endedAt: undefined, waitingFor: [] }
    return slot.record.startedAt
  }
  const claim = (owner: string, options: Parameters<RunLease["claim"]>[1]): Effect.Effect<void> =>
    Effect.suspend(() => {
      if (slot.owner === undefined || slot.owner === owner) {
        const startedAt = take(owner, options.durable)
        if (options.run !== undefined) index.add(options.run.workflow, options.run.runId, startedAt)
        return Effect.void
      }
      // Another driver of this process holds it: wait for its end, then try again.
      return Effect.andThen(
        Effect.callback<void>((resume) => {
          const wake = () => resume(Effect.void)
          slot.waiting.push(wake)
          return Effect.sync(() => {
            const at = slot.waiting.indexOf(wake)
            if (at >= 0) slot.waiting.splice(at, 1)
          })
        }),
        claim(owner, options)
      )
    })
  return {
    ttl: Number.POSITIVE_INFINITY,
    claim,
    renew: (owner) => Effect.sync(() => slot.owner === owner),
    end: (owner, outcome) =>
      Effect.sync(() => {
        if (slot.owner !== owner) return
        if (slot.record !== undefined) {
          slot.record = { ...slot.record, status: outcome.status, endedAt: clock.currentTimeMillisUnsafe(), waitingFor: outcome.waitingFor }
        }
        slot.owner = undefined
        slot.waiting.shift()?.()
      })
  }
}

const makeStore = (space: Space, namespace: string, clock: Clock.Clock, retainer: Retainer): ChannelStore => {
  const { entries } = space

  /** The entry if it is live; an expired entry is removed on the way. */
  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key)
    if (entry === undefined) return undefined
    if (entry.expiresAt !== undefined && clock.currentTimeMillisUnsafe() >= entry.expiresAt) {
      remove(key, entry)
      return undefined
    }
    return entry
  }
  const remove = (key: string, entry: Entry): void => {
    if (entry.expiresAt !== undefined) space.expiring--
    entries.delete(key)
  }
  const setExpiry = (entry: Entry, expiresAt: number | undefined): void => {
    if (entry.expiresAt === undefined && expiresAt !== undefined) space.expiring++
    else if (entry.expiresAt !== undefined && expiresAt === undefined) space.expiring--
    entry.expiresAt = expiresAt
  }
  const expiry = (ttl: number | undefined): number | undefined =>
    ttl === undefined ? undefined : clock.currentTimeMillisUnsafe() + ttl
  const read = (entry: Entry): Value => entry.list === undefined ? entry.value : freezeList(entry.list)
  const { results } = space
  /** Whether the results are readable: until the namespace's retention deadline, when it has one. */
  const resultsLive = (): boolean => {
    const until = space.retainedUntil
    return until === undefined || until === Number.POSITIVE_INFINITY || clock.currentTimeMillisUnsafe() < until
  }
  /** A result, or `orElse` when there is none (or it expired with the namespace). */
  const resultOr = <D>(key: string, orElse: D): Value | D => {
    if (!resultsLive()) return orElse
    const source = space.source
    if (source !== undefined && source.has(key)) return source.get(key)
    return results.has(key) ? results.get(key) : orElse
  }
  /** Makes the adopted run's results the namespace's own, and stops answering from the run. */
  const release = (): void => {
    const source = space.source
    if (source === undefined) return
    for (const [key, value] of source.entries()) results.set(key, value)
    space.source = undefined
    source.detach()
  }
  /**
   * A result written or deleted from outside the run whose results the namespace answers from (a store
   * used directly, not through a channel view, which refuses result keys): the namespace takes the
   * run's results as its own first, and the run writes its next ones to the namespace again.
   */
  const takeOver = (key: string): void => {
    if (space.source?.has(key) === true) release()
  }
  const purge = (): void => {
    if (space.expiring === 0) return
    const now = clock.currentTimeMillisUnsafe()
    for (const [key, entry] of entries) {
      if (entry.expiresAt !== undefined && now >= entry.expiresAt) remove(key, entry)
    }
  }
  const push = (op: "append" | "prepend") => (key: string, value: Json, ttl: number | undefined) =>
    Effect.suspend((): Effect.Effect<number, WrongTypeError> => {
      const entry = live(key)
      if (entry === undefined) {
        const fresh: Entry = { value: undefined, list: [value], expiresAt: undefined }
        setExpiry(fresh, expiry(ttl))
        entries.set(key, fresh)
        return Effect.succeed(1)
      }
      if (entry.list === undefined) {
        if (!Array.isArray(entry.value)) {
          return Effect.fail(new WrongTypeError({ key, op, expected: "list", actual: kindOf(entry) }))
        }
        // The items of a value set as an array are inside its snapshot: each becomes one (freezeList reads their heights).
        entry.list = entry.value.map(freezeParsed)
        entry.value = undefined
      }
      if (op === "append") entry.list.push(value)
      else entry.list.unshift(value)
      if (ttl !== undefined) setExpiry(entry, expiry(ttl))
      return Effect.succeed(entry.list.length)
    })

  const store: ChannelStore & { [adopter]?: Adopter } = {
    namespace,
    get: (key) =>
      Effect.suspend((): Effect.Effect<Value, KeyNotFoundError> => {
        if (isResultKey(key)) {
          const found = resultOr(key, absent)
          return found === absent ? Effect.fail(new KeyNotFoundError({ key })) : Effect.succeed(found)
        }
        const entry = live(key)
        return entry === undefined ? Effect.fail(new KeyNotFoundError({ key })) : Effect.succeed(read(entry))
      }),
    getOrElse: (key, fallback) =>
      Effect.sync(() => {
        if (isResultKey(key)) return resultOr(key, fallback)
        const entry = live(key)
        return entry === undefined ? fallback : read(entry)
      }),
    set: (key, value, ttl) =>
      Effect.sync(() => {
        // A result (the engine's write; a channel refuses result keys to its users) has no TTL of its own.
        if (ttl === undefined && isResultKey(key)) {
          takeOver(key)
          results.set(key, value)
          return
        }
        const entry = entries.get(key)
        if (entry === undefined) {
          const fresh: Entry = { value, list: undefined, expiresAt: undefined }
          setExpiry(fresh, expiry(ttl))
          entries.set(key, fresh)
        } else {
          entry.value = value
          entry.list = undefined
          setExpiry(entry, expiry(ttl))
        }
      }),
    exists: (key) => Effect.sync(() => isResultKey(key) ? resultOr(key, absent) !== absent : live(key) !== undefined),
    delete: (key) =>
      Effect.sync(() => {
        if (isResultKey(key)) {
          takeOver(key)
          return resultsLive() && results.delete(key)
        }
        const entry = live(key)
        if (entry === undefined) return false
        remove(key, entry)
        return true
      }),
    keys: Effect.sync(() => {
      purge()
      return [...entries.keys()]
    }),
    entries: Effect.sync(() => {
      purge()
      const out: Array<readonly [string, Value]> = []
      for (const [key, entry] of entries) out.push([key, read(entry)])
      return out
    }),
    clear: Effect.sync(() => {
      for (const [key, entry] of entries) remove(key, entry)
    }),
    append: push("append"),
    prepend: push("prepend"),
    atomicAdd: (key, delta, checkSum) =>
      Effect.suspend((): Effect.Effect<number, WrongTypeError | InvalidValueError> => {
        const entry = live(key)
        if (entry !== undefined && (entry.list !== undefined || typeof entry.value !== "number")) {
          return Effect.fail(new WrongTypeError({ key, op: "atomicAdd", expected: "number", actual: kindOf(entry) }))
        }
        const current = entry === undefined ? 0 : entry.value as number
        const sum = current + delta
        if (!Number.isFinite(sum)) {
          return Effect.fail(
            new InvalidValueError({ key, issues: [{ path: [], message: `${current} + ${delta} is not a finite number` }] })
          )
        }
        const next = sum === 0 ? 0 : sum
        // Checked before anything is written: the read, the check and the write are one synchronous step.
        const issues = checkSum?.(next)
        if (issues !== undefined) return Effect.fail(new InvalidValueError({ key, issues }))
        if (entry === undefined) entries.set(key, { value: next, list: undefined, expiresAt: undefined })
        else entry.value = next
        return Effect.succeed(next)
      }),
    lock: (key, self, options) =>
      Effect.uninterruptibleMask((restore) => {
        const locks = space.locks ??= new Map()
        let slot = locks.get(key)
        if (slot === undefined) {
          slot = { semaphore: Semaphore.makeUnsafe(1), users: 0 }
          locks.set(key, slot)
        }
        const held = slot
        held.users++
        const leave = Effect.sync(() => {
          if (--held.users === 0) locks.delete(key)
        })
        const timedOut = Effect.fail(new LockTimeoutError({ key, timeout: `${options.timeout}ms` }))
        // A free lock is taken whatever the timeout; only waiting for a held one is bounded by it.
        const acquire = restore(
          Effect.flatMap(Semaphore.takeIfAvailable(held.semaphore, 1), (taken) =>
            taken ? Effect.void : options.timeout <= 0 ? timedOut : Semaphore.take(held.semaphore, 1).pipe(
              Effect.timeoutOrElse({ duration: options.timeout, orElse: () => timedOut }),
              Effect.asVoid
            ))
        )
        return acquire.pipe(
          Effect.onExit((exit) => exit._tag === "Failure" ? leave : Effect.void),
          Effect.flatMap(() =>
            restore(self).pipe(Effect.ensuring(Effect.andThen(Semaphore.release(held.semaphore, 1), leave)))
          )
        )
      }),
    retain: (retention) =>
      Effect.sync(() => {
        switch (retention._tag) {
          case "Keep":
            space.retainedUntil = Number.POSITIVE_INFINITY
            return
          case "Delete":
            entries.clear()
            results.clear()
            space.events = undefined
            space.source = undefined
            space.expiring = 0
            space.retainedUntil = undefined
            retainer.dropResponses(namespace)
            // Nothing of the run is left, its record neither (but for a driver holding the lease now).
            if (space.run.owner === undefined) space.run.record = undefined
            return
          case "Expire": {
            const deadline = clock.currentTimeMillisUnsafe() + retention.millis
            for (const entry of entries.values()) {
              if (entry.expiresAt === undefined || entry.expiresAt > deadline) setExpiry(entry, deadline)
            }
            space.retainedUntil = deadline
            retainer.expireAt(namespace, deadline)
          }
        }
      }),
    dump: Effect.sync(() => {
      purge()
      const now = space.expiring === 0 ? 0 : clock.currentTimeMillisUnsafe()
      const out: Array<DumpEntry> = []
      for (const [key, entry] of entries) {
        out.push({ key, value: read(entry), ttl: entry.expiresAt === undefined ? undefined : entry.expiresAt - now })
      }
      if (resultsLive()) {
        const source = space.source
        for (const [key, value] of results) if (source === undefined || !source.has(key)) out.push({ key, value, ttl: undefined })
        if (source !== undefined) for (const [key, value] of source.entries()) out.push({ key, value, ttl: undefined })
      }
      return out
    }),
    restore: (dumped) =>
      Effect.sync(() => {
        entries.clear()
        results.clear()
        space.source?.detach()
        space.source = undefined
        space.expiring = 0
        // What it holds now is this run's: an earlier run's retention deadline no longer applies.
        space.retainedUntil = undefined
        for (const { key, value, ttl } of dumped) {
          if (ttl === undefined && isResultKey(key)) {
            results.set(key, value)
            continue
          }
          const fresh: Entry = { value, list: undefined, expiresAt: undefined }
          setExpiry(fresh, expiry(ttl))
          entries.set(key, fresh)
        }
      }),
    // Memory does not outlive the process: durable runs journal to the CheckpointStore.
    journal: undefined,
    run: leaseOf(space.run, clock, retainer.runs),
    awaitResponse: (name, timeout) =>
      Effect.suspend(() => {
        const box = retainer.mailbox(namespace, name)
        const queued = box.values.shift()
        if (queued !== undefined) return Effect.succeed(queued)
        if (timeout !== undefined && timeout <= 0) return Effect.succeed(undefined)
        const wait = Effect.callback<Json>((resume) => {
          const waiter = (value: Json) => resume(Effect.succeed(value))
          box.waiters.add(waiter)
          return Effect.sync(() => {
            box.waiters.delete(waiter)
          })
        })
        return timeout === undefined ? wait : Effect.map(Effect.timeoutOption(wait, timeout), Option.getOrUndefined)
      })
  }
  store[adopter] = {
    store,
    adopt: (source) => {
      // The results of a run before (a durable run continued in this process) become the namespace's own.
      if (space.source !== source) release()
      space.source = source
    }
  }
  return store
}

const deleteRetention: Retention = { _tag: "Delete" }

/**
 * Builds a memory backend: namespaces live while a store on them is open, and
 * after that as long as their retention says. A namespace kept until a
 * deadline is dropped by the first `open` after it.
 */
/** How many namespaces a memory backend holds (for tests of what runs leave behind). */
export const namespacesHeld: unique symbol = Symbol("effect-graflow/memory/namespacesHeld")

/** The namespaces a memory backend holds; `undefined` for another backend. */
export const namespacesOf = (backend: ChannelBackend): number | undefined => {
  const count: unknown = Reflect.get(backend, namespacesHeld)
  return typeof count === "function" ? count() : undefined
}

export const makeBackend = (options?: { readonly runEvents?: boolean | undefined }): ChannelBackend => {
  const spaces = new Map<string, Space>()
  /** The namespaces kept until a deadline, and the earliest deadline. */
  const expiring = new Map<string, number>()
  let nextSweep = Number.POSITIVE_INFINITY
  const mailboxes = new Map<string, Map<string, Mailbox>>()
  /** Each workflow's runs that claimed a lease with `run`: run id → its first start. */
  const runIndex = new Map<string, Map<string, number>>()
  const watchers = new Watchers()
  const retainer: Retainer = {
    runs: {
      add: (workflow, runId, startedAt) => {
        let runs = runIndex.get(workflow)
        if (runs === undefined) {
          runs = new Map()
          runIndex.set(workflow, runs)
        }
        // A run keeps the place of its first start (a continued or resumed run does not move between pages); its
        // entry goes when its namespace does (deleteSpace).
        if (!runs.has(runId)) runs.set(runId, startedAt)
      }
    },
    expireAt: (namespace, deadline) => {
      expiring.set(namespace, deadline)
      if (deadline < nextSweep) nextSweep = deadline
    },
    mailbox: (namespace, name) => {
      let boxes = mailboxes.get(namespace)
      if (boxes === undefined) {
        boxes = new Map()
        mailboxes.set(namespace, boxes)
      }
      let box = boxes.get(name)
      if (box === undefined) {
        box = { values: [], waiters: new Set() }
        boxes.set(name, box)
      }
      return box
    },
    dropResponses: (namespace) => {
      const boxes = mailboxes.get(namespace)
      if (boxes === undefined) return
      for (const [name, box] of boxes) {
        box.values.length = 0
        if (box.waiters.size === 0) boxes.delete(name)
      }
      if (boxes.size === 0) mailboxes.delete(namespace)
    }
  }
  /** A namespace is gone: its run (if it is a run's) leaves its workflow's index with it. */
  const deleteSpace = (namespace: string): void => {
    spaces.delete(namespace)
    if (runIndex.size === 0) return // no run was ever indexed here (anonymous runs): nothing to parse
    const run = parseRunNamespace(namespace)
    if (run !== undefined) runIndex.get(run.workflow)?.delete(run.runId)
  }
  const sweep = (now: number): void => {
    if (now < nextSweep) return
    nextSweep = Number.POSITIVE_INFINITY
    for (const [namespace, deadline] of expiring) {
      const space = spaces.get(namespace)
      if (space === undefined || space.retainedUntil !== deadline) expiring.delete(namespace)
      else if (deadline <= now) {
        expiring.delete(namespace)
        space.retainedUntil = undefined
        if (space.openers === 0) deleteSpace(namespace)
      } else if (deadline < nextSweep) nextSweep = deadline
    }
  }
  /** A namespace opened: made when first opened, kept while it is open. */
  const acquire = (namespace: string) =>
    Effect.clockWith((clock) =>
      Effect.sync(() => {
        sweep(clock.currentTimeMillisUnsafe())
        let space = spaces.get(namespace)
        if (space === undefined) {
          space = emptySpace()
          spaces.set(namespace, space)
        }
        space.openers++
        return makeStore(space, namespace, clock, retainer)
      })
    )
  /** A namespace closed: deleted with its last opener, unless a retention keeps it. */
  const release = (namespace: string) =>
    Effect.clockWith((clock) =>
      Effect.sync(() => {
        const space = spaces.get(namespace)
        if (space === undefined || --space.openers > 0) return
        const until = space.retainedUntil
        if (until === undefined || until <= clock.currentTimeMillisUnsafe()) deleteSpace(namespace)
      })
    )
  const open: ChannelBackend["open"] = (namespace) => Effect.acquireRelease(acquire(namespace), () => release(namespace))
  const backend: ChannelBackend & OpenWhile & { readonly [namespacesHeld]: () => number } = {
    [namespacesHeld]: () => spaces.size,
    name: "memory",
    defaultRetention: deleteRetention,
    open,
    [openWhile]: { open, use: (namespace, use) => Effect.acquireUseRelease(acquire(namespace), use, () => release(namespace)) },
    drop: (namespace) =>
      Effect.sync(() => {
        retainer.dropResponses(namespace)
        const run = parseRunNamespace(namespace)
        if (run !== undefined) runIndex.get(run.workflow)?.delete(run.runId)
        const space = spaces.get(namespace)
        if (space === undefined) return
        // The run's record goes; a driver holding its lease keeps it until it ends.
        space.run.record = undefined
        space.events = undefined
        space.entries.clear()
        space.results.clear()
        space.source = undefined
        space.expiring = 0
        space.retainedUntil = undefined
        expiring.delete(namespace)
        if (space.openers === 0) deleteSpace(namespace)
      }),
    respond: (namespace, name, value) =>
      Effect.sync((): RespondOutcome => {
        const record = spaces.get(namespace)?.run.record
        if (!takesResponses(record)) return { _tag: "Refused", record }
        const box = retainer.mailbox(namespace, name)
        // The oldest waiter takes it; with none waiting, it is queued.
        const waiter = box.waiters.values().next()
        if (waiter.done === true) box.values.push(value)
        else {
          box.waiters.delete(waiter.value)
          waiter.value(value)
        }
        return { _tag: "Queued" }
      }),
    runRecord: (namespace) => Effect.sync(() => spaces.get(namespace)?.run.record),
    runEvents: {
        recording: options?.runEvents === true,
        append: (namespace, event) =>
          Effect.sync(() => {
            // A run with a record only (a run deleted meanwhile, or one without a record, gets none).
            const space = spaces.get(namespace)
            if (space === undefined || space.run.record === undefined) return
            if (space.events === undefined) space.events = []
            space.events.push(event)
            watchers.publish(namespace, event)
          }),
        read: (namespace) =>
          Effect.clockWith((clock) =>
            Effect.sync(() => {
              sweep(clock.currentTimeMillisUnsafe())
              return [...(spaces.get(namespace)?.events ?? [])]
            })
          ),
        get watch() {
          return watchers.watch
        }
      },
    listRuns: (workflow, { after, limit, statuses }) =>
      Effect.clockWith((clock) =>
        Effect.sync(() => {
          sweep(clock.currentTimeMillisUnsafe())
          const runs = runIndex.get(workflow)
          if (runs === undefined) return { runs: [], next: undefined }
          const ordered = Array.from(runs, ([runId, startedAt]) => ({ runId, startedAt }))
            .filter((position) => after === undefined || comesBefore(after, position))
            .sort((a, b) => comesBefore(a, b) ? -1 : 1)
          const { page, stale } = pageOf(
            ordered.map((position) => ({ position, record: spaces.get(runNamespace(workflow, position.runId))?.run.record })),
            statuses,
            limit
          )
          for (const runId of stale) runs.delete(runId)
          return page
        })
      )
  }
  return backend
}

