/**
 * Distributed runs on worker processes, next to raw BullMQ on the same
 * throwaway redis-server in the same run, rounds alternating between the two
 * (each pair of rounds meets the same machine), both sides' workers up:
 *
 * 1. `fanout`: a fan-out of 200 trivial tasks on 1, 2 and 4 effect-graflow workers, and
 *    200 no-op BullMQ jobs on 1, 2 and 4 raw BullMQ workers (concurrency 16
 *    each; the producer adds the jobs and waits for each through QueueEvents)
 *    (60 warm-up rounds each, then 30);
 * 2. `chain`: a chain of 200 trivial tasks on one worker, and 200 no-op BullMQ
 *    jobs one after another (each added once the one before has finished) (40 warm-up rounds, then 20);
 * 3. `trip`: the round trip of a one-task run, and of one raw job (Queue.add, then
 *    waitUntilFinished through QueueEvents) (p50, p99, ratio) (3,000 warm-up rounds, then 400);
 *    both quiet, then with the CPU contended (a tenth of the warm-up again, the code being warm by then);
 * 4. `heap`: a worker's heap (after a GC) after 10,000 tasks and after 100,000;
 * 5. `cpu`: CPU per task of the producer, the worker and redis-server, and Redis commands per task, for the
 *    fan-out on one worker, each side (the contract's floor included).
 *
 * Each effect-graflow round is followed by three raw ones: jobs kept (`removeOnComplete: false`, each awaited
 * with `waitUntilFinished`, cleaned after the round, untimed: the first baseline); the same jobs as a run
 * sends (removed when they end, one attempt, awaited from the event stream as Distributed awaits its own:
 * the same work in BullMQ as a run's jobs, without the engine); and the contract's floor: those jobs with a
 * run's data and result, each result stored by the channel's own scripts and the run's end (its final read and
 * retention), in plain ioredis — the same work in Redis as a run, without the library (bench/bullmq.ts).
 *
 * `chain` and `trip` run on a quiet machine, then with the CPU contended (a
 * busy-looping process per core, at the same priority), where every wake-up
 * of a process waits for the scheduler.
 *
 * Workers run as plain JavaScript (bench/run.mjs bundles bench/fixtures/distributed-worker.ts
 * into .bench/, both kinds alike), as a deployed worker runs the library's dist.
 *
 *   node bench/run.mjs distributed [fanout|chain|trip|heap|cpu]       (or: npm run bench:distributed)
 */
import { Effect, ManagedRuntime } from "effect"
import * as Distributed from "effect-graflow/Distributed"
import { type ChildProcess, spawn } from "node:child_process"
import { randomUUID } from "node:crypto"
import { cpus } from "node:os"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { startRedisServer } from "../test/support/redis.js"
import { clientOf } from "../test/support/target.js"
import { chain, fanout, single } from "./fixtures/distributed-flows.js"
import { machine, median, printTable, spread } from "./support.js"
import { rawQueue } from "./bullmq.js"

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
/**
 * Warm-up rounds of each side: the JIT settles on both before anything is measured. A run's code runs once
 * per run (a task's once per task), so it takes thousands of runs to be optimized where raw BullMQ's smaller
 * path takes hundreds: a one-task run took 1.39 ms in its first 500 runs, 0.99 in the next 500 and settled
 * at 0.69–0.76 after 3,000 (raw's settled after 1,000). Each part warms up until both sides have settled.
 */
const WARMUP = 60

/**
 * Busy-looping processes, one per core, at the same priority as the benchmark's: a contended CPU,
 * where each wake-up of a process (a reply read, a job picked up) waits for the scheduler. Stopped by `stop`.
 */
const contend = async (): Promise<ReadonlyArray<ChildProcess>> => {
  const loops = Array.from({ length: cpus().length * Number(process.env.BENCH_CONTEND ?? 1) }, () => spawn(process.execPath, ["-e", "process.stdout.write('UP\\n'); for (;;) {}"], { stdio: ["ignore", "pipe", "ignore"] }))
  await Promise.all(loops.map((loop) => new Promise((resolve) => loop.stdout?.once("data", resolve))))
  return loops
}


/** Each round against the raw round right after it: what the machine's drift does to both cancels out. */
const pairRatio = (ours: ReadonlyArray<number>, raw: ReadonlyArray<number>) => median(ours.map((time, i) => time / raw[i]!)).toFixed(2)
/** The task ids of the fan-out and the chain (bench/fixtures/distributed-flows.ts), for the contract's floor. */
const fanoutIds = Array.from({ length: 200 }, (_, i) => `t${i}`)
const chainIds = Array.from({ length: 200 }, (_, i) => `c${i}`)
const quantile = (values: ReadonlyArray<number>, q: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}

const fanoutPart = async (url: string) => {
  const rows: Array<ReadonlyArray<string>> = []
  for (const n of [1, 2, 4]) {
    // Both sides' workers are up at once (an idle BullMQ worker waits in a blocking read), and the
    // rounds alternate, graflow then raw: each pair of rounds meets the same machine.
    const prefix = `bench:${randomUUID().slice(0, 6)}:`
    const rawPrefix = `bench:${randomUUID().slice(0, 6)}:`
    const workers = await Promise.all(Array.from({ length: n }, () => start("graflow", url, prefix)))
    const raws = await Promise.all(Array.from({ length: n }, () => start("raw", url, rawPrefix)))
    const layer = Distributed.layer({ redis: url, prefix })
    // raw BullMQ: the same number of workers, no-op jobs, awaited through QueueEvents
    const raw = await rawQueue(url, rawPrefix)
    const rawRound = async () => {
      const started = performance.now()
      await raw.many(200)
      const time = performance.now() - started
      await raw.clean()
      return time
    }
    const sameRound = async () => {
      const started = performance.now()
      await raw.manySame(200)
      return performance.now() - started
    }
    const contractRound = async () => {
      const started = performance.now()
      await raw.contract("fanout-200", fanoutIds, false)
      return performance.now() - started
    }
    const times: Array<number> = []
    const rawTimes: Array<number> = []
    const sameTimes: Array<number> = []
    const contractTimes: Array<number> = []
    await Effect.runPromise(Effect.gen(function*() {
      for (let i = 0; i < WARMUP + ROUNDS; i++) {
        const started = performance.now()
        yield* Distributed.run(fanout)
        const time = performance.now() - started
        const rawTime = yield* Effect.promise(rawRound)
        const sameTime = yield* Effect.promise(sameRound)
        const contractTime = yield* Effect.promise(contractRound)
        if (i >= WARMUP) {
          times.push(time)
          rawTimes.push(rawTime)
          sameTimes.push(sameTime)
          contractTimes.push(contractTime)
        }
      }
    }).pipe(Effect.provide(layer)))
    await raw.close()
    await stop([...workers, ...raws])
    const perSecond = (ms: number) => (200 / (ms / 1000)).toFixed(0)
    rows.push([
      `${n} worker${n > 1 ? "s" : ""}`,
      `${median(times).toFixed(0)} ms (${spread(times)})`,
      `${perSecond(median(times))}/s`,
      `${median(rawTimes).toFixed(0)} ms (${spread(rawTimes)})`,
      pairRatio(times, rawTimes),
      `${median(sameTimes).toFixed(0)} ms (${spread(sameTimes)})`,
      pairRatio(times, sameTimes),
      `${median(contractTimes).toFixed(0)} ms (${spread(contractTimes)})`,
      pairRatio(times, contractTimes),
      pairRatio(contractTimes, sameTimes)
    ])
  }
  printTable([
    "200 tasks, fan-out",
    "effect-graflow",
    "tasks/s",
    "raw BullMQ, 200 no-op jobs kept (cleaned after the round, untimed)",
    "time, per round against it (median)",
    "raw BullMQ, the same jobs as a run's (removed when they end), awaited from the event stream",
    "time, per round against it (median)",
    "the contract's floor: those jobs with a run's data and result, results stored, the run's end",
    "time, per round against it (median)",
    "the floor against the same jobs (median)"
  ], rows)
}

/**
 * `rounds` rounds of effect-graflow's (`ours`, on the layer), raw BullMQ's with its jobs kept (`raw`) and raw
 * BullMQ's with a run's job options (`same`) and the contract's floor (`contract`), in turn, after `warmup` (the
 * contended condition, after the quiet one, warms up a tenth of it); quiet, then with the CPU contended. A row per
 * condition.
 */
const paired = async (
  label: string,
  layer: ReturnType<typeof Distributed.layer>,
  ours: Effect.Effect<unknown, unknown, Distributed.Dispatcher>,
  raw: () => Promise<unknown>,
  same: () => Promise<unknown>,
  contract: () => Promise<unknown>,
  clean: () => Promise<unknown>,
  warmup: number,
  rounds: number
): Promise<Array<ReadonlyArray<string>>> => {
  const rows: Array<ReadonlyArray<string>> = []
  const timed = (run: () => Promise<unknown>) => Effect.promise(async () => {
    const started = performance.now()
    await run()
    return performance.now() - started
  })
  await Effect.runPromise(Effect.gen(function*() {
    for (const condition of ["quiet", "contended"] as const) {
      const loops = condition === "contended" ? yield* Effect.promise(contend) : []
      const times: Array<number> = []
      const rawTimes: Array<number> = []
      const sameTimes: Array<number> = []
      const contractTimes: Array<number> = []
      const warm = condition === "quiet" ? warmup : Math.ceil(warmup / 10)
      for (let i = 0; i < warm + rounds; i++) {
        const started = performance.now()
        yield* ours
        const time = performance.now() - started
        const rawTime = yield* timed(raw)
        const sameTime = yield* timed(same)
        const contractTime = yield* timed(contract)
        if (i >= warm) {
          times.push(time)
          rawTimes.push(rawTime)
          sameTimes.push(sameTime)
          contractTimes.push(contractTime)
        }
        if (i % 50 === 49) yield* Effect.promise(clean)
      }
      yield* Effect.promise(() => stop(loops))
      yield* Effect.promise(clean)
      rows.push([
        `${label}, ${condition}`,
        `${median(times).toFixed(2)} ms (p99 ${quantile(times, 0.99).toFixed(2)})`,
        `${median(rawTimes).toFixed(2)} ms (p99 ${quantile(rawTimes, 0.99).toFixed(2)})`,
        pairRatio(times, rawTimes),
        `${median(sameTimes).toFixed(2)} ms (p99 ${quantile(sameTimes, 0.99).toFixed(2)})`,
        pairRatio(times, sameTimes),
        `${median(contractTimes).toFixed(2)} ms (p99 ${quantile(contractTimes, 0.99).toFixed(2)})`,
        pairRatio(times, contractTimes),
        pairRatio(contractTimes, sameTimes)
      ])
    }
  }).pipe(Effect.provide(layer)))
  return rows
}

const header = (what: string) => [
  what,
  "effect-graflow (p50)",
  "raw BullMQ, jobs kept (p50)",
  "per round against it (median)",
  "raw BullMQ, a run's job options (p50)",
  "per round against it (median)",
  "the contract's floor: a run's jobs, results stored, the run's end (p50)",
  "per round against it (median)",
  "the floor against the same jobs (median)"
]

const chainPart = async (url: string) => {
  const prefix = `bench:${randomUUID().slice(0, 6)}:`
  const rawPrefix = `bench:${randomUUID().slice(0, 6)}:`
  const workers = await Promise.all([start("graflow", url, prefix), start("raw", url, rawPrefix)])
  const raw = await rawQueue(url, rawPrefix)
  const rows = await paired("1 worker", Distributed.layer({ redis: url, prefix }), Distributed.run(chain), async () => {
    for (let i = 0; i < 200; i++) await raw.one()
  }, async () => {
    for (let i = 0; i < 200; i++) await raw.oneSame()
  }, () => raw.contract("chain-200", chainIds, true), raw.clean, 40, 20)
  await raw.close()
  await stop(workers)
  printTable(header("200 tasks, chain"), rows)
}

const tripPart = async (url: string) => {
  const prefix = `bench:${randomUUID().slice(0, 6)}:`
  const rawPrefix = `bench:${randomUUID().slice(0, 6)}:`
  const workers = await Promise.all([start("graflow", url, prefix), start("raw", url, rawPrefix)])
  const raw = await rawQueue(url, rawPrefix)
  const rows = await paired("round trip", Distributed.layer({ redis: url, prefix }), Distributed.run(single), raw.one, raw.oneSame, () => raw.contract("single", ["one"], false), raw.clean, 3_000, 400)
  await raw.close()
  await stop(workers)
  printTable(header("one-task run / one raw job"), rows)
}

const heapPart = async (url: string) => {
  const prefix = `bench:${randomUUID().slice(0, 6)}:`
  const [one] = await Promise.all([start("graflow", url, prefix)])
  const layer = Distributed.layer({ redis: url, prefix })
  const heaps = await Effect.runPromise(Effect.gen(function*() {
    for (let i = 0; i < 50; i++) yield* Distributed.run(fanout)
    const at10k = yield* Effect.promise(() => heapOf(one!))
    for (let i = 0; i < 450; i++) yield* Distributed.run(fanout)
    const at100k = yield* Effect.promise(() => heapOf(one!))
    return [at10k, at100k] as const
  }).pipe(Effect.provide(layer)))
  await stop([one!])
  printTable(["worker heap after a GC", "after 10,000 tasks", "after 100,000 tasks"], [[
    "heapUsed",
    `${(heaps[0] / 1e6).toFixed(1)} MB`,
    `${(heaps[1] / 1e6).toFixed(1)} MB`
  ]])
}

/** A process's CPU time so far, in ms (`/proc`: user + system, in ticks of 10 ms). */
const cpuOf = (pid: number | "self"): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")
  return (Number(fields[11]) + Number(fields[12])) * 10
}

/**
 * CPU per task of each process — this producer, the worker, redis-server — over blocks of 50 fan-out rounds
 * (10,000 tasks) on one worker, the three sides' blocks in turn, three times; and the Redis commands per task
 * (`INFO commandstats`, scripts' inner commands included) with the server's time for them. The processes share
 * the machine's cores, so the sum is what a round's time follows.
 */
const cpuPart = async (url: string) => {
  const prefix = `bench:${randomUUID().slice(0, 6)}:`
  const rawPrefix = `bench:${randomUUID().slice(0, 6)}:`
  const [ourWorker, rawWorker] = await Promise.all([start("graflow", url, prefix), start("raw", url, rawPrefix)])
  const raw = await rawQueue(url, rawPrefix)
  const admin = clientOf(url)
  const redisPid = Number((await admin.info("server")).match(/process_id:(\d+)/)?.[1])
  const runtime = ManagedRuntime.make(Distributed.layer({ redis: url, prefix }))
  const sides = [
    { label: "effect-graflow", worker: ourWorker, round: () => runtime.runPromise(Distributed.run(fanout)) },
    { label: "raw BullMQ, jobs kept (cleaned after each round, counted)", worker: rawWorker, round: async () => {
      await raw.many(200)
      await raw.clean()
    } },
    { label: "raw BullMQ, a run's job options", worker: rawWorker, round: () => raw.manySame(200) },
    { label: "the contract's floor (a run's jobs, results stored, the run's end)", worker: rawWorker, round: () => raw.contract("fanout-200", fanoutIds, false) }
  ]
  const ROUNDS_PER_BLOCK = 50
  const tasks = ROUNDS_PER_BLOCK * 200
  const samples = sides.map(() => ({ producer: [] as Array<number>, worker: [] as Array<number>, redis: [] as Array<number>, commands: [] as Array<number>, usec: [] as Array<number> }))
  for (const side of sides) for (let i = 0; i < WARMUP; i++) await side.round()
  for (let block = 0; block < 3; block++) {
    for (const [i, side] of sides.entries()) {
      await admin.config("RESETSTAT")
      const before = [cpuOf("self"), cpuOf(side.worker.pid!), cpuOf(redisPid)] as const
      for (let r = 0; r < ROUNDS_PER_BLOCK; r++) await side.round()
      const after = [cpuOf("self"), cpuOf(side.worker.pid!), cpuOf(redisPid)] as const
      let calls = 0
      let usec = 0
      const each: Array<string> = []
      for (const line of (await admin.info("commandstats")).split("\r\n")) {
        const stat = /^cmdstat_(\w+):calls=(\d+),usec=(\d+)/.exec(line)
        if (stat === null || stat[1] === "config" || stat[1] === "info") continue
        calls += Number(stat[2])
        usec += Number(stat[3])
        each.push(`${stat[1]} ${(Number(stat[2]) / tasks).toFixed(2)} (${(Number(stat[3]) / tasks).toFixed(1)} µs)`)
      }
      // BENCH_COMMANDS=1: each command's calls and server time per task, scripts' inner commands included.
      if (process.env.BENCH_COMMANDS !== undefined && block === 2) console.log(`${side.label}: ${each.join(", ")}`)
      const perTask = (ms: number) => ms * 1000 / tasks
      samples[i]!.producer.push(perTask(after[0] - before[0]))
      samples[i]!.worker.push(perTask(after[1] - before[1]))
      samples[i]!.redis.push(perTask(after[2] - before[2]))
      samples[i]!.commands.push(calls / tasks)
      samples[i]!.usec.push(usec / tasks)
    }
  }
  await runtime.dispose()
  await raw.close()
  admin.disconnect()
  await stop([ourWorker, rawWorker])
  printTable(
    ["200 tasks, fan-out, 1 worker: per task (median of 3 blocks of 10,000 tasks)", "producer CPU", "worker CPU", "redis-server CPU", "sum", "Redis commands", "Redis server time"],
    sides.map((side, i) => {
      const s = samples[i]!
      const [p, w, r] = [median(s.producer), median(s.worker), median(s.redis)]
      return [side.label, `${p.toFixed(1)} µs`, `${w.toFixed(1)} µs`, `${r.toFixed(1)} µs`, `${(p + w + r).toFixed(1)} µs`, median(s.commands).toFixed(1), `${median(s.usec).toFixed(1)} µs`]
    })
  )
}

const parts = { fanout: fanoutPart, chain: chainPart, trip: tripPart, heap: heapPart, cpu: cpuPart }

const main = async () => {
  const chosen = process.argv.slice(2).filter((name): name is keyof typeof parts => name in parts)
  const server = await startRedisServer()
  try {
    console.log(machine(`redis-server ${server.version}`))
    for (const name of chosen.length === 0 ? (["fanout", "chain", "trip", "heap", "cpu"] as const) : chosen) {
      console.log()
      await parts[name](server.url)
    }
  } finally {
    await server.stop()
  }
}

await main()
process.exit(0)
