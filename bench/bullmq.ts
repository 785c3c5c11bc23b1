/**
 * The raw BullMQ side of the distributed benchmarks (bench/distributed.ts,
 * bench/composition.ts, bench/cluster.ts): a queue and its events, as Distributed sets them up.
 */
import { Queue, QueueEvents } from "bullmq"
import { bullConnectionOf } from "../src/internal/redis/connection.js"
import { queueOf } from "../src/internal/redis/keys.js"
import { clientOf, targetOf } from "../test/support/target.js"

/**
 * The raw BullMQ side: a queue and its events on `prefix`, read from the server's time now, as
 * Distributed does: from "$" (the default) an event that comes before the first blocking read is
 * missed, and its job waited for forever. `url` is a URL, or `cluster:<url>,<url>,…` (a Redis
 * Cluster's seed nodes: BullMQ gets a Cluster client, and the queue's prefix is its hash tag).
 */
export const rawQueue = async (url: string, prefix: string, queueName?: string) => {
  const { name, prefix: bull } = queueOf({ prefix, queue: queueName })
  const target = targetOf(url)
  const producer = bullConnectionOf(target)
  const queue = new Queue(name, { connection: producer.connection, prefix: bull })
  queue.setMaxListeners(0)
  const clock = clientOf(url)
  const [seconds, micros] = await clock.time()
  clock.disconnect()
  const lastEventId = `${Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)}-0`
  const listener = bullConnectionOf(target)
  const events = new QueueEvents(name, { connection: listener.connection, prefix: bull, lastEventId })
  await events.waitUntilReady()
  // The jobs of `oneSame` / `manySame`, awaited from the event stream as Distributed awaits its own: registered
  // before the add, settled by the job's event (no lookup of a job removed on completion).
  const waiting = new Map<string, { readonly resolve: () => void; readonly reject: (error: Error) => void }>()
  events.on("completed", ({ jobId }) => {
    waiting.get(jobId)?.resolve()
    waiting.delete(jobId)
  })
  events.on("failed", ({ failedReason, jobId }) => {
    waiting.get(jobId)?.reject(new Error(failedReason))
    waiting.delete(jobId)
  })
  let next = 0
  const awaited = (jobId: string) => new Promise<void>((resolve, reject) => waiting.set(jobId, { resolve, reject }))
  /** The options Distributed gives the job of a run that is not durable: removed when it ends, one attempt. */
  const sameOptions = (jobId: string) => ({ jobId, removeOnComplete: true, removeOnFail: true, attempts: 1 })
  return {
    queue,
    events,
    /** One no-op job, added and waited for (kept until `clean`: waitUntilFinished looks the job up). */
    one: async () => {
      const job = await queue.add("noop", { j: 0 }, { removeOnComplete: false })
      await job.waitUntilFinished(events)
    },
    /** `n` no-op jobs added at once and all waited for (kept until `clean`). */
    many: async (n: number) => {
      const jobs = await queue.addBulk(Array.from({ length: n }, (_, j) => ({ name: "noop", data: { j }, opts: { removeOnComplete: false } })))
      await Promise.all(jobs.map((job) => job.waitUntilFinished(events)))
    },
    /**
     * One no-op job with the options of a Distributed run's job (removed when it ends: nothing to clean), awaited
     * from the event stream as Distributed awaits one: the same work in Redis as a run's job, without the engine.
     */
    oneSame: async () => {
      const jobId = `raw-${next++}`
      const done = awaited(jobId)
      await queue.add("noop", { j: 0 }, sameOptions(jobId))
      await done
    },
    /** `n` such jobs added at once (`addBulk`, as Distributed sends a group's) and all awaited. */
    manySame: async (n: number) => {
      const ids = Array.from({ length: n }, () => `raw-${next++}`)
      const done = Promise.all(ids.map(awaited))
      await queue.addBulk(ids.map((jobId, j) => ({ name: "noop", data: { j }, opts: sameOptions(jobId) })))
      await done
    },
    clean: () => queue.clean(0, 10_000, "completed"),
    close: async () => {
      await events.close()
      await queue.close()
      producer.release()
      listener.release()
    }
  }
}
