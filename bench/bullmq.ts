/**
 * The raw BullMQ side of the distributed benchmarks (bench/distributed.ts,
 * bench/composition.ts, bench/cluster.ts): a queue and its events, as Distributed sets them up.
 */
import { Queue, QueueEvents } from "bullmq"
import { randomUUID } from "node:crypto"
import { bullConnectionOf } from "../src/internal/redis/connection.js"
import { encodeSegment, namespaceKeys, normalizePrefix, queueOf } from "../src/internal/redis/keys.js"
import { defineScripts, runScript, runScriptWithKeys } from "../src/internal/redis/scripts.js"
import { jobIdOf } from "../src/internal/remote.js"
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
  const waiting = new Map<string, { readonly resolve: (returnvalue: unknown) => void; readonly reject: (error: Error) => void }>()
  events.on("completed", ({ jobId, returnvalue }) => {
    waiting.get(jobId)?.resolve(returnvalue)
    waiting.delete(jobId)
  })
  events.on("failed", ({ failedReason, jobId }) => {
    waiting.get(jobId)?.reject(new Error(failedReason))
    waiting.delete(jobId)
  })
  let next = 0
  const awaited = (jobId: string) => new Promise<unknown>((resolve, reject) => waiting.set(jobId, { resolve, reject }))
  const contract = makeContract(url, prefix, queue, awaited)
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
    /** A run of `workflow`'s tasks as jobs with the channel's contract around them, without the library (below). */
    contract: contract.run,
    clean: () => queue.clean(0, 10_000, "completed"),
    close: async () => {
      contract.close()
      await events.close()
      await queue.close()
      producer.release()
      listener.release()
    }
  }
}

/** The job options of a run that is not durable (as `sameOptions` above). */
const runOptions = (jobId: string) => ({ jobId, removeOnComplete: true, removeOnFail: true, attempts: 1 })

/**
 * The floor of a distributed run on this layout: a run's jobs in raw BullMQ and ioredis with what the channel's
 * contract adds to them, and nothing of the library. Each job carries a run's data (the workflow, its plan's
 * hash, the run id, the task, its iteration, attempt and cycles) under a run's job id; the worker answers a
 * run's result (`{ v, ok, value }`: bench/fixtures/distributed-worker.ts); each result is stored where the
 * channel's readers find it (`{id}.__result__` with its index entry, by the channel's own scripts: one
 * `SET_VALUE`, or one `SET_VALUES` for the results that arrive in one tick); the run ends with the channel's
 * final read and its default retention (`ENTRIES` and `EXPIRE`, sent together). Sequential: each job is added
 * once the one before has its result stored (a chain); otherwise all at once (a fan-out).
 */
const makeContract = (
  url: string,
  prefix: string,
  queue: Queue,
  awaited: (jobId: string) => Promise<unknown>
) => {
  const channelPrefix = normalizePrefix(prefix)
  let client: ReturnType<typeof clientOf> | undefined
  const scripted = () => {
    if (client === undefined) {
      client = clientOf(url)
      defineScripts(client)
    }
    return client
  }
  const plan = "0123456789abcdef"
  const run = async (workflow: string, tasks: ReadonlyArray<string>, sequential: boolean) => {
    const c = scripted()
    const runId = randomUUID()
    const namespace = `${workflow}/${runId}`
    const keys = namespaceKeys(channelPrefix, namespace)
    // As the channel writes values (src/internal/redis/store.ts, `setValue`): a tick's first result at once with
    // SET_VALUE, the others of that tick together at its end with SET_VALUES, a thousand at most a call.
    let open = false
    let pending: Array<{ readonly member: string; readonly text: string; readonly done: () => void; readonly failed: (e: unknown) => void }> = []
    const flush = () => {
      open = false
      const batch = pending
      pending = []
      const only = batch.length === 1 ? batch[0] : undefined
      if (only !== undefined) {
        runScript(c, "SET_VALUE", [keys.dataPrefix + only.member, keys.index], [only.text, "", only.member]).then(only.done, only.failed)
        return
      }
      for (let from = 0; from < batch.length; from += 1000) {
        const chunk = batch.slice(from, from + 1000)
        const names = [keys.index]
        const args: Array<string> = []
        for (const write of chunk) {
          names.push(keys.dataPrefix + write.member)
          args.push(write.text, "", write.member)
        }
        runScriptWithKeys(c, "SET_VALUES", names, args).then(() => chunk.forEach((w) => w.done()), (e: unknown) => chunk.forEach((w) => w.failed(e)))
      }
    }
    const store = async (task: string, returnvalue: unknown) => {
      const result: unknown = typeof returnvalue === "string" ? JSON.parse(returnvalue) : returnvalue
      const value = typeof result === "object" && result !== null ? Reflect.get(result, "value") : undefined
      const member = encodeSegment(`${task}.__result__`)
      const text = JSON.stringify(value)
      if (!open) {
        open = true
        process.nextTick(flush)
        await runScript(c, "SET_VALUE", [keys.dataPrefix + member, keys.index], [text, "", member])
        return
      }
      await new Promise<void>((done, failed) => {
        pending.push({ member, text, done, failed })
      })
    }
    const job = (task: string) => {
      // As a run's first attempt of a task carries them.
      const data = { v: 1, workflow, plan, runId, task, iteration: 1, attempt: 1, cycles: { [task]: 1 } }
      return { name: task, data, opts: runOptions(jobIdOf(namespace, data)) }
    }
    if (sequential) {
      for (const task of tasks) {
        const one = job(task)
        const done = awaited(one.opts.jobId)
        await queue.add(one.name, one.data, one.opts)
        await store(task, await done)
      }
    } else {
      const jobs = tasks.map(job)
      const stored = Promise.all(jobs.map((one, i) => awaited(one.opts.jobId).then((value) => store(tasks[i]!, value))))
      await (jobs.length === 1 ? queue.add(jobs[0]!.name, jobs[0]!.data, jobs[0]!.opts) : queue.addBulk(jobs))
      await stored
    }
    // The end: the final read and the retention in one write, corked together as the channel sends them.
    const stream = "stream" in c ? c.stream : undefined
    stream?.cork()
    const read = runScript(c, "ENTRIES", [keys.index], [keys.dataPrefix])
    const retained = runScript(c, "EXPIRE", [keys.index, keys.journal, keys.responseNames, keys.runRecord, keys.runEvents, keys.runLease], [keys.dataPrefix, "86400000", keys.responsePrefix])
    stream?.uncork()
    const [entries] = await Promise.all([read, retained])
    if (!Array.isArray(entries)) throw new Error("ENTRIES did not answer a list")
    return entries
  }
  return { run, close: () => client?.disconnect() }
}
