/**
 * RedisChannel against raw ioredis on the same throwaway server, side by side:
 *
 * 1. sequential set + get latency (one pair at a time), with the layout's floor
 *    next to it: the channel's own write script and a GET, from an Effect program;
 * 2. throughput with 64 concurrent fibers / promise loops, auto-pipelining on;
 * 3. the latency of a whole workflow run (3 tasks) on an empty database and
 *    with 1,000,000 unrelated keys, next to what a SCAN of the database for one
 *    namespace (what a run's end cost before the per-namespace index) takes.
 *
 *   npx tsx bench/redis.ts            (or: npm run bench:redis)
 */
import { Effect } from "effect"
import { Task, Workflow } from "effect-graflow"
import { Redis } from "ioredis"
import { Channel } from "effect-graflow"
import * as RedisChannel from "effect-graflow/RedisChannel"
import { startRedisServer } from "../test/support/redis.js"
import { defineScripts } from "../src/internal/redis/scripts.js"
import { channelConcurrent, channelSequential, layoutSequential, rawConcurrent, rawSequential } from "./setget.js"
import { machine, median, printTable } from "./support.js"

const SEQUENTIAL = 4_000
const CONCURRENCY = 64
const PER_FIBER = 400
const ROUNDS = 5

const main = async () => {
  const server = await startRedisServer(["--enable-debug-command", "local"])
  try {
    // Raw ioredis as most programs use it (sequential), and with auto-pipelining (concurrent).
    const raw = new Redis(server.url)
    const rawPipelined = new Redis(server.url, { enableAutoPipelining: true })
    const scripted = new Redis(server.url)
    defineScripts(scripted)
    const rows: Array<ReadonlyArray<string>> = []

    const results = await Effect.runPromise(
      Effect.scoped(Effect.gen(function*() {
        const channel = yield* Channel.open("bench")
        const seq = { raw: [] as Array<number>, channel: [] as Array<number>, layout: [] as Array<number> }
        const con = { raw: [] as Array<number>, channel: [] as Array<number> }
        // one warm-up round, then interleaved measured rounds
        yield* Effect.promise(rawSequential(raw, SEQUENTIAL))
        yield* channelSequential(channel, SEQUENTIAL)
        yield* layoutSequential(scripted, SEQUENTIAL)
        for (let round = 0; round < ROUNDS; round++) {
          seq.raw.push(yield* Effect.promise(rawSequential(raw, SEQUENTIAL)))
          seq.channel.push(yield* channelSequential(channel, SEQUENTIAL))
          seq.layout.push(yield* layoutSequential(scripted, SEQUENTIAL))
          con.raw.push(yield* Effect.promise(rawConcurrent(rawPipelined, CONCURRENCY, PER_FIBER)))
          con.channel.push(yield* channelConcurrent(channel, CONCURRENCY, PER_FIBER))
        }
        return { seq, con }
      })).pipe(Effect.provide(RedisChannel.layer({ url: server.url, prefix: "bench:" })))
    )
    await raw.quit()
    await rawPipelined.quit()
    await scripted.quit()

    const seqRaw = median(results.seq.raw)
    const seqChannel = median(results.seq.channel)
    const conRaw = median(results.con.raw)
    const conChannel = median(results.con.channel)
    const seqLayout = median(results.seq.layout)
    rows.push(["sequential set+get (µs per pair)", seqRaw.toFixed(1), seqChannel.toFixed(1), `${(seqChannel / seqRaw).toFixed(2)}×`, "≤ 1.15×"])
    rows.push([
      "the same, the layout's floor: the channel's SET_VALUE script (SET + index ZADD) and a GET from an Effect program",
      seqRaw.toFixed(1),
      seqLayout.toFixed(1),
      `${(seqLayout / seqRaw).toFixed(2)}×`,
      ""
    ])
    rows.push([
      `${CONCURRENCY} concurrent fibers (ops/s; raw with auto-pipelining)`,
      Math.round(conRaw).toLocaleString("en"),
      Math.round(conChannel).toLocaleString("en"),
      `${(conChannel / conRaw).toFixed(2)}×`,
      "≥ 0.9×"
    ])
    console.log(machine(`redis-server ${server.version}`))
    printTable(["measure", "raw ioredis", "RedisChannel", "ratio", "target"], rows)
    await runLatency(server.url)
  } finally {
    await server.stop()
  }
}

// -- 3. a run's latency, independent of the database ------------------------------

const RUNS = 300

const percentile = (xs: ReadonlyArray<number>, p: number): number => {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN
}

const runLatency = async (url: string) => {
  const admin = new Redis(url)
  const fetch = Task.make("fetch", () => ({ data: [1, 2, 3] }))
  const count = Task.make("count", { after: [fetch] }, (ctx) =>
    Effect.map(ctx.getResult("fetch"), (input) => input.data.length))
  const log = Task.make("log", (ctx) => ctx.untyped.append("logs", "done"))
  const workflow = Workflow.make("latency", Workflow.chain(fetch, count, log))
  const measure = (label: string) =>
    Effect.gen(function*() {
      const times: Array<number> = []
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now()
        yield* Workflow.run(workflow, { runId: `${label}-${i}` })
        times.push(performance.now() - started)
      }
      return times.slice(RUNS / 10) // the first tenth warms up
    })
  /** What a run's end did before the index: SCAN the whole database for one namespace's keys. */
  const scanOnce = async () => {
    const started = performance.now()
    let cursor = "0"
    do {
      const [next] = await admin.scan(cursor, "MATCH", "bench:latency%2Fnone:k:*", "COUNT", 1000)
      cursor = next
    } while (cursor !== "0")
    return performance.now() - started
  }
  const layer = RedisChannel.layer({ url, prefix: "bench:", retention: "delete" })
  const empty = await Effect.runPromise(measure("empty").pipe(Effect.provide(layer)))
  await admin.flushdb()
  const emptyScan = await scanOnce()
  await admin.call("DEBUG", "POPULATE", "1000000", "unrelated")
  const full = await Effect.runPromise(measure("full").pipe(Effect.provide(layer)))
  const fullScans: Array<number> = []
  for (let i = 0; i < 5; i++) fullScans.push(await scanOnce())
  const size = await admin.dbsize()
  await admin.quit()
  const ms = (x: number) => `${x.toFixed(2)} ms`
  printTable(["a 3-task run on Redis", "empty database", `${size.toLocaleString("en")} unrelated keys`], [
    ["run latency p50 (RedisChannel, index per namespace)", ms(percentile(empty, 0.5)), ms(percentile(full, 0.5))],
    ["run latency p99", ms(percentile(empty, 0.99)), ms(percentile(full, 0.99))],
    ["baseline: one SCAN of the database for a namespace (the old run end)", ms(emptyScan), ms(median(fullScans))]
  ])
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
