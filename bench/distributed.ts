/**
 * Distributed runs on worker processes, next to raw BullMQ on the same
 * throwaway redis-server in the same run (20 warm-up rounds each, then 30):
 *
 * 1. a fan-out of 200 trivial tasks on 1, 2 and 4 effect-graflow workers, and
 *    200 no-op BullMQ jobs on 1, 2 and 4 raw BullMQ workers (concurrency 16
 *    each; the producer adds the jobs and waits for each through QueueEvents),
 *    rounds alternating between the two, both sides' workers up;
 * 2. the round trip of a one-task run on an idle system (p50, p99);
 * 3. a worker's heap (after a GC) after 10,000 tasks and after 100,000.
 *
 * Workers run as plain JavaScript (bench/run.mjs bundles bench/fixtures/distributed-worker.ts
 * into .bench/, both kinds alike), as a deployed worker runs the library's dist.
 *
 *   node bench/run.mjs distributed        (or: npm run bench:distributed)
 */
import { Queue, QueueEvents } from "bullmq"
import { Redis } from "ioredis"
import { Effect } from "effect"
import * as Distributed from "effect-graflow/Distributed"
import { type ChildProcess, spawn } from "node:child_process"
import { randomUUID } from "node:crypto"
import { join } from "node:path"
import { startRedisServer } from "../test/support/redis.js"
import { fanout, single } from "./fixtures/distributed-flows.js"
import { machine, median, printTable, spread } from "./support.js"
import { bullConnection } from "../src/internal/redis/connection.js"
import { queueOf } from "../src/internal/redis/keys.js"

// From the project's root (bench/run.mjs bundles this file and the worker into .bench/).
const worker = join(process.cwd(), ".bench", "distributed-worker.mjs")

const start = (kind: "graflow" | "raw", url: string, prefix: string): Promise<ChildProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", worker, kind, url, prefix], {
      stdio: ["ignore", "pipe", "inherit"]
    })
    child.stdout?.once("data", () => resolve(child))
    child.once("exit", (code) => reject(new Error(`worker exited with ${code}`)))
  })

const heapOf = (child: ChildProcess): Promise<number> =>
  new Promise((resolve) => {
    const listener = (chunk: Buffer) => {
      const match = /HEAP (\d+)/.exec(chunk.toString())
      if (match === null) return
      child.stdout?.off("data", listener)
      resolve(Number(match[1]))
    }
    child.stdout?.on("data", listener)
    child.kill("SIGUSR2")
  })

const stop = (children: ReadonlyArray<ChildProcess>) =>
  Promise.all(children.map((c) => new Promise<void>((resolve) => {
    c.once("exit", () => resolve())
    c.kill("SIGKILL")
  })))

const ROUNDS = 30
/** Warm-up rounds of each side: the JIT settles on both before anything is measured. */
const WARMUP = 20

const main = async () => {
  const server = await startRedisServer()
  const url = server.url
  const rows: Array<ReadonlyArray<string>> = []
  try {
    for (const n of [1, 2, 4]) {
      // Both sides' workers are up at once (an idle BullMQ worker waits in a blocking read), and the
      // rounds alternate, graflow then raw: each pair of rounds meets the same machine.
      const prefix = `bench:${randomUUID().slice(0, 6)}:`
      const rawPrefix = `bench:${randomUUID().slice(0, 6)}:`
      const workers = await Promise.all(Array.from({ length: n }, () => start("graflow", url, prefix)))
      const raws = await Promise.all(Array.from({ length: n }, () => start("raw", url, rawPrefix)))
      const layer = Distributed.layer({ redis: url, prefix })
      // raw BullMQ: the same number of workers, no-op jobs, awaited through QueueEvents
      const { name, prefix: bull } = queueOf({ prefix: rawPrefix })
      const queue = new Queue(name, { connection: bullConnection(url), prefix: bull })
      queue.setMaxListeners(0)
      // Read from the server's time now, as Distributed does: from "$" (the default) an event that comes
      // before the first blocking read is missed, and its job waited for forever.
      const clock = new Redis(url)
      const [seconds, micros] = await clock.time()
      clock.disconnect()
      const lastEventId = `${Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)}-0`
      const events = new QueueEvents(name, { connection: bullConnection(url), prefix: bull, lastEventId })
      await events.waitUntilReady()
      const rawRound = async () => {
        const started = performance.now()
        const jobs = await queue.addBulk(Array.from({ length: 200 }, (_, j) => ({ name: "noop", data: { j }, opts: { removeOnComplete: false } })))
        await Promise.all(jobs.map((job) => job.waitUntilFinished(events)))
        const time = performance.now() - started
        await queue.clean(0, 1000, "completed")
        return time
      }
      const times: Array<number> = []
      const rawTimes: Array<number> = []
      await Effect.runPromise(Effect.gen(function*() {
        for (let i = 0; i < WARMUP + ROUNDS; i++) {
          const started = performance.now()
          yield* Distributed.run(fanout)
          const time = performance.now() - started
          const rawTime = yield* Effect.promise(rawRound)
          if (i >= WARMUP) {
            times.push(time)
            rawTimes.push(rawTime)
          }
        }
      }).pipe(Effect.provide(layer)))
      await events.close()
      await queue.close()
      await stop([...workers, ...raws])
      const perSecond = (ms: number) => (200 / (ms / 1000)).toFixed(0)
      rows.push([
        `${n} worker${n > 1 ? "s" : ""}`,
        `${median(times).toFixed(0)} ms (${spread(times)})`,
        `${perSecond(median(times))}/s`,
        `${median(rawTimes).toFixed(0)} ms (${spread(rawTimes)})`,
        `${perSecond(median(rawTimes))}/s`,
        (median(rawTimes) / median(times)).toFixed(2),
        // Each round against the raw round right after it: what the machine's drift does to both cancels out.
        median(times.map((time, i) => rawTimes[i]! / time)).toFixed(2)
      ])
    }
    console.log(machine(`redis-server ${server.version}`))
    console.log()
    printTable(["200 tasks, fan-out", "effect-graflow", "tasks/s", "raw BullMQ, 200 no-op jobs", "jobs/s", "effect-graflow / raw (medians)", "per pair of rounds (median)"], rows)

    // round trip and memory, one worker
    const prefix = `bench:${randomUUID().slice(0, 6)}:`
    const [one] = await Promise.all([start("graflow", url, prefix)])
    const layer = Distributed.layer({ redis: url, prefix })
    const { heaps, trips } = await Effect.runPromise(Effect.gen(function*() {
      for (let i = 0; i < 20; i++) yield* Distributed.run(single)
      const trips: Array<number> = []
      for (let i = 0; i < 300; i++) {
        const started = performance.now()
        yield* Distributed.run(single)
        trips.push(performance.now() - started)
      }
      for (let i = 0; i < 50; i++) yield* Distributed.run(fanout)
      const at10k = yield* Effect.promise(() => heapOf(one!))
      for (let i = 0; i < 450; i++) yield* Distributed.run(fanout)
      const at100k = yield* Effect.promise(() => heapOf(one!))
      return { trips, heaps: [at10k, at100k] as const }
    }).pipe(Effect.provide(layer)))
    await stop([one!])
    const sorted = [...trips].sort((a, b) => a - b)
    const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
    console.log()
    printTable(["one-task run, idle", "p50", "p99"], [["round trip", `${p(0.5).toFixed(2)} ms`, `${p(0.99).toFixed(2)} ms`]])
    console.log()
    printTable(["worker heap after a GC", "after 10,000 tasks", "after 100,000 tasks"], [[
      "heapUsed",
      `${(heaps[0] / 1e6).toFixed(1)} MB`,
      `${(heaps[1] / 1e6).toFixed(1)} MB`
    ]])
  } finally {
    await server.stop()
  }
}

await main()
process.exit(0)
