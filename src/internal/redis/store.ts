/**
 * The Redis channel backend: a namespace's store (every operation of a
 * channel, on the keys of keys.ts, through the scripts of scripts.ts, values
 * as codec.ts holds them), responses, retention, and the backend itself. A
 * run's lease, record and end are lease.ts; the index of a workflow's runs is
 * runs.ts; the runs' events over Pub/Sub are events.ts; what the parts share
 * (options, the client, command errors) is shared.ts.
 *
 * @internal
 */
import { Clock, Duration, Effect, Exit, Fiber, Schedule, type Scope } from "effect"
import type { ChannelBackend, ChannelStore, DumpEntry, RespondOutcome, Retention, RunRecord } from "../../ChannelBackend.js"
import { recordOfFields } from "../runRecord.js"
import {
  ChannelError,
  InvalidValueError,
  type Issue,
  KeyNotFoundError,
  LockTimeoutError,
  WrongTypeError
} from "../channelError.js"
import type { Json, Value } from "../json.js"
import { endThenRetain, type EndThenRetain, entriesThenRetain, type EntriesThenRetain } from "../channel.js"
import { isResultKey, parseRunNamespace } from "../keys.js"
import { absent, decode, encode, fromGet, fromTyped, isReply, kindOfFirst, text, Undecodable } from "./codec.js"
import { blockingDuplicate, type Client, destroyClient, isCluster } from "./connection.js"
import { decodeSegment, encodeSegment, eventsChannel, type NamespaceKeys, namespaceKeys, runsKey } from "./keys.js"
import { defineScripts, runScript, runScriptWithKeys } from "./scripts.js"
import { commandError, CommandTimeout, type Shared, type StoreOptions } from "./shared.js"
import { watchEvents } from "./events.js"
import { runLease } from "./lease.js"
import { type IndexedRun, indexRun, listRuns } from "./runs.js"

type CheckSum = (next: number) => ReadonlyArray<Issue> | undefined

/**
 * Batches the commands a tick issues into few socket writes: the first command
 * of a tick is written at once, a second one corks the socket, and a
 * `nextTick` uncorks it. Concurrent fibers then share writes (the throughput
 * of ioredis's auto-pipelining), while a lone command is written as it is
 * sent (none of auto-pipelining's `setImmediate` delay, nor a corked write's:
 * corking every tick's first command cost a sequential set + get about 2 µs).
 *
 * `together` sends commands known to go as a group (a run's final read and
 * its retention, a claim and its index entry) in one write, at once: without
 * it the group's first command, being the tick's first, went alone.
 */
const makeCork = (client: Client): Pick<Shared, "cork" | "together"> => {
  // A Cluster writes to several sockets (one per node): ioredis batches those itself.
  if (isCluster(client)) return { cork: () => {}, together: (send) => send() }
  // The tick's first command is written at once (a lone command needs no batching); a second one corks the socket.
  let state: 0 | 1 | 2 = 0 // 0: no command yet this tick; 1: one, written; 2: corked
  let corkedStream: typeof client.stream | undefined
  /** Inside `together`: the socket is corked until it returns. */
  let grouped = false
  const endTick = () => {
    if (state === 2 && corkedStream !== undefined) corkedStream.uncork()
    state = 0
    corkedStream = undefined
  }
  const corkable = (stream: typeof client.stream): stream is NonNullable<typeof client.stream> =>
    stream !== undefined && stream !== null && typeof stream.cork === "function"
  return {
    cork: (): void => {
      if (state === 2 || grouped) return
      if (state === 0) {
        state = 1
        process.nextTick(endTick)
        return
      }
      const stream = client.stream
      if (!corkable(stream)) return
      state = 2
      corkedStream = stream
      stream.cork()
    },
    together: (send) => {
      const stream = client.stream
      if (grouped || !corkable(stream)) return send()
      // Within a corked tick (state 2) the group joins that tick's write: the counts of cork and uncork nest.
      grouped = true
      stream.cork()
      try {
        return send()
      } finally {
        grouped = false
        stream.uncork()
      }
    }
  }
}



const retriable = (error: ChannelError): boolean => !(error.cause instanceof Undecodable || error.cause instanceof CommandTimeout)

/** `once`, repeated on `retry` after a failure worth retrying; the retry machinery is entered only after a failure. */
const repeatable = <A>(once: Effect.Effect<A, ChannelError>, retry: Schedule.Schedule<unknown, ChannelError>) =>
  Effect.catch(once, (error) => retriable(error) ? Effect.retry(once, { schedule: retry, while: retriable }) : Effect.fail(error))

/** The most values one SET_VALUES call writes. */
const SET_BATCH = 1000

const makeStore = (shared: Shared, namespace: string): ChannelStore & EntriesThenRetain & EndThenRetain => {
  const { client, options, cork } = shared
  const keys = namespaceKeys(options.prefix, namespace)
  const { dataPrefix, index, journal: journalKey } = keys
  const dataKey = keys.data
  const lockKey = keys.lock
  /** The run of this namespace as its workflow's index holds it, once the run has claimed its lease. */
  const indexed: { current: IndexedRun | undefined } = { current: undefined }
  const run = runLease(shared, keys, indexed)

  /**
   * The values (not lists) set in one tick: the first is sent at once (a lone
   * `set` waits for nothing), the others made in the same tick are written at
   * its end by one SET_VALUES: a group's members storing their results cost
   * Redis a couple of script calls, not one each. Writes that wait for each
   * other keep their order; only writes made at once share a call.
   */
  let setsOpen = false
  let pendingSets: Array<{
    readonly key: string
    readonly text: string
    readonly ttl: string
    readonly resolve: (reply: unknown) => void
    readonly reject: (error: unknown) => void
  }> = []
  const setOne = (key: string, text: string, ttl: string) => {
    const member = encodeSegment(key)
    return runScript(client, "SET_VALUE", [dataPrefix + member, index], [text, ttl, member])
  }
  const flushSets = () => {
    setsOpen = false
    const batch = pendingSets
    if (batch.length === 0) return
    pendingSets = []
    cork()
    if (batch.length === 1) {
      const one = batch[0]!
      setOne(one.key, one.text, one.ttl).then(one.resolve, one.reject)
      return
    }
    // At most SET_BATCH writes a call: a script holds the server while it runs.
    for (let from = 0; from < batch.length; from += SET_BATCH) {
      const chunk = batch.slice(from, from + SET_BATCH)
      const keys = [index]
      const args: Array<string> = []
      for (const write of chunk) {
        const member = encodeSegment(write.key)
        keys.push(dataPrefix + member)
        args.push(write.text, write.ttl, member)
      }
      runScriptWithKeys(client, "SET_VALUES", keys, args).then(
        (reply) => {
          for (const write of chunk) write.resolve(reply)
        },
        (error: unknown) => {
          for (const write of chunk) write.reject(error)
        }
      )
    }
  }
  const setValue = (key: string, text: string, ttl: number | undefined): Promise<unknown> => {
    const ttlArg = ttl === undefined ? "" : `${ttl}`
    if (!setsOpen) {
      setsOpen = true
      process.nextTick(flushSets)
      return setOne(key, text, ttlArg)
    }
    return new Promise<unknown>((resolve, reject) => {
      pendingSets.push({ key, text, ttl: ttlArg, resolve, reject })
    })
  }

  /** One command: a rejection (or a reply we cannot read) is a ChannelError naming the op and key. */
  const call = <A>(op: string, key: string | undefined, run: () => Promise<A>): Effect.Effect<A, ChannelError> =>
    Effect.tryPromise({
      try: () => {
        cork()
        return run()
      },
      catch: (cause) => commandError(op, key, cause, options.commandTimeout)
    })
  /** An operation that may be repeated after a failure (nothing it does depends on how often it ran). */
  const idempotent = <A>(op: string, key: string | undefined, run: () => Promise<A>) => repeatable(call(op, key, run), options.retry)

  const read = (key: string): Effect.Effect<Value | typeof absent, ChannelError> =>
    idempotent("get", key, async () => {
      // A plain GET answers for every value but a list; a list (WRONGTYPE) is read
      // by the script, which looks at the type and reads atomically.
      let text: string | null
      try {
        text = await client.get(dataKey(key))
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith("WRONGTYPE")) throw error
        return fromGet(key, await runScript(client, "GET", [dataKey(key)], []))
      }
      return text === null ? absent : decode(key, text)
    })

  const entries = Effect.flatMap(idempotent("entries", undefined, () => runScript(client, "ENTRIES", [index], [dataPrefix])), entriesOf)
  /**
   * A run in its workflow's index: the index lasts as long as the run's namespace does. Given the run's end
   * (not `Keep`), the retention's script records it first.
   */
  const retainRun = (retention: Retention, ending?: Ending): Effect.Effect<void, ChannelError> => {
    const current = indexed.current
    if (current === undefined) return retain(shared, namespace, retention, ending)
    const index = retention._tag === "Delete"
      ? Effect.asVoid(call("index the run", undefined, () => client.zrem(current.key, current.runId)))
      : indexRun(shared, current, retention._tag === "Keep" ? "keep" : retention.millis)
    // Both in one round trip (the index is another key: another slot on a cluster).
    return Effect.all([retain(shared, namespace, retention, ending), index], { concurrency: "unbounded", discard: true })
  }

  const liveKeys = (op: string) =>
    Effect.map(
      idempotent(op, undefined, () => runScript(client, "KEYS", [index], [dataPrefix])),
      (reply): ReadonlyArray<string> => isReply(reply) ? reply.map((member) => decodeSegment(text(member))) : []
    )

  const push = (op: "append" | "prepend") => (key: string, value: Json, ttl: number | undefined) =>
    Effect.flatMap(
      call(op, key, () =>
        runScript(client, "PUSH", [dataKey(key), index], [
          op === "append" ? "RPUSH" : "LPUSH",
          ttl === undefined ? "" : `${ttl}`,
          encode(value),
          encodeSegment(key)
        ])),
      (reply): Effect.Effect<number, WrongTypeError | ChannelError> => {
        if (isReply(reply) && typeof reply[0] === "number" && reply[0] >= 0) return Effect.succeed(reply[0])
        if (isReply(reply) && reply[0] === -1) {
          return Effect.fail(new WrongTypeError({ key, op, expected: "list", actual: kindOfFirst(text(reply[1])) }))
        }
        return Effect.fail(
          new ChannelError({ op, key, cause: new Undecodable(`the key holds a Redis ${isReply(reply) ? text(reply[1]) : "value"}, not a channel value`) })
        )
      }
    )

  const wrongNumber = (key: string, first: string) =>
    new WrongTypeError({ key, op: "atomicAdd", expected: "number", actual: kindOfFirst(first) })

  const notFinite = (key: string, delta: number) =>
    new InvalidValueError({ key, issues: [{ path: [], message: `adding ${delta} does not give a finite number` }] })

  /** atomicAdd in one script: every finite sum is acceptable. */
  const addDirect = (key: string, delta: number) =>
    Effect.flatMap(
      call("atomicAdd", key, () => runScript(client, "ADD", [dataKey(key), index], [`${delta}`, encodeSegment(key)])),
      (reply): Effect.Effect<number, WrongTypeError | InvalidValueError | ChannelError> => {
        if (isReply(reply) && reply[0] === 1) return Effect.succeed(Number(reply[1]))
        if (isReply(reply) && reply[0] === -1) return Effect.fail(wrongNumber(key, text(reply[1])))
        if (isReply(reply) && reply[0] === -3) return Effect.fail(notFinite(key, delta))
        return Effect.fail(new ChannelError({ op: "atomicAdd", key, cause: new Undecodable("the key holds foreign Redis data") }))
      }
    )

  /**
   * atomicAdd whose sum a schema must accept: read, add and check in
   * JavaScript, then compare-and-set; a concurrent change makes it start over.
   * A sum the schema rejects is never written.
   */
  const addChecked = (key: string, delta: number, checkSum: CheckSum) => {
    const once = Effect.flatMap(
      call("atomicAdd", key, async () => {
        try {
          return await client.get(dataKey(key))
        } catch (error) {
          if (error instanceof Error && error.message.startsWith("WRONGTYPE")) return absent
          throw error
        }
      }),
      (current): Effect.Effect<number | "conflict", WrongTypeError | InvalidValueError | ChannelError> => {
        if (current === absent) return Effect.fail(wrongNumber(key, "list"))
        let base = 0
        if (current !== null) {
          const first = current.slice(0, 1)
          if (!(first === "-" || (first >= "0" && first <= "9"))) return Effect.fail(wrongNumber(key, first))
          base = Number(current)
        }
        const sum = base + delta
        if (!Number.isFinite(sum)) return Effect.fail(notFinite(key, delta))
        const next = sum === 0 ? 0 : sum
        const issues = checkSum(next)
        if (issues !== undefined) return Effect.fail(new InvalidValueError({ key, issues }))
        return Effect.map(
          call("atomicAdd", key, () =>
            runScript(client, "SET_IF", [dataKey(key), index], [current ?? "", JSON.stringify(next), encodeSegment(key)])),
          (written) => written === 1 ? next : "conflict" as const
        )
      }
    )
    return Effect.flatMap(
      Effect.repeat(once, {
        schedule: Schedule.exponential("1 millis", 1.5).pipe(
          Schedule.modifyDelay(({ duration }) => Effect.succeed(Duration.min(duration, Duration.millis(20)))),
          Schedule.jittered,
          Schedule.upTo({ times: 1000 })
        ),
        while: (outcome) => outcome === "conflict"
      }),
      (outcome) =>
        outcome === "conflict"
          ? Effect.fail(new ChannelError({ op: "atomicAdd", key, cause: new Error("the value kept changing: 1000 compare-and-set attempts failed") }))
          : Effect.succeed(outcome)
    )
  }

  // -------------------------------------------------------------------------
  // locks
  // -------------------------------------------------------------------------

  /**
   * Releases a lock token. When the release cannot be sent (the connection
   * dropped), it is retried in the background every 50 ms until it gets
   * through or the lease has passed, so a lock nobody holds lasts at most until
   * Redis is reachable again (plus 50 ms), never a whole lease.
   */
  const release = (key: string, token: string): Effect.Effect<void> => {
    const unlock = call("unlock", key, () => runScript(client, "UNLOCK", [lockKey(key)], [token]))
    const background = unlock.pipe(
      Effect.retry(Schedule.spaced("50 millis").pipe(Schedule.upTo({ duration: Duration.millis(options.lease) }))),
      Effect.catch((error) =>
        Effect.logWarning(`effect-graflow: the lock on ${JSON.stringify(key)} could not be released; it expires with its lease`, error)
      )
    )
    return Effect.catch(Effect.asVoid(unlock), () => Effect.asVoid(Effect.forkIn(background, shared.scope)))
  }

  /**
   * Takes the lock: one attempt first, whatever the timeout, then attempts every
   * 5–25 ms until the timeout has passed. An attempt in flight is never
   * abandoned by the timeout (its answer decides); when the acquisition ends
   * any other way than with the lock (interrupted, or the connection failed
   * while an attempt was in flight), the token is released, so a `SET NX` that
   * went through after all does not leave a lock held by nobody.
   */
  const acquire = (key: string, timeout: number): Effect.Effect<string, LockTimeoutError | ChannelError> =>
    Effect.suspend(() => {
      const token = `${process.pid}:${Math.random().toString(36).slice(2)}:${Date.now().toString(36)}`
      const attempt = call("lock", key, () => client.set(lockKey(key), token, "PX", options.lease, "NX"))
      const loop = Effect.gen(function*() {
        const deadline = (yield* Clock.currentTimeMillis) + timeout
        let delay = 5
        while (true) {
          if ((yield* attempt) === "OK") return token
          const remaining = deadline - (yield* Clock.currentTimeMillis)
          if (remaining <= 0) return yield* new LockTimeoutError({ key, timeout: `${timeout}ms` })
          yield* Effect.sleep(Math.min(delay, remaining))
          delay = Math.min(delay * 1.5, 25)
        }
      })
      // Whatever else ended the acquisition, the token may be on the server: release it (a no-op when it is not).
      return Effect.onExit(loop, (exit) => Exit.isSuccess(exit) ? Effect.void : release(key, token))
    })

  const keepAlive = (key: string, token: string): Effect.Effect<void> =>
    Effect.repeat(
      Effect.flatMap(
        call("lock", key, () => runScript(client, "RENEW", [lockKey(key)], [token, `${options.lease}`])),
        (renewed) =>
          renewed === 1 ? Effect.void : Effect.logWarning(`effect-graflow: the lock on ${JSON.stringify(key)} was lost (its lease expired)`)
      ).pipe(Effect.ignore),
      Schedule.spaced(Math.max(1, Math.floor(options.lease / 3)))
    ).pipe(Effect.asVoid)

  return {
    namespace,
    get: (key) =>
      Effect.flatMap(read(key), (value) =>
        value === absent ? Effect.fail(new KeyNotFoundError({ key })) : Effect.succeed(value)),
    getOrElse: (key, fallback) => Effect.map(read(key), (value) => value === absent ? fallback : value),
    set: (key, value, ttl) =>
      idempotent("set", key, () =>
        Array.isArray(value)
          ? runScript(client, "SET_LIST", [dataKey(key), index], [ttl === undefined ? "" : `${ttl}`, encodeSegment(key), ...value.map(encode)])
          : setValue(key, encode(value), ttl)).pipe(
          Effect.asVoid
        ),
    exists: (key) => idempotent("exists", key, () => client.exists(dataKey(key))).pipe(Effect.map((n) => n > 0)),
    delete: (key) =>
      call("delete", key, () => runScript(client, "DELETE", [dataKey(key), index], [encodeSegment(key)])).pipe(
        Effect.map((n) => n === 1)
      ),
    keys: Effect.map(liveKeys("keys"), (keys) => keys.filter((key) => !isResultKey(key))),
    entries,
    // Both commands in one write (corked), the read first: one round trip for the end of a run.
    [entriesThenRetain]: {
      entries,
      retain: retainRun,
      read: (retention) => {
        const both = () =>
          shared.together(() => {
            const read = runScript(client, "ENTRIES", [index], [dataPrefix])
            const retained = retainCommand(shared, namespace, retention)
            return retained === undefined ? read : Promise.all([read, retained]).then(([reply]) => reply)
          })
        // A drop may have run before a cut connection lost the read's reply: read again, it would find nothing,
        // so the pair is not repeated then (the run fails, and its failure's retention drops the namespace).
        return Effect.flatMap(retention._tag === "Delete" ? call("entries", undefined, both) : idempotent("entries", undefined, both), entriesOf)
      }
    },
    clear: idempotent("clear", undefined, () => runScript(client, "CLEAR", [index], [dataPrefix])).pipe(Effect.asVoid),
    append: push("append"),
    prepend: push("prepend"),
    atomicAdd: (key, delta, checkSum) => checkSum === undefined ? addDirect(key, delta) : addChecked(key, delta, checkSum),
    lock: (key, self, lockOptions) =>
      Effect.uninterruptibleMask((restore) =>
        Effect.flatMap(restore(acquire(key, lockOptions.timeout)), (token) =>
          Effect.flatMap(Effect.forkChild(Effect.interruptible(keepAlive(key, token))), (renewer) =>
            restore(self).pipe(Effect.ensuring(Effect.andThen(Fiber.interrupt(renewer), release(key, token))))))
      ),
    retain: retainRun,
    dump: Effect.flatMap(
      idempotent("dump", undefined, () => runScript(client, "DUMP", [index], [dataPrefix])),
      (reply) =>
        Effect.try({
          try: () => {
            const out: Array<DumpEntry> = []
            if (!isReply(reply)) return out
            for (let i = 0; i + 3 < reply.length; i += 4) {
              const key = decodeSegment(text(reply[i]))
              const pttl = Number(reply[i + 3])
              out.push({ key, value: fromTyped(key, reply[i + 1], reply[i + 2]), ttl: pttl > 0 ? pttl : undefined })
            }
            return out
          },
          catch: (cause) => new ChannelError({ op: "dump", cause })
        })
    ),
    restore: (entries, journal) =>
      Effect.suspend(() => {
        // One entry a key, the last given (as memory): the script writes the values without a TTL together.
        const last = new Map<string, DumpEntry>()
        for (const entry of entries) {
          last.delete(entry.key)
          last.set(entry.key, entry)
        }
        const args: Array<string> = [dataPrefix, journal === undefined ? "0" : "1", `${last.size}`]
        for (const { key, value, ttl } of last.values()) {
          const list = Array.isArray(value)
          args.push(encodeSegment(key), ttl === undefined ? "" : `${ttl}`, list ? "2" : "1")
          if (Array.isArray(value)) args.push(`${value.length}`, ...value.map(encode))
          else args.push("1", encode(value))
        }
        if (journal !== undefined) args.push(...journal)
        return idempotent("restore", undefined, () => runScript(client, "RESTORE", [index, journalKey], args))
      }).pipe(Effect.asVoid),
    journal: {
      open: (header) =>
        Effect.map(
          idempotent("journal", undefined, () => runScript(client, "JOURNAL_OPEN", [journalKey], [header])),
          (reply): ReadonlyArray<string> => isReply(reply) ? reply.map(text) : []
        ),
      append: (entry, key, value, owner) =>
        call("journal", key, () =>
          runScript(
            client,
            "JOURNAL_APPEND",
            [dataKey(key), index, journalKey, keys.runRecord],
            Array.isArray(value)
              ? [entry, encodeSegment(key), owner, "2", ...value.map(encode)]
              : [entry, encodeSegment(key), owner, "1", encode(value)]
          )).pipe(Effect.map((written) => written === 1)),
      record: (entry, owner) =>
        call("journal", undefined, () => runScript(client, "JOURNAL_RECORD", [journalKey, keys.runRecord], [entry, owner])).pipe(
          Effect.map((written) => written === 1)
        )
    },
    awaitResponse: (name, timeout) => awaitResponse(shared, namespace, name, timeout),
    run,
    // The run's end recorded by the retention's own script, first: a run's end costs one round trip. (`Keep` sends
    // no script; an end that keeps the run's index entry is more than the record: those end as before.)
    [endThenRetain]: {
      end: run.end,
      retain: retainRun,
      both: (owner, outcome, retention) =>
        retention._tag === "Keep" || run.keepsIndex(outcome)
          ? Effect.andThen(Effect.ignore(run.end(owner, outcome)), retainRun(retention))
          : retainRun(retention, [owner, outcome.status, JSON.stringify(outcome.waitingFor)])
    }
  }
}

/** A queued response as a value; `undefined` for one that is not a channel's JSON (another program pushed it). */
const decodeResponse = (raw: string): Json | undefined => {
  try {
    return decode("response", raw)
  } catch {
    return undefined
  }
}

/**
 * Takes the oldest response queued under `name`: at once when one is queued,
 * otherwise with a blocking BLPOP on a connection of its own (so waiting does
 * not poll, and does not hold up the shared connection), closed when the wait
 * ends or is interrupted. A queued item that is not a response (not JSON, or
 * empty: pushed by another program) is logged and skipped, and the wait goes
 * on until the same deadline: a valid answer behind it is taken.
 */
const awaitResponse = (
  shared: Shared,
  namespace: string,
  name: string,
  timeout: number | undefined
): Effect.Effect<Json | undefined, ChannelError> => {
  const { client, options } = shared
  const list = namespaceKeys(options.prefix, namespace).responses(name)
  const fail = (cause: unknown) => commandError("awaitResponse", name, cause, options.commandTimeout)
  const skip = (raw: string) =>
    Effect.logWarning(
      `effect-graflow: an item of the responses to ${JSON.stringify(name)} of ${JSON.stringify(namespace)} is not a response (not JSON written by Workflow.respond); it was skipped: ${
        JSON.stringify(raw.slice(0, 80))
      }`
    )
  const blockingPop = (seconds: number) =>
    Effect.acquireUseRelease(
      Effect.tryPromise({
        try: async () => {
          // No command timeout: the BLPOP's own timeout bounds it; and, for a finite one, a client-side one
          // too (ioredis's blockingTimeout), for a server that stops answering: the wait and a second more. (Not
          // less: a Cluster's node connection queues the BLPOP while it connects, and ioredis then counts the
          // blockingTimeout alone as the whole deadline.)
          const blocking = blockingDuplicate(client, seconds === 0 ? undefined : Math.ceil(seconds * 1000) + 1_000)
          blocking.on("error", () => {})
          await blocking.connect()
          return blocking
        },
        catch: fail
      }),
      // BLPOP takes seconds (decimals allowed); 0 waits as long as it takes.
      (blocking) => Effect.tryPromise({ try: () => blocking.blpop(list, seconds), catch: fail }),
      (blocking) => Effect.sync(() => destroyClient(blocking))
    )
  return Effect.flatMap(Clock.currentTimeMillis, (started) => {
    const deadline = timeout === undefined ? undefined : started + timeout
    const take = (raw: string): Effect.Effect<Json | undefined, ChannelError> => {
      const value = decodeResponse(raw)
      return value === undefined ? Effect.andThen(skip(raw), next) : Effect.succeed(value)
    }
    const next: Effect.Effect<Json | undefined, ChannelError> = Effect.suspend(() =>
      Effect.flatMap(Effect.tryPromise({ try: () => client.lpop(list), catch: fail }), (queued) => {
        if (queued !== null) return take(queued)
        return Effect.flatMap(Clock.currentTimeMillis, (now) => {
          const remaining = deadline === undefined ? undefined : deadline - now
          if (remaining !== undefined && remaining <= 0) return Effect.succeed(undefined)
          return Effect.flatMap(
            blockingPop(remaining === undefined ? 0 : Math.max(remaining, 1) / 1000),
            (popped) => popped === null ? Effect.succeed(undefined) : take(popped[1])
          )
        })
      })
    )
    return next
  })
}

/** The record of a namespace's run, `undefined` when there is none. */
const readRecord = (shared: Shared, keys: NamespaceKeys): Effect.Effect<RunRecord | undefined, ChannelError> =>
  Effect.tryPromise({
    try: () => shared.client.hgetall(keys.runRecord),
    catch: (cause) => commandError("read the run's record", undefined, cause, shared.options.commandTimeout)
  }).pipe(Effect.map(recordOfFields))

/** How a run ended, for the retention that records it first: its owner, status and the names waited for (JSON). */
type Ending = readonly [owner: string, status: string, waitingFor: string]

/**
 * The command that gives a namespace its retention (sent, corked), or `undefined` for `Keep` (nothing to send).
 * Given the run's end, the same script records it first (one round trip, nothing between them).
 */
const retainCommand = (shared: Shared, namespace: string, retention: Retention, ending?: Ending): Promise<unknown> | undefined => {
  if (retention._tag === "Keep") return undefined
  const keys = namespaceKeys(shared.options.prefix, namespace)
  const args = retention._tag === "Delete"
    ? [keys.dataPrefix, keys.responsePrefix]
    : [keys.dataPrefix, `${retention.millis}`, keys.responsePrefix]
  if (ending !== undefined) args.push(...ending)
  shared.cork()
  return runScript(
    shared.client,
    retention._tag === "Delete" ? "DROP" : "EXPIRE",
    [keys.index, keys.journal, keys.responseNames, keys.runRecord, keys.runEvents, keys.runLease],
    args
  )
}

/**
 * Gives a namespace its retention. Repeated (both scripts give the same end state when run again: a drop finds
 * less to delete, an expiry only shortens TTLs) only when a cluster's slot is moving — the index walk refused
 * for a moment ("non local key", TRYAGAIN) — not when the server is away: a failed run's outcome is not held up.
 */
const retain = (shared: Shared, namespace: string, retention: Retention, ending?: Ending): Effect.Effect<void, ChannelError> => {
  if (retention._tag === "Keep") return Effect.void
  const once = Effect.tryPromise({
    try: () => retainCommand(shared, namespace, retention, ending) ?? Promise.resolve(),
    catch: (cause) => commandError(retention._tag === "Delete" ? "drop" : "retain", undefined, cause, shared.options.commandTimeout)
  })
  return Effect.asVoid(Effect.retry(once, { schedule: shared.options.retry, while: slotMoving }))
}

/** Whether a command failed because its slot is moving between a cluster's nodes (worth repeating at once). */
const slotMoving = (error: ChannelError): boolean => {
  const message = error.cause instanceof Error ? error.cause.message : ""
  return message.includes("non local key") || message.startsWith("TRYAGAIN")
}

/** The entries of an ENTRIES reply. */
const entriesOf = (reply: unknown): Effect.Effect<ReadonlyArray<readonly [string, Value]>, ChannelError> =>
  Effect.try({
    try: () => {
      const out: Array<readonly [string, Value]> = []
      if (!isReply(reply)) return out
      for (let i = 0; i + 2 < reply.length; i += 3) {
        const key = decodeSegment(text(reply[i]))
        out.push([key, fromTyped(key, reply[i + 1], reply[i + 2])])
      }
      return out
    },
    catch: (cause) => new ChannelError({ op: "entries", cause })
  })

export const makeBackend = (
  client: Client,
  options: StoreOptions,
  scope: Scope.Scope,
  log: (message: string, error: unknown) => void = () => {}
): ChannelBackend => {
  defineScripts(client)
  const shared: Shared = { client, options, ...makeCork(client), scope }
  const channel = eventsChannel(options.prefix)
  return {
    name: "redis",
    defaultRetention: options.retention,
    open: (namespace) => Effect.sync(() => makeStore(shared, namespace)),
    drop: (namespace) =>
      Effect.andThen(retain(shared, namespace, { _tag: "Delete" }), () => {
        // A run's namespace: the run leaves its workflow's index too (another key: another slot on a cluster).
        const run = parseRunNamespace(namespace)
        return run === undefined ? Effect.void : Effect.asVoid(Effect.tryPromise({
          try: () => client.zrem(runsKey(options.prefix, run.workflow), run.runId),
          catch: (cause) => commandError("drop", undefined, cause, options.commandTimeout)
        }))
      }),
    respond: (namespace, name, value) => {
      const keys = namespaceKeys(options.prefix, namespace)
      return Effect.flatMap(
        Effect.tryPromise({
          try: () => {
            shared.cork()
            return runScript(client, "RESPOND", [keys.responses(name), keys.responseNames, keys.runRecord], [encode(value), encodeSegment(name)])
          },
          catch: (cause) => commandError("respond", name, cause, options.commandTimeout)
        }),
        (queued): Effect.Effect<RespondOutcome, ChannelError> =>
          queued === 1
            ? Effect.succeed({ _tag: "Queued" })
            : Effect.map(readRecord(shared, keys), (record) => ({ _tag: "Refused", record }))
      )
    },
    runRecord: (namespace) => readRecord(shared, namespaceKeys(options.prefix, namespace)),
    runEvents: {
        recording: options.runEvents,
        // Sent, not awaited (a task does not wait for its events; one connection keeps them in order); a write
        // that fails is logged.
        append: (namespace, event) =>
          Effect.sync(() => {
            const keys = namespaceKeys(options.prefix, namespace)
            const start = typeof event === "object" && event !== null && Reflect.get(event, "type") === "RunStarted"
            shared.cork()
            runScript(client, "EVENT_APPEND", [keys.runEvents, keys.runRecord], [
              JSON.stringify(event),
              start ? "1" : "0",
              channel,
              JSON.stringify(namespace)
            ]).catch((error: unknown) =>
              log(`effect-graflow: an event of ${JSON.stringify(namespace)} was not recorded`, commandError("record the run's event", undefined, error, options.commandTimeout))
            )
          }),
        read: (namespace) =>
          Effect.tryPromise({
            try: () => client.lrange(namespaceKeys(options.prefix, namespace).runEvents, 0, -1),
            catch: (cause) => commandError("read the run's events", undefined, cause, options.commandTimeout)
          }).pipe(Effect.map((texts) => texts.flatMap((text): Array<Json> => {
            try {
              const value = decode("event", text)
              return value === undefined ? [] : [value]
            } catch {
              return [] // not JSON: another program's; left out
            }
          }))),
        watch: watchEvents(client, channel, options.commandTimeout)
      },
    listRuns: (workflow, listOptions) => listRuns(shared, workflow, listOptions)
  }
}
