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
    clean: () => queue.clean(0, 10_000, "completed"),
    close: async () => {
      await events.close()
      await queue.close()
      producer.release()
      listener.release()
    }
  }
}
