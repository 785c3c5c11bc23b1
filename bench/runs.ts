/**
 * Listing a workflow's runs on Redis (`Workflow.listRuns`), with 10,000 runs
 * of the workflow on a throwaway server (1 % of them failed), next to the
 * same reads in raw ioredis (ZREVRANGEBYSCORE of the index, then an HGETALL
 * per run), measured in the same rounds:
 *
 * 1. the first page of 50;
 * 2. a page of 50 deep in the listing (after 5,000 runs, from a cursor);
 * 3. a page of 50 failed runs (the filter reads the records until 50 match:
 *    here all 10,000 are read).
 *
 * 5 warm-up rounds, then 30; medians.
 *
 *   node bench/run.mjs runs            (or: npm run bench:runs)
 */
import { Effect, Layer, ManagedRuntime } from "effect"
import { Task, Workflow } from "effect-graflow"
import * as RedisChannel from "effect-graflow/RedisChannel"
import { Redis } from "ioredis"
import { startRedisServer } from "../test/support/redis.js"
import { machine, median, printTable } from "./support.js"

const RUNS = 10_000
const ROUNDS = 30
const WARMUP = 5
const prefix = "bench:"

const ok = Workflow.make("listed", Task.make("work", () => 1))
const failing = Workflow.make("listed", Task.make("work", () => Effect.fail("broken")))

const main = async () => {
  const server = await startRedisServer()
  const runtime = ManagedRuntime.make(Layer.orDie(RedisChannel.layer({ url: server.url, prefix })))
  const raw = new Redis(server.url)
  try {
    const started = performance.now()
    await runtime.runPromise(
      Effect.forEach(Array.from({ length: RUNS }, (_, i) => i), (i) =>
        Effect.exit(Workflow.run(i % 100 === 0 ? failing : ok, { runId: `r-${String(i).padStart(5, "0")}`, retention: "keep" })), {
        concurrency: 64,
        discard: true
      })
    )
    console.log(`${RUNS} runs made in ${((performance.now() - started) / 1000).toFixed(1)} s`)
    const deep = await runtime.runPromise(Effect.gen(function*() {
      let cursor: string | undefined
      for (let page = 0; page < 100; page++) cursor = (yield* Workflow.listRuns(ok, { limit: 50, ...(cursor === undefined ? {} : { cursor }) })).cursor
      return cursor
    }))
    if (deep === undefined) throw new Error("the listing ended before 5,000 runs")
    const cases = {
      "first page of 50": () => runtime.runPromise(Workflow.listRuns(ok, { limit: 50 })),
      "a page of 50 after 5,000 runs (cursor)": () => runtime.runPromise(Workflow.listRuns(ok, { limit: 50, cursor: deep })),
      "a page of 50 failed runs (1 % of 10,000)": () => runtime.runPromise(Workflow.listRuns(ok, { limit: 50, status: "failed" }))
    }
    // Raw ioredis: the same reads, by hand (the index's page, then each run's record).
    const rawPage = async (max: string, offset: number) => {
      const ids = await raw.zrevrangebyscore(`${prefix}:runs:listed`, max, "-inf", "LIMIT", offset, 51)
      return Promise.all(ids.map((id) => raw.hgetall(`${prefix}{listed/${id}}:run:`)))
    }
    const baselines = {
      "first page of 50": () => rawPage("+inf", 0),
      "a page of 50 after 5,000 runs (cursor)": () => rawPage("+inf", 5_000),
      "a page of 50 failed runs (1 % of 10,000)": async () => {
        for (let offset = 0; offset < RUNS; offset += 51) await rawPage("+inf", offset)
      }
    }
    const samples = new Map<string, { ours: Array<number>; raw: Array<number>; ratio: Array<number> }>()
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      for (const name of Object.keys(cases) as Array<keyof typeof cases>) {
        const t0 = performance.now()
        await cases[name]()
        const ours = performance.now() - t0
        const t1 = performance.now()
        await baselines[name]()
        const base = performance.now() - t1
        if (round < WARMUP) continue
        const s = samples.get(name) ?? { ours: [], raw: [], ratio: [] }
        s.ours.push(ours)
        s.raw.push(base)
        s.ratio.push(ours / base)
        samples.set(name, s)
      }
    }
    console.log(machine(`redis-server ${server.version}`))
    printTable(
      ["listing 10,000 runs on Redis", "Workflow.listRuns (ms)", "raw ioredis, same reads (ms)", "ratio (per round)"],
      [...samples].map(([name, s]) => [name, median(s.ours).toFixed(2), median(s.raw).toFixed(2), `${median(s.ratio).toFixed(2)}×`])
    )
  } finally {
    raw.disconnect()
    await runtime.dispose()
    await server.stop()
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error)
  process.exit(1)
})
