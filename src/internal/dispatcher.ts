/**
 * The dispatcher of distributed runs: a BullMQ queue on which every task
 * attempt becomes a job, the queue's event stream on which its outcome comes
 * back, and the removal of a run's jobs. `Distributed.layer` makes one on the
 * run's Redis channel and checkpoint store; the job protocol is remote.ts's.
 *
 * @internal
 */
import { Queue, QueueEvents } from "bullmq"
import { Effect, type Scope } from "effect"
import type { ChannelBackend } from "../ChannelBackend.js"
import { ChannelError } from "./channelError.js"
import type { Store } from "./checkpoint.js"
import { type Dispatch, isSuspension, type JobData, jobIdPrefixOf, parseJson, RemoteTaskError } from "./remote.js"
import { globEscape } from "./redis/checkpoints.js"
import { BULLMQ_CLOSE_BOUND, bullConnectionOf, bullErrorLogger, closeBullMQ, destroyClient, plainClient, scanAll, type Target } from "./redis/connection.js"
import { jobKeysOf, queueOf } from "./redis/keys.js"

/** What distributed runs need of the dispatcher (`Distributed.Dispatcher`'s service). */
export interface DispatcherShape {
  /** Sends an attempt as a job; its result. */
  readonly send: Dispatch["send"]
  /** Removes jobs a durable run kept, once it has ended. */
  readonly remove: Dispatch["remove"]
  /** Removes every job of the run of this namespace that is not running (see `Distributed.deleteRun`); how many. */
  readonly removeRun: (namespace: string) => Effect.Effect<number, ChannelError>
  /** The run's channel: Redis, the one the workers use. */
  readonly channel: ChannelBackend
  /** Where the runs' checkpoints and journals go: Redis too. */
  readonly checkpoints: Store
}

interface DispatcherOptions {
  readonly redis: Target
  readonly prefix?: string | undefined
  readonly queue?: string | undefined
  /** How long a durable run's jobs stay after they end, in seconds. */
  readonly keepSeconds: number
}

/** Why the jobs of a run could not be looked for (a node down, a cluster not ready). */
const findFailed = (cause: unknown) => new ChannelError({ op: "find the run's jobs", cause })

/** A dispatcher on the queue of `options`, for runs on `channel` and `checkpoints`; closed with the scope. */
export const makeDispatcher = (
  options: DispatcherOptions,
  channel: ChannelBackend,
  checkpoints: Store
): Effect.Effect<DispatcherShape, never, Scope.Scope> =>
  Effect.gen(function*() {
    const { keepSeconds } = options
    // BullMQ's connection errors, logged through this layer's logger (not the console).
    const context = yield* Effect.context<never>()
    // Once the layer closes, a connection still connecting reports "Connection is closed.": not worth a warning.
    let closing = false
    const log = (message: string, error: unknown) => {
      if (!closing) Effect.runForkWith(context)(Effect.logWarning(message, error))
    }
    const { name, prefix } = queueOf(options)
    const queue = yield* Effect.acquireRelease(
      Effect.sync(() => {
        const { connection, release } = bullConnectionOf(options.redis)
        const q = new Queue(name, { connection, prefix })
        // Each add awaiting the connection listens for "closing": many concurrent adds are not a leak.
        q.setMaxListeners(0)
        q.on("error", bullErrorLogger("the queue of distributed runs", log))
        return { q, release }
      }),
      ({ q, release }) => Effect.ensuring(closeBullMQ(q), Effect.sync(release))
    ).pipe(Effect.map(({ q }) => q))
    const events = yield* Effect.acquireRelease(
      Effect.promise(async () => {
        // The stream is read from its newest entry now, not from "$" (whatever comes after the first
        // blocking read, which starts a little later): no event of a job added from now on is missed.
        // Asked of the stream's key, so that a Cluster asks the node that holds it. Bounded, and closed
        // whatever happens (a server gone since the channel connected).
        const reader = await plainClient(options.redis, BULLMQ_CLOSE_BOUND)
        const newest = await reader.xrevrange(`${prefix}:${name}:events`, "+", "-", "COUNT", 1).finally(() => destroyClient(reader))
        const lastEventId = newest[0]?.[0] ?? "0-0"
        const { connection, release } = bullConnectionOf(options.redis)
        const e = new QueueEvents(name, { connection, prefix, lastEventId })
        e.on("error", bullErrorLogger("the events of distributed runs", log))
        await e.waitUntilReady()
        return { e, release }
      }),
      ({ e, release }) => Effect.ensuring(closeBullMQ(e), Effect.sync(release))
    ).pipe(Effect.map(({ e }) => e))
    // Added last, so run first when the scope closes: before the queue and its events close.
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        closing = true
      })
    )
    // Each job's outcome is awaited from the queue's event stream (a blocking read, no polling),
    // registered before the job is added, so that a job finished and removed at once is not missed.
    const waiting = new Map<string, (outcome: { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string }) => void>()
    events.on("completed", ({ jobId, returnvalue }) => {
      const resume = waiting.get(jobId)
      if (resume === undefined) return
      waiting.delete(jobId)
      resume({ ok: true, value: typeof returnvalue === "string" ? parseJson(returnvalue) : returnvalue })
    })
    events.on("failed", ({ failedReason, jobId }) => {
      const resume = waiting.get(jobId)
      if (resume === undefined) return
      waiting.delete(jobId)
      resume({ ok: false, reason: failedReason })
    })
    const jobFailed = (data: JobData, message: string) =>
      new RemoteTaskError({ taskId: data.task, tag: "JobFailed", message, defect: true })
    // The attempts sent in one turn of the event loop (the members of a group starting) are added
    // with one addBulk: one script call for all of them instead of one each.
    let batch: Array<{ readonly jobId: string; readonly data: JobData; readonly durable: boolean }> = []
    // A durable run's jobs stay `keepJobs` (a day) after they end, for a producer that takes the run over.
    const optsOf = (jobId: string, durable: boolean) =>
      durable
        ? { jobId, removeOnComplete: { age: keepSeconds }, removeOnFail: { age: keepSeconds }, attempts: 1 }
        : { jobId, removeOnComplete: true, removeOnFail: true, attempts: 1 }
    const flush = () => {
      const jobs = batch
      batch = []
      // One job (a chain's step, a one-task run) is one script call: addBulk's pipeline costs more than
      // its one command (ioredis copies every script of the queue's client onto each pipeline it makes).
      const only = jobs.length === 1 ? jobs[0] : undefined
      const added: Promise<unknown> = only !== undefined
        ? queue.add(only.data.task, only.data, optsOf(only.jobId, only.durable))
        : queue.addBulk(jobs.map(({ data, durable, jobId }) => ({ name: data.task, data, opts: optsOf(jobId, durable) })))
      added.catch((cause: unknown) => {
        for (const { jobId } of jobs) {
          const resume = waiting.get(jobId)
          waiting.delete(jobId)
          resume?.({ ok: false, reason: `the job could not be queued: ${cause instanceof Error ? cause.message : "unknown"}` })
        }
      })
    }
    const jobKeys = jobKeysOf({ prefix, name })
    /**
     * Removes jobs; how many went. A job that is running is locked and stays (BullMQ removes
     * it `keepJobs` after it ends); one that cannot be removed otherwise is logged, never thrown.
     */
    const removeJobs = (jobIds: ReadonlyArray<string>): Effect.Effect<number> =>
      Effect.flatMap(Effect.promise(() => Promise.allSettled(jobIds.map((id) => queue.remove(id)))), (settled) => {
        let removed = 0
        const failed: Array<unknown> = []
        for (const outcome of settled) {
          if (outcome.status === "fulfilled") removed += outcome.value
          else failed.push(outcome.reason)
        }
        return failed.length === 0 ? Effect.succeed(removed) : Effect.as(
          Effect.logWarning(
            `effect-graflow: ${failed.length} of ${jobIds.length} jobs could not be removed; they go ${keepSeconds} s after they end`,
            failed[0]
          ),
          removed
        )
      })
    return {
      channel,
      checkpoints,
      remove: (jobIds) => Effect.asVoid(removeJobs(jobIds)),
      removeRun: (namespace) =>
        Effect.acquireUseRelease(
          Effect.tryPromise({ try: () => plainClient(options.redis, BULLMQ_CLOSE_BOUND), catch: findFailed }),
          (client) =>
            Effect.tryPromise({
              try: async () => {
                // A job's hash is `{prefix}:{queue}:{jobId}`; its other keys (`:lock`, `:logs`) have a colon after
                // the id. The queue is one slot, on one node; every primary is scanned all the same (a slot moving).
                const keys = await scanAll(client, `${globEscape(jobKeys + jobIdPrefixOf(namespace))}*`)
                return keys.map((key) => key.slice(jobKeys.length)).filter((id) => !id.includes(":"))
              },
              catch: findFailed
            }),
          (client) => Effect.sync(() => destroyClient(client))
        ).pipe(Effect.flatMap(removeJobs)),
      send: (data: JobData, jobId: string, durable: boolean) =>
        Effect.callback<unknown, RemoteTaskError>((resume) => {
          waiting.set(jobId, (outcome) =>
            resume(outcome.ok ? Effect.succeed(outcome.value) : Effect.fail(jobFailed(data, outcome.reason))))
          if (!durable) {
            batch.push({ jobId, data, durable })
            if (batch.length === 1) setImmediate(flush)
          } else {
            // A durable run may have sent this attempt before (its producer died): take the job over.
            queue.getJob(jobId).then(async (existing) => {
              if (existing === undefined || existing === null) {
                batch.push({ jobId, data, durable })
                if (batch.length === 1) setImmediate(flush)
                return
              }
              const state = await existing.getState()
              const settle = waiting.get(jobId)
              if (settle === undefined) return
              if (state === "completed" && isSuspension(existing.returnvalue)) {
                // The attempt suspended the run (it waited for a response that had not come): the run
                // continues now, so the attempt runs again — the response may be there — rather than
                // replaying the suspension.
                await existing.remove()
                batch.push({ jobId, data, durable })
                if (batch.length === 1) setImmediate(flush)
                return
              }
              if (state === "completed") {
                waiting.delete(jobId)
                settle({ ok: true, value: existing.returnvalue })
              } else if (state === "failed") {
                waiting.delete(jobId)
                settle({ ok: false, reason: existing.failedReason })
              }
              // Otherwise it is waiting or running: its completion event settles it.
            }).catch((cause: unknown) => {
              const settle = waiting.get(jobId)
              waiting.delete(jobId)
              settle?.({ ok: false, reason: `the job could not be looked up: ${cause instanceof Error ? cause.message : "unknown"}` })
            })
          }
          return Effect.sync(() => {
            waiting.delete(jobId)
          })
        })
    }
  })

