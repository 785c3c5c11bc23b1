/**
 * The engine against its own floor (issue 21): each workload next to the same
 * shape written in plain Effect, measured in the same process, alternately
 * (`samplePair`), so that the ratio is read within a round:
 *
 * - `chain`: a chain of 1 000 and 10 000 trivial tasks (floor: as many
 *   sequential steps, each storing its result in a Map);
 * - `reads`: a chain of 1 000 tasks each reading its predecessor's result with
 *   `ctx.getResult` (floor: each step reads the previous value from the Map),
 *   and the cost of one `getResult` call;
 * - `fanout`: 1 000 parallel tasks appending to one list (floor: 1 000 fibers
 *   pushing to one array);
 * - `small`: a run of 3 tasks, its fixed cost (floor: 3 steps in a Map);
 * - `durable`: the chain of 1 000, durable on memory, against not durable;
 * - `resume`: on Redis, a 100-task run resumed from its checkpoint at task 50,
 *   against the whole run;
 * - `rss`: peak RSS of a chain of 100 000 tasks, and import + first run of a
 *   3-task workflow, each in a fresh process (floor: the same in plain Effect).
 *
 *   node bench/run.mjs floor [part]
 */
import { Effect, Layer, ManagedRuntime } from "effect"
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { Checkpoint, type Flow, MemoryChannel, Task, Workflow } from "effect-graflow"
import * as RedisChannel from "effect-graflow/RedisChannel"
import { startRedisServer } from "../test/support/redis.js"
import { chainOf as chainShape, fanoutOf as fanoutShape, plainFanout } from "./shapes.js"
import { machine, median, printTable, samplePair, timed } from "./support.js"

const rows: Array<ReadonlyArray<string>> = []
const ratio = (a: ReadonlyArray<number>, b: ReadonlyArray<number>) => {
  // Paired within a round: the median of the rounds' ratios.
  const each = a.map((x, i) => x / b[i]!)
  return median(each)
}
const row = (name: string, ours: ReadonlyArray<number>, floor: ReadonlyArray<number>, n: number, target: string) =>
  rows.push([
    name,
    `${(median(ours) * 1000 / n).toFixed(2)} µs`,
    `${(median(floor) * 1000 / n).toFixed(2)} µs`,
    `${ratio(ours, floor).toFixed(2)}×`,
    target
  ])

const chainOf = (n: number): Runnable => chainShape(n)

const floorChain = (n: number) =>
  Effect.gen(function*() {
    const results = new Map<string, number>()
    for (let i = 0; i < n; i++) {
      const value = yield* Effect.sync(() => i)
      yield* Effect.sync(() => results.set(`t${i}`, value))
    }
    return results
  })

/** What the benchmark runs: a workflow without services or input (built in a loop, its types erased). */
type Runnable = Workflow.Workflow<string, unknown, unknown, never, {}, never, never>

/**
 * A chain of `n` tasks each reading its predecessor's result — by id
 * (`getResult`) or by task value (`lookupResult`). Built in a loop, so the ids
 * are computed and the workflow's types are erased (what runs is the same).
 */
const readsOf = (n: number, read: "id" | "task" | "none"): Runnable => {
  let previous: Task.Task<string, number> = Task.make("r0" as string, () => 0)
  const tasks: Array<Task.Any> = [previous]
  for (let i = 1; i < n; i++) {
    const dep = previous
    const next = Task.make(`r${i}` as string, { after: [dep] }, (ctx) =>
      Effect.map(read === "id" ? ctx.getResult(dep.id) : read === "task" ? ctx.lookupResult(dep) : Effect.succeed(i - 1), (x) => x + 1))
    tasks.push(next)
    previous = next as never
  }
  const [head, ...rest] = tasks
  return Workflow.make(`reads-${read}-${n}` as never, Workflow.chain(head!, ...rest) as Flow.Any) as never
}

const floorReads = (n: number) =>
  Effect.gen(function*() {
    const results = new Map<string, number>()
    results.set("r0", 0)
    for (let i = 1; i < n; i++) {
      const previous = yield* Effect.sync(() => results.get(`r${i - 1}`)!)
      const value = yield* Effect.sync(() => previous + 1)
      yield* Effect.sync(() => results.set(`r${i}`, value))
    }
    return results
  })

const fanoutOf = (n: number): Runnable => fanoutShape(n)

const run = (workflow: Runnable) => () => timed(() => Effect.runPromise(Workflow.run(workflow)))

const parts: Record<string, () => Promise<void>> = {
  chain: async () => {
    for (const n of [1_000, 10_000]) {
      const [ours, floor] = await samplePair(run(chainOf(n)), () => timed(() => Effect.runPromise(floorChain(n))), n >= 10_000 ? 15 : 41)
      row(`chain of ${n.toLocaleString("en")}, per task`, ours, floor, n, "≤ 1.3×")
    }
  },
  reads: async () => {
    const n = 1_000
    const byId = readsOf(n, "id")
    const [ours, floor] = await samplePair(run(byId), () => timed(() => Effect.runPromise(floorReads(n))), 41)
    row(`chain of ${n.toLocaleString("en")} reading the predecessor with getResult, per task`, ours, floor, n, "≤ 1.6×")
    const [reads, plain] = await samplePair(run(byId), run(chainOf(n)), 41)
    rows.push([
      "one getResult call (the reading chain less the plain chain, per task)",
      `${((median(reads) - median(plain)) * 1000 / n).toFixed(2)} µs`,
      "",
      "",
      "≤ 0.3 µs"
    ])
    // The call alone: the same chain whose bodies give the predecessor's value with Effect.succeed (the same Effect around it).
    const [calls, bodies] = await samplePair(run(byId), run(readsOf(n, "none")), 41)
    rows.push([
      "one getResult call, itself (the reading chain less the same chain giving Effect.succeed, per task)",
      `${((median(calls) - median(bodies)) * 1000 / n).toFixed(2)} µs`,
      "",
      "",
      "≤ 0.3 µs"
    ])
    const [lookups] = await samplePair(run(readsOf(n, "task")), run(chainOf(n)), 21)
    rows.push([
      "one lookupResult(task) call, the same way",
      `${((median(lookups) - median(plain)) * 1000 / n).toFixed(2)} µs`,
      "",
      "",
      ""
    ])
  },
  fanout: async () => {
    const n = 1_000
    const [ours, floor] = await samplePair(run(fanoutOf(n)), () => timed(() => Effect.runPromise(plainFanout(n))), 41)
    row(`fan-out of ${n.toLocaleString("en")} appends, per member`, ours, floor, n, "≤ 3×")
  },
  small: async () => {
    const workflow = chainOf(3)
    const batch = 1_000
    const [ours, floor] = await samplePair(
      () => timed(async () => { for (let i = 0; i < batch; i++) await Effect.runPromise(Workflow.run(workflow)) }),
      () => timed(async () => { for (let i = 0; i < batch; i++) await Effect.runPromise(floorChain(3)) }),
      21
    )
    row("a run of 3 tasks, per run", ours, floor, batch, "≤ 3×")
  },
  durable: async () => {
    const n = 1_000
    const workflow = chainOf(n)
    const layer = Layer.merge(MemoryChannel.layer, Checkpoint.layerMemory)
    let runs = 0
    // A sample is a batch of runs: one run (~0.1 ms) is within a GC pause or a timer tick of its floor, and
    // durability costs ~10–20 ns a task; batches keep that from drowning in a single run's noise.
    const batch = 20
    const runsOf = (options: () => Workflow.RunOptions | undefined) => () =>
      timed(async () => {
        for (let i = 0; i < batch; i++) await Effect.runPromise(Workflow.run(workflow, options()).pipe(Effect.provide(layer)))
      })
    const [durable, plain] = await samplePair(runsOf(() => ({ runId: `d${runs++}`, durable: true })), runsOf(() => undefined), 41)
    row(`durable chain of ${n.toLocaleString("en")} on memory, per task (floor: not durable)`, durable, plain, n * batch, "≤ 1.15×")
    // A durable run is a named one (its runId is what continues it): the same run, named and not durable, shows
    // what durability itself costs (a named run takes the run's lease and keeps its record).
    const [durableAgain, named] = await samplePair(
      runsOf(() => ({ runId: `d${runs++}`, durable: true })),
      runsOf(() => ({ runId: `n${runs++}` })),
      41
    )
    row(`durable chain of ${n.toLocaleString("en")} on memory, per task (floor: the same named run, not durable)`, durableAgain, named, n * batch, "≤ 1.15×")
  },
  resume: async () => {
    // A 100-task chain on Redis whose task 50 saves a checkpoint: a full run, and a resume from that checkpoint.
    const server = await startRedisServer()
    try {
      const n = 100
      const tasks = Array.from({ length: n }, (_, i) =>
        Task.make(`t${i}`, (ctx) => i === 49 ? Effect.as(ctx.checkpoint({ at: i }), i) : i))
      const [first, ...rest] = tasks
      const workflow = Workflow.make("resumed", Workflow.chain(first!, ...rest))
      const layer = RedisChannel.layerWithCheckpoints({ url: server.url, prefix: "bench:" })
      let runs = 0
      const checkpoints: Array<string> = []
      await Effect.runPromise(Effect.gen(function*() {
        for (let i = 0; i < 200; i++) {
          const runId = `r${runs++}`
          yield* Workflow.run(workflow, { runId, retention: "keep" })
          const store = yield* Checkpoint.CheckpointStore
          const ids = yield* store.list(Workflow.namespace(workflow, runId))
          checkpoints.push(ids[0]!)
        }
      }).pipe(Effect.provide(layer)))
      let next = 0
      const [resumed, full] = await samplePair(
        () => timed(() => Effect.runPromise(Workflow.resume(workflow, checkpoints[next++ % checkpoints.length]!, { runId: `x${runs++}` }).pipe(Effect.provide(layer)))),
        () => timed(() => Effect.runPromise(Workflow.run(workflow, { runId: `f${runs++}` }).pipe(Effect.provide(layer)))),
        31
      )
      row("resume a 100-task Redis run from its checkpoint at task 50 (floor: the full run)", resumed, full, 1, "≤ 0.55×")
      // The same with the layer built once (a service that runs many workflows on one connection): what is left
      // is the runs' own round trips, without a connection opened and closed per run.
      const runtime = ManagedRuntime.make(layer)
      try {
        const [resumedShared, fullShared] = await samplePair(
          () => timed(() => runtime.runPromise(Workflow.resume(workflow, checkpoints[next++ % checkpoints.length]!, { runId: `x${runs++}` }))),
          () => timed(() => runtime.runPromise(Workflow.run(workflow, { runId: `f${runs++}` }))),
          31
        )
        row("the same, one connection for every run (the layer built once)", resumedShared, fullShared, 1, "≤ 0.55×")
      } finally {
        await runtime.dispose()
      }
    } finally {
      await server.stop()
    }
  },
  rss: async () => {
    const self = fileURLToPath(import.meta.url)
    const child = (mode: string) => {
      const out = spawnSync(process.execPath, [self, "child", mode], { encoding: "utf8" })
      if (out.status !== 0) throw new Error(out.stderr)
      return JSON.parse(out.stdout.trim().split("\n").pop()!) as { readonly rss: number; readonly ms: number }
    }
    const pairs = Array.from({ length: 5 }, () => [child("chain"), child("floor-chain")] as const)
    const rssOurs = pairs.map(([a]) => a.rss)
    const rssFloor = pairs.map(([, b]) => b.rss)
    rows.push([
      "peak RSS, chain of 100 000 (fresh process)",
      `${(median(rssOurs) / 1024).toFixed(0)} MB`,
      `${(median(rssFloor) / 1024).toFixed(0)} MB`,
      `${ratio(rssOurs, rssFloor).toFixed(2)}×`,
      "≤ 1.3×"
    ])
    // Import and first run in a fresh process, each from what a user installs: the built library, or effect alone.
    const dist = new URL("../dist/index.js", `file://${self}`).href
    const script = (body: string) => {
      const out = spawnSync(process.execPath, ["--input-type=module", "-e", `${body}\nconsole.log(JSON.stringify({ rss: 0, ms: performance.now() }))`], { encoding: "utf8" })
      if (out.status !== 0) throw new Error(out.stderr)
      return JSON.parse(out.stdout.trim().split("\n").pop()!) as { readonly rss: number; readonly ms: number }
    }
    const ours = () =>
      script(`import { Effect } from "effect"; import { Task, Workflow } from "${dist}"
const [a, b, c] = [0, 1, 2].map((i) => Task.make("t" + i, () => i))
await Effect.runPromise(Workflow.run(Workflow.make("first", Workflow.chain(a, b, c))))`)
    const floor = () =>
      script(`import { Effect } from "effect"
await Effect.runPromise(Effect.gen(function*() { const m = new Map(); for (let i = 0; i < 3; i++) { const v = yield* Effect.sync(() => i); yield* Effect.sync(() => m.set("t" + i, v)) } }))`)
    const first = Array.from({ length: 9 }, () => [ours(), floor()] as const)
    rows.push([
      "import + first run of 3 tasks (fresh process)",
      `${median(first.map(([a]) => a.ms)).toFixed(1)} ms`,
      `${median(first.map(([, b]) => b.ms)).toFixed(1)} ms`,
      `${ratio(first.map(([a]) => a.ms), first.map(([, b]) => b.ms)).toFixed(2)}×`,
      "≤ 1.15×"
    ])
  }
}

if (process.argv[2] === "child") {
  const mode = process.argv[3]
  const started = performance.now()
  if (mode === "chain") await Effect.runPromise(Workflow.run(chainOf(100_000)))
  else if (mode === "floor-chain") await Effect.runPromise(floorChain(100_000))
  console.log(JSON.stringify({ rss: process.resourceUsage().maxRSS, ms: performance.now() - started }))
} else {
  const requested = process.argv[2]
  const chosen = requested !== undefined && requested in parts ? [requested] : Object.keys(parts)
  for (const name of chosen) await parts[name]!()
  console.log(machine())
  console.log()
  printTable(["workload", "effect-graflow", "floor: plain Effect", "ratio (paired)", "target"], rows)
}
