/**
 * The set + get loops of bench/redis.ts and bench/cluster.ts, on raw ioredis
 * (a `Redis` or a `Cluster` client) and on a channel: sequential (µs per
 * pair) and in concurrent loops (ops/s), a small JSON object as the value
 * (both sides stringify and parse it).
 */
import { Effect } from "effect"
import type { Channel } from "effect-graflow"
import type { Cluster, Redis } from "ioredis"
import { runScript } from "../src/internal/redis/scripts.js"

const value = { user: "user_123", score: 95.5, tags: ["a", "b"] }

/** `pairs` set+get pairs one at a time on raw ioredis: µs per pair. */
export const rawSequential = (client: Redis | Cluster, pairs: number) => async (): Promise<number> => {
  const started = performance.now()
  for (let i = 0; i < pairs; i++) {
    await client.set(`raw:seq:${i % 100}`, JSON.stringify(value))
    JSON.parse((await client.get(`raw:seq:${i % 100}`)) ?? "null")
  }
  return (performance.now() - started) * 1000 / pairs
}

/**
 * The layout's floor: `pairs` set+get pairs one at a time, each set the channel's own `SET_VALUE` script (the
 * SET and the namespace index's ZADD that a channel's write needs), each get a GET, in an Effect program,
 * without the library around them: µs per pair. The client needs the scripts defined (`defineScripts`).
 */
export const layoutSequential = (client: Redis, pairs: number) =>
  Effect.gen(function*() {
    const started = performance.now()
    for (let i = 0; i < pairs; i++) {
      const member = `seq:${i % 100}`
      yield* Effect.promise(() => runScript(client, "SET_VALUE", [`floor:k:${member}`, "floor:i:"], [JSON.stringify(value), "", member]))
      const text = yield* Effect.promise(() => client.get(`floor:k:${member}`))
      JSON.parse(text ?? "null")
    }
    return (performance.now() - started) * 1000 / pairs
  })

/** `loops` concurrent loops of `perLoop` set+get pairs on raw ioredis: ops/s. */
export const rawConcurrent = (client: Redis | Cluster, loops: number, perLoop: number) => async (): Promise<number> => {
  const started = performance.now()
  await Promise.all(Array.from({ length: loops }, async (_, fiber) => {
    for (let i = 0; i < perLoop; i++) {
      await client.set(`raw:con:${fiber}`, JSON.stringify(value))
      JSON.parse((await client.get(`raw:con:${fiber}`)) ?? "null")
    }
  }))
  return (loops * perLoop * 2) / ((performance.now() - started) / 1000)
}

/** `pairs` set+get pairs one at a time on a channel: µs per pair. */
export const channelSequential = (channel: Channel.Untyped, pairs: number) =>
  Effect.gen(function*() {
    const started = performance.now()
    for (let i = 0; i < pairs; i++) {
      yield* channel.set(`seq:${i % 100}`, value)
      yield* channel.get(`seq:${i % 100}`)
    }
    return (performance.now() - started) * 1000 / pairs
  })

/** `fibers` concurrent fibers of `perFiber` set+get pairs on a channel: ops/s. */
export const channelConcurrent = (channel: Channel.Untyped, fibers: number, perFiber: number) =>
  Effect.gen(function*() {
    const started = performance.now()
    yield* Effect.forEach(
      Array.from({ length: fibers }, (_, fiber) => fiber),
      (fiber) =>
        Effect.gen(function*() {
          for (let i = 0; i < perFiber; i++) {
            yield* channel.set(`con:${fiber}`, value)
            yield* channel.get(`con:${fiber}`)
          }
        }),
      { concurrency: "unbounded", discard: true }
    )
    return (fibers * perFiber * 2) / ((performance.now() - started) / 1000)
  })
