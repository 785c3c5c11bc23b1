/**
 * Standalone Redis next to a 3-primary Redis Cluster, both started by the
 * benchmark on this machine (loopback, persistence off), in one run; every
 * round measures each side, in the same order, and ratios pair the figures
 * of one round:
 *
 * 1. `channel`: RedisChannel's sequential set + get (µs per pair) and its
 *    throughput with 64 concurrent fibers (ops/s), on standalone and on the
 *    cluster (a namespace's keys are one hash tag: one slot, one primary);
 *    baselines in the same rounds: raw ioredis `Redis` on standalone and raw
 *    ioredis `Cluster` on the cluster (plain key names, spread over the
 *    primaries as most programs' are; auto-pipelining on for the concurrent
 *    loops) (one warm-up round, then 7);
 * 2. `run`: a 200-task workflow run on RedisChannel (`retention: "delete"`), a
 *    parallel group of 200 tasks each appending to one list, and a chain of
 *    200 tasks each setting a key, ms per run (20 warm-up rounds, then 50; each
 *    run a namespace of its own, so on the cluster runs land on every primary);
 * 3. `distributed`: a fan-out of 200 trivial tasks on 2 worker processes
 *    (concurrency 16 each, bundled like the library's dist): standalone with
 *    one queue; the cluster with one queue; the cluster with two queues whose
 *    slots are on different primaries (two producer layers, a fan-out of 100 on
 *    each, run concurrently; one worker per queue: the same 2 processes and
 *    32 slots as the others); next to raw BullMQ with 200 no-op jobs on 2 raw
 *    workers, on standalone and on the cluster (a `Cluster` connection, the
 *    queue's prefix its hash tag). Every side's workers are up at once (an idle
 *    worker waits in a blocking read) (10 warm-up rounds, then 30).
 *
 *   node bench/run.mjs cluster [channel|run|distributed]     (or: npm run bench:cluster)
 */
import { Context, Effect, Layer } from "effect"
import { Channel, Task, Workflow } from "effect-graflow"
import * as Distributed from "effect-graflow/Distributed"
import * as RedisChannel from "effect-graflow/RedisChannel"
import { Cluster, Redis } from "ioredis"
import { type ChildProcess, spawn } from "node:child_process"
import { randomUUID } from "node:crypto"
import { join } from "node:path"
import { queueOf } from "../src/internal/redis/keys.js"
import { primariesOf, type RedisCluster, type RedisServer, slotOf, startRedisCluster, startRedisServer } from "../test/support/redis.js"
import { clusterArg } from "../test/support/target.js"
import { rawQueue } from "./bullmq.js"
import { fanout, fanoutHalf } from "./fixtures/distributed-flows.js"
import { fanoutOf } from "./shapes.js"
import { channelConcurrent, channelSequential, rawConcurrent, rawSequential } from "./setget.js"
import { machine, median, printTable, spread } from "./support.js"

interface Sides {
  readonly server: RedisServer
  readonly cluster: RedisCluster
}

/** The median of each round's `a[i] / b[i]`: the machine's drift within a round cancels out. */
const paired = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): string => `${median(a.map((x, i) => x / b[i]!)).toFixed(2)}×`

const seeds = (cluster: RedisCluster) =>
  cluster.urls.map((url) => {
    const { hostname, port } = new URL(url)
    return { host: hostname, port: Number(port) }
  })

// -- 1. channel --------------------------------------------------------------------

const SEQUENTIAL = 2_000
const CONCURRENCY = 64
const PER_FIBER = 200
const CHANNEL_ROUNDS = 7

const channelPart = async ({ cluster, server }: Sides) => {
  const rawStandalone = new Redis(server.url)
  const rawStandalonePipelined = new Redis(server.url, { enableAutoPipelining: true })
  const rawCluster = new Cluster(seeds(cluster))
  const rawClusterPipelined = new Cluster(seeds(cluster), { enableAutoPipelining: true })

  const kinds = ["rawStandalone", "channelStandalone", "rawCluster", "channelCluster"] as const
  type Kind = typeof kinds[number]
  const results = await Effect.runPromise(Effect.scoped(Effect.gen(function*() {
    const onStandalone = yield* Layer.build(RedisChannel.layer({ url: server.url, prefix: "bench:" }))
    const onCluster = yield* Layer.build(RedisChannel.layer({ cluster: cluster.urls, prefix: "bench:" }))
    const standalone = yield* Channel.open("bench").pipe(Effect.provideContext(onStandalone))
    const clustered = yield* Channel.open("bench").pipe(Effect.provideContext(onCluster))
    const sequential: Record<Kind, () => Effect.Effect<number, unknown>> = {
      rawStandalone: () => Effect.promise(rawSequential(rawStandalone, SEQUENTIAL)),
      channelStandalone: () => channelSequential(standalone, SEQUENTIAL),
      rawCluster: () => Effect.promise(rawSequential(rawCluster, SEQUENTIAL)),
      channelCluster: () => channelSequential(clustered, SEQUENTIAL)
    }
    const concurrent: Record<Kind, () => Effect.Effect<number, unknown>> = {
      rawStandalone: () => Effect.promise(rawConcurrent(rawStandalonePipelined, CONCURRENCY, PER_FIBER)),
      channelStandalone: () => channelConcurrent(standalone, CONCURRENCY, PER_FIBER),
      rawCluster: () => Effect.promise(rawConcurrent(rawClusterPipelined, CONCURRENCY, PER_FIBER)),
      channelCluster: () => channelConcurrent(clustered, CONCURRENCY, PER_FIBER)
    }
    const seq = Object.fromEntries(kinds.map((k) => [k, [] as Array<number>])) as Record<Kind, Array<number>>
    const con = Object.fromEntries(kinds.map((k) => [k, [] as Array<number>])) as Record<Kind, Array<number>>
    for (let round = -1; round < CHANNEL_ROUNDS; round++) {
      for (const kind of kinds) {
        const s = yield* sequential[kind]()
        const c = yield* concurrent[kind]()
        if (round >= 0) {
          seq[kind].push(s)
          con[kind].push(c)
        }
      }
    }
    return { seq, con }
  })))
  await Promise.all([rawStandalone.quit(), rawStandalonePipelined.quit(), rawCluster.quit(), rawClusterPipelined.quit()])

  const { con, seq } = results
  const us = (xs: ReadonlyArray<number>) => `${median(xs).toFixed(1)} (${spread(xs)})`
  const ops = (xs: ReadonlyArray<number>) => `${Math.round(median(xs)).toLocaleString("en")} (${spread(xs)})`
  const row = (label: string, xs: Record<Kind, ReadonlyArray<number>>, cell: (xs: ReadonlyArray<number>) => string) => [
    label,
    ...kinds.map((kind) => cell(xs[kind])),
    paired(xs.channelStandalone, xs.rawStandalone),
    paired(xs.channelCluster, xs.rawCluster),
    paired(xs.channelCluster, xs.channelStandalone),
    paired(xs.rawCluster, xs.rawStandalone)
  ]
  printTable(["measure", "raw ioredis, standalone", "RedisChannel, standalone", "raw ioredis Cluster", "RedisChannel, cluster", "channel / raw, standalone", "channel / raw, cluster", "cluster / standalone, channel", "cluster / standalone, raw"], [
    row("sequential set+get (µs per pair)", seq, us),
    row(`${CONCURRENCY} concurrent fibers (ops/s; raw with auto-pipelining)`, con, ops)
  ])
}

// -- 2. a 200-task run ---------------------------------------------------------------

const RUN_WARMUP = 20
const RUN_ROUNDS = 50

/** A chain of `n` tasks, each setting a key of its own. */
const settingChain = (n: number) => {
  const [first, ...rest] = Array.from({ length: n }, (_, i) => Task.make(`s${i}`, (ctx) => ctx.untyped.set(`k${i}`, i)))
  return Workflow.make(`setting-chain-${n}`, Workflow.chain(first!, ...rest))
}

const runPart = async ({ cluster, server }: Sides) => {
  const group = fanoutOf(200)
  const chain = settingChain(200)
  const rows = await Effect.runPromise(Effect.scoped(Effect.gen(function*() {
    const onStandalone = yield* Layer.build(RedisChannel.layer({ url: server.url, prefix: "bench:", retention: "delete" }))
    const onCluster = yield* Layer.build(RedisChannel.layer({ cluster: cluster.urls, prefix: "bench:", retention: "delete" }))
    const timedRun = (run: Effect.Effect<unknown, unknown, Channel.Channel>, context: Context.Context<Channel.Channel>) =>
      Effect.gen(function*() {
        const started = performance.now()
        yield* run.pipe(Effect.provideContext(context))
        return performance.now() - started
      })
    const rows: Array<ReadonlyArray<string>> = []
    for (const [label, workflow] of [["parallel group of 200 tasks appending to one list", group], ["chain of 200 tasks each setting a key", chain]] as const) {
      const run = Workflow.run(workflow as Workflow.Workflow<string, unknown, unknown, never, object>)
      const standalone: Array<number> = []
      const clustered: Array<number> = []
      for (let i = 0; i < RUN_WARMUP + RUN_ROUNDS; i++) {
        const a = yield* timedRun(run, onStandalone)
        const b = yield* timedRun(run, onCluster)
        if (i >= RUN_WARMUP) {
          standalone.push(a)
          clustered.push(b)
        }
      }
      rows.push([
        label,
        `${median(standalone).toFixed(1)} ms (${spread(standalone)})`,
        `${median(clustered).toFixed(1)} ms (${spread(clustered)})`,
        paired(clustered, standalone)
      ])
    }
    return rows
  })))
  printTable(["a 200-task run on RedisChannel", "standalone", "3-primary cluster", "cluster / standalone (per round, median)"], rows)
}

// -- 3. distributed ------------------------------------------------------------------

// From the project's root (bench/run.mjs bundles this file and the worker into .bench/).
const worker = join(process.cwd(), ".bench", "distributed-worker.mjs")

const start = (kind: "graflow" | "raw", target: string, prefix: string, queue?: string): Promise<ChildProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [worker, kind, target, prefix], {
      stdio: ["ignore", "pipe", "inherit"],
      env: queue === undefined ? process.env : { ...process.env, QUEUE: queue }
    })
    child.stdout?.once("data", () => resolve(child))
    child.once("exit", (code) => reject(new Error(`worker exited with ${code}`)))
  })

const stop = (children: ReadonlyArray<ChildProcess>) =>
  Promise.all(children.map((c) =>
    new Promise<void>((resolve) => {
      c.once("exit", () => resolve())
      c.kill("SIGKILL")
    })
  ))

const DIST_WARMUP = 10
const DIST_ROUNDS = 30

/** Two queue names whose slots are on different primaries of the cluster. */
const twoQueues = async (cluster: RedisCluster, prefix: string): Promise<readonly [string, string]> => {
  const primaries = await primariesOf(cluster.nodes[0]!.port)
  const primaryOf = (queue: string) => {
    const slot = slotOf(queueOf({ prefix, queue }).prefix)
    return primaries.findIndex((p) => p.slots.some(([from, to]) => slot >= from && slot <= to))
  }
  const names = Array.from({ length: 64 }, (_, i) => `q${i}`)
  const first = names[0]!
  const second = names.find((queue) => primaryOf(queue) !== primaryOf(first))!
  return [first, second]
}

const distributedPart = async ({ cluster, server }: Sides) => {
  const onCluster = clusterArg(cluster.urls)
  const prefix = (side: string) => `bench:${side}:${randomUUID().slice(0, 6)}:`
  const standalonePrefix = prefix("s")
  const oneQueuePrefix = prefix("c1")
  const twoQueuePrefix = prefix("c2")
  const rawStandalonePrefix = prefix("rs")
  const rawClusterPrefix = prefix("rc")
  const [q1, q2] = await twoQueues(cluster, twoQueuePrefix)
  const workers = await Promise.all([
    start("graflow", server.url, standalonePrefix),
    start("graflow", server.url, standalonePrefix),
    start("graflow", onCluster, oneQueuePrefix),
    start("graflow", onCluster, oneQueuePrefix),
    start("graflow", onCluster, twoQueuePrefix, q1),
    start("graflow", onCluster, twoQueuePrefix, q2),
    start("raw", server.url, rawStandalonePrefix),
    start("raw", server.url, rawStandalonePrefix),
    start("raw", onCluster, rawClusterPrefix),
    start("raw", onCluster, rawClusterPrefix)
  ])
  const rawStandalone = await rawQueue(server.url, rawStandalonePrefix)
  const rawCluster = await rawQueue(onCluster, rawClusterPrefix)
  const rawRound = (raw: Awaited<ReturnType<typeof rawQueue>>) => async () => {
    const started = performance.now()
    await raw.many(200)
    const time = performance.now() - started
    await raw.clean()
    return time
  }
  const sides = ["standalone", "cluster1", "cluster2", "rawStandalone", "rawCluster"] as const
  type Side = typeof sides[number]
  const times = await Effect.runPromise(Effect.scoped(Effect.gen(function*() {
    const dispatcher = (redis: Distributed.Options["redis"], prefix: string, queue?: string) =>
      Layer.build(Distributed.layer({ redis, prefix, queue }))
    const standalone = yield* dispatcher(server.url, standalonePrefix)
    const cluster1 = yield* dispatcher({ cluster: cluster.urls }, oneQueuePrefix)
    const first = yield* dispatcher({ cluster: cluster.urls }, twoQueuePrefix, q1)
    const second = yield* dispatcher({ cluster: cluster.urls }, twoQueuePrefix, q2)
    const timed = (run: Effect.Effect<unknown, unknown>) =>
      Effect.gen(function*() {
        const started = performance.now()
        yield* run
        return performance.now() - started
      })
    const rounds: Record<Side, Effect.Effect<number, unknown>> = {
      standalone: timed(Distributed.run(fanout).pipe(Effect.provideContext(standalone))),
      cluster1: timed(Distributed.run(fanout).pipe(Effect.provideContext(cluster1))),
      cluster2: timed(Effect.all([
        Distributed.run(fanoutHalf).pipe(Effect.provideContext(first)),
        Distributed.run(fanoutHalf).pipe(Effect.provideContext(second))
      ], { concurrency: 2, discard: true })),
      rawStandalone: Effect.promise(rawRound(rawStandalone)),
      rawCluster: Effect.promise(rawRound(rawCluster))
    }
    const times = Object.fromEntries(sides.map((side) => [side, [] as Array<number>])) as Record<Side, Array<number>>
    for (let i = 0; i < DIST_WARMUP + DIST_ROUNDS; i++) {
      for (const side of sides) {
        const time = yield* rounds[side]
        if (i >= DIST_WARMUP) times[side].push(time)
      }
    }
    return times
  })))
  await rawStandalone.close()
  await rawCluster.close()
  await stop(workers)
  const cell = (xs: ReadonlyArray<number>) => `${median(xs).toFixed(0)} ms (${spread(xs)}), ${(200 / (median(xs) / 1000)).toFixed(0)}/s`
  printTable(["200 tasks, fan-out, 2 workers", "time per run (tasks/s)", "/ raw BullMQ on the same Redis (per round, median)", "/ standalone (per round, median)"], [
    ["effect-graflow, standalone, 1 queue", cell(times.standalone), paired(times.standalone, times.rawStandalone), "1.00×"],
    ["effect-graflow, cluster, 1 queue", cell(times.cluster1), paired(times.cluster1, times.rawCluster), paired(times.cluster1, times.standalone)],
    [
      "effect-graflow, cluster, 2 queues on 2 primaries (100 tasks each, at once; 1 worker each)",
      cell(times.cluster2),
      paired(times.cluster2, times.rawCluster),
      paired(times.cluster2, times.standalone)
    ],
    ["raw BullMQ, standalone, 200 no-op jobs", cell(times.rawStandalone), "1.00×", "—"],
    ["raw BullMQ, cluster, 200 no-op jobs", cell(times.rawCluster), "1.00×", paired(times.rawCluster, times.rawStandalone)]
  ])
}

const parts = { channel: channelPart, run: runPart, distributed: distributedPart }

const main = async () => {
  const chosen = process.argv.slice(2).filter((name): name is keyof typeof parts => name in parts)
  const server = await startRedisServer()
  const cluster = await startRedisCluster(3).catch(async (error: unknown) => {
    await server.stop()
    throw error
  })
  try {
    console.log(machine(`redis-server ${server.version}, standalone and a 3-primary cluster on loopback`))
    for (const name of chosen.length === 0 ? (["channel", "run", "distributed"] as const) : chosen) {
      console.log()
      await parts[name]({ server, cluster })
    }
  } finally {
    await cluster.stop()
    await server.stop()
  }
}

await main()
process.exit(0)
