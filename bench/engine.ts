/**
 * The engine and the memory channel, each next to a plain-Effect baseline of
 * the same shape, in one run:
 *
 * 1. a chain of 1 000 and 10 000 trivial tasks (baseline: the same number of
 *    sequential Effect steps, each storing its result in a Map);
 * 2. a fan-out of 1 000 tasks each appending to one channel list (baseline:
 *    1 000 concurrent fibers pushing to one array);
 * 3. memory channel set/get inside one Effect (baseline: `Effect.sync` on a Map,
 *    the floor of any Effect-returning store on this machine);
 * 4. `Workflow.make` for 1 000 and 10 000 tasks.
 *
 *   npm run bench        (plain Node on bundled JS; see bench/run.mjs)
 */
import { Effect, Schema } from "effect"
import { Channel, MemoryChannel, Task, Workflow } from "effect-graflow"
import { chainOf, fanoutOf, plainFanout } from "./shapes.js"
import { machine, median, printTable, samplePair, spread, timed } from "./support.js"

const ROUNDS = 15

/**
 * Warms `f` up (at least 5 runs and half a second, so the JIT has settled),
 * then runs it ROUNDS times; the figures of the measured runs.
 */
const sample = async (f: () => Promise<number>): Promise<ReadonlyArray<number>> => {
  const warmUntil = performance.now() + 500
  for (let i = 0; i < 5 || performance.now() < warmUntil; i++) await f()
  const out: Array<number> = []
  for (let i = 0; i < ROUNDS; i++) out.push(await f())
  return out
}

const plainChain = (n: number) =>
  Effect.gen(function*() {
    const results = new Map<string, number>()
    yield* Effect.forEach(
      Array.from({ length: n }, (_, i) => i),
      (i) => Effect.sync(() => i).pipe(Effect.flatMap((value) => Effect.sync(() => results.set(`t${i}`, value)))),
      { discard: true }
    )
    return results
  })

const OPS = 1_000_000

const Channels = Channel.schema({ count: Schema.Number })

/** Each part runs in its own process (bench/run.mjs), so one part's heap does not slow the next. */
const parts: Record<string, () => Promise<void>> = {
  chain: async () => {
  const rows: Array<ReadonlyArray<string>> = []
  const perTask: Record<number, number> = {}
  const plainPerTask: Record<number, number> = {}
  for (const n of [1_000, 10_000, 100_000]) {
    const workflow = chainOf(n)
    const engine = await sample(() => timed(() => Effect.runPromise(Workflow.run(workflow))))
    const plain = await sample(() => timed(() => Effect.runPromise(plainChain(n))))
    const engineUs = median(engine) * 1000 / n
    const plainUs = median(plain) * 1000 / n
    perTask[n] = engineUs
    plainPerTask[n] = plainUs
    rows.push([
      `chain of ${n.toLocaleString("en")} tasks`,
      `${median(engine).toFixed(1)} ms (${spread(engine)})`,
      `${median(plain).toFixed(1)} ms`,
      `${engineUs.toFixed(2)} µs`,
      `${(engineUs - plainUs).toFixed(2)} µs`
    ])
  }
  console.log(machine())
  console.log()
  printTable(["workflow", "effect-graflow", "plain Effect", "per task", "overhead per task"], rows)
  console.log(
    `\nper task, 10 000 / 1 000: ${(perTask[10_000]! / perTask[1_000]!).toFixed(2)} (plain Effect: ${
      (plainPerTask[10_000]! / plainPerTask[1_000]!).toFixed(2)
    }); 100 000 / 10 000: ${(perTask[100_000]! / perTask[10_000]!).toFixed(2)} (plain Effect: ${
      (plainPerTask[100_000]! / plainPerTask[10_000]!).toFixed(2)
    })`
  )
  },
  fanout: async () => {
    const rows: Array<ReadonlyArray<string>> = []
    const n = 1_000
    const workflow = fanoutOf(n)
    const engine = await sample(() => timed(() => Effect.runPromise(Workflow.run(workflow))))
    const plain = await sample(() => timed(() => Effect.runPromise(plainFanout(n))))
    const engineUs = median(engine) * 1000 / n
    const plainUs = median(plain) * 1000 / n
    rows.push([
      `fan-out of ${n.toLocaleString("en")} tasks appending to one list`,
      `${median(engine).toFixed(1)} ms (${spread(engine)})`,
      `${median(plain).toFixed(1)} ms`,
      `${engineUs.toFixed(2)} µs`,
      `${(engineUs - plainUs).toFixed(2)} µs`
    ])
    console.log()
    printTable(["workflow", "effect-graflow", "plain Effect", "per task", "overhead per task"], rows)
  },
  channel: async () => {
  // Each op next to its floor in the same process, alternately (samplePair), the ratio the median of the rounds'
  // ratios (floor time / ours: above 1 is faster than the floor).
  const ops: Array<ReadonlyArray<string>> = []
  const opsPerSecond = (ms: number) => `${(OPS / (ms / 1000) / 1e6).toFixed(2)} M/s`
  const speed = (ours: ReadonlyArray<number>, floor: ReadonlyArray<number>) =>
    `${median(ours.map((x, i) => floor[i]! / x)).toFixed(2)}×`
  const map = new Map<string, number>([["k", 1]])
  const floorSet = () =>
    timed(() =>
      Effect.runPromise(Effect.gen(function*() {
        for (let i = 0; i < OPS; i++) yield* Effect.sync(() => map.set("k", i))
      }))
    )
  const floorGet = () =>
    timed(() =>
      Effect.runPromise(Effect.gen(function*() {
        for (let i = 0; i < OPS; i++) yield* Effect.sync(() => map.get("k"))
      }))
    )
  // A read that can fail (a missing key), as a channel's get can: a suspend and an exit, where a read that
  // cannot fail is one sync.
  const floorFallibleGet = () =>
    timed(() =>
      Effect.runPromise(Effect.gen(function*() {
        for (let i = 0; i < OPS; i++) {
          yield* Effect.suspend(() => {
            const value = map.get("k")
            return value === undefined ? Effect.fail(new Error("missing")) : Effect.succeed(value)
          })
        }
      }))
    )
  const onChannel = (body: (channel: Channel.Untyped) => Effect.Effect<void, unknown>) =>
    timed(() =>
      Effect.runPromise(
        Effect.scoped(Effect.flatMap(Channel.open("bench"), body)).pipe(Effect.provide(MemoryChannel.layer))
      )
    )
  const untypedSet = () =>
    onChannel((channel) =>
      Effect.gen(function*() {
        for (let i = 0; i < OPS; i++) yield* channel.set("k", i)
      })
    )
  const untypedGet = () =>
    onChannel((channel) =>
      Effect.gen(function*() {
        yield* channel.set("k", 1)
        for (let i = 0; i < OPS; i++) yield* channel.get("k")
      })
    )
  const typedSet = () =>
    onChannel((channel) =>
      Effect.gen(function*() {
        const typed = channel.typed(Channels.fields.count)
        for (let i = 0; i < OPS / 10; i++) yield* typed.set("count", i)
      })
    ).then((ms) => ms * 10)
  const typedGet = () =>
    onChannel((channel) =>
      Effect.gen(function*() {
        const typed = channel.typed(Channels.fields.count)
        yield* typed.set("count", 1)
        for (let i = 0; i < OPS / 10; i++) yield* typed.get("count")
      })
    ).then((ms) => ms * 10)
  const rounds = 15
  const pairs: ReadonlyArray<readonly [string, () => Promise<number>, () => Promise<number>, string]> = [
    ["set (untyped, a number)", untypedSet, floorSet, "sync on a Map"],
    ["get (untyped)", untypedGet, floorGet, "sync on a Map"],
    ["get (untyped)", untypedGet, floorFallibleGet, "a read that can fail: suspend, then succeed or fail"],
    ["set (typed: Schema.Number)", typedSet, floorSet, "sync on a Map"],
    ["get (typed: Schema.Number)", typedGet, floorGet, "sync on a Map"]
  ]
  for (const [name, ours, floor, what] of pairs) {
    const [a, b] = await samplePair(ours, floor, rounds)
    ops.push([name, opsPerSecond(median(a)), `${opsPerSecond(median(b))} (${what})`, speed(a, b)])
  }
  console.log()
  printTable(["memory channel op, in one Effect.gen loop", "effect-graflow", "floor: yield* Effect…", "speed of the floor's (paired)"], ops)
  },
  make: async () => {
  const build: Array<ReadonlyArray<string>> = []
  for (const n of [1_000, 10_000]) {
    const tasks = Array.from({ length: n }, (_, i) => Task.make(`t${i}`, () => i))
    const [first, ...rest] = tasks
    const ms = await sample(() => timed(async () => Workflow.make(`make-${n}`, Workflow.chain(first!, ...rest))))
    build.push([`Workflow.make, ${n.toLocaleString("en")} tasks`, `${median(ms).toFixed(2)} ms`, `${(median(ms) * 1000 / n).toFixed(2)} µs`])
  }
  console.log()
  printTable(["construction", "time", "per task"], build)
  }
}

const part = parts[process.argv[2] ?? ""]
if (part === undefined) {
  console.error(`usage: engine <${Object.keys(parts).join("|")}>`)
  process.exit(2)
}
part().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
