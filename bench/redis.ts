/**
 * RedisChannel against raw ioredis on the same throwaway server, side by side:
 *
 * 1. sequential set + get latency (one pair at a time);
 * 2. throughput with 64 concurrent fibers / promise loops, auto-pipelining on.
 *
 *   npx tsx bench/redis.ts            (or: npm run bench:redis)
 */
import { Effect } from "effect"
import { Redis } from "ioredis"
import { Channel } from "effect-graflow"
import * as RedisChannel from "effect-graflow/RedisChannel"
import { startRedisServer } from "../test/support/redis.js"
import { machine, median, printTable } from "./support.js"

const SEQUENTIAL = 4_000
const CONCURRENCY = 64
const PER_FIBER = 400
const ROUNDS = 5

const value = { user: "user_123", score: 95.5, tags: ["a", "b"] }

const main = async () => {
  const server = await startRedisServer()
  try {
    // Raw ioredis as most programs use it (sequential), and with auto-pipelining (concurrent).
    const raw = new Redis(server.url)
    const rawPipelined = new Redis(server.url, { enableAutoPipelining: true })
    const rows: Array<ReadonlyArray<string>> = []

    // -- 1. sequential set + get ---------------------------------------------------
    const rawSequential = async () => {
      const started = performance.now()
      for (let i = 0; i < SEQUENTIAL; i++) {
        await raw.set(`raw:seq:${i % 100}`, JSON.stringify(value))
        JSON.parse((await raw.get(`raw:seq:${i % 100}`)) ?? "null")
      }
      return (performance.now() - started) * 1000 / SEQUENTIAL
    }
    const channelSequential = (channel: Channel.Untyped) =>
      Effect.gen(function*() {
        const started = performance.now()
        for (let i = 0; i < SEQUENTIAL; i++) {
          yield* channel.set(`seq:${i % 100}`, value)
          yield* channel.get(`seq:${i % 100}`)
        }
        return (performance.now() - started) * 1000 / SEQUENTIAL
      })

    // -- 2. 64 concurrent loops ------------------------------------------------------
    const rawConcurrent = async () => {
      const started = performance.now()
      await Promise.all(Array.from({ length: CONCURRENCY }, async (_, fiber) => {
        for (let i = 0; i < PER_FIBER; i++) {
          await rawPipelined.set(`raw:con:${fiber}`, JSON.stringify(value))
          JSON.parse((await rawPipelined.get(`raw:con:${fiber}`)) ?? "null")
        }
      }))
      return (CONCURRENCY * PER_FIBER * 2) / ((performance.now() - started) / 1000)
    }
    const channelConcurrent = (channel: Channel.Untyped) =>
      Effect.gen(function*() {
        const started = performance.now()
        yield* Effect.forEach(
          Array.from({ length: CONCURRENCY }, (_, fiber) => fiber),
          (fiber) =>
            Effect.gen(function*() {
              for (let i = 0; i < PER_FIBER; i++) {
                yield* channel.set(`con:${fiber}`, value)
                yield* channel.get(`con:${fiber}`)
              }
            }),
          { concurrency: "unbounded", discard: true }
        )
        return (CONCURRENCY * PER_FIBER * 2) / ((performance.now() - started) / 1000)
      })

    const results = await Effect.runPromise(
      Effect.scoped(Effect.gen(function*() {
        const channel = yield* Channel.open("bench")
        const seq = { raw: [] as Array<number>, channel: [] as Array<number> }
        const con = { raw: [] as Array<number>, channel: [] as Array<number> }
        // one warm-up round, then interleaved measured rounds
        yield* Effect.promise(rawSequential)
        yield* channelSequential(channel)
        for (let round = 0; round < ROUNDS; round++) {
          seq.raw.push(yield* Effect.promise(rawSequential))
          seq.channel.push(yield* channelSequential(channel))
          con.raw.push(yield* Effect.promise(rawConcurrent))
          con.channel.push(yield* channelConcurrent(channel))
        }
        return { seq, con }
      })).pipe(Effect.provide(RedisChannel.layer({ url: server.url, prefix: "bench:" })))
    )
    await raw.quit()
    await rawPipelined.quit()

    const seqRaw = median(results.seq.raw)
    const seqChannel = median(results.seq.channel)
    const conRaw = median(results.con.raw)
    const conChannel = median(results.con.channel)
    rows.push(["sequential set+get (µs per pair)", seqRaw.toFixed(1), seqChannel.toFixed(1), `${(seqChannel / seqRaw).toFixed(2)}×`, "≤ 1.10×"])
    rows.push([
      `${CONCURRENCY} concurrent fibers (ops/s; raw with auto-pipelining)`,
      Math.round(conRaw).toLocaleString("en"),
      Math.round(conChannel).toLocaleString("en"),
      `${(conChannel / conRaw).toFixed(2)}×`,
      "≥ 0.80×"
    ])
    console.log(machine(`redis-server ${server.version}`))
    printTable(["measure", "raw ioredis", "RedisChannel", "ratio", "target"], rows)
  } finally {
    await server.stop()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
