/**
 * Composition (Flow.map, Task.workflow, Flow.branch), each next to a baseline
 * measured in the same run, rounds alternating between the two after a warm-up:
 *
 * 1. map: `Flow.map` over 10 000 elements, a trivial item, concurrency 16,
 *    next to `Effect.forEach(items, f, { concurrency: 16 })` (per item; 15
 *    rounds each); then the peak memory of a map over 100 000 elements next to
 *    the same `Effect.forEach`, each in a fresh process (5 processes each,
 *    alternating): peak RSS (`process.resourceUsage().maxRSS`) and the peak
 *    `heapUsed` seen by the items, both above the process's own after a GC
 *    just before the run;
 * 2. subworkflow: a run of `a → Task.workflow("step", x → y → z) → b` next to
 *    the same tasks inlined in one workflow (`a → x → y → z → b`): the extra time
 *    per run (31 rounds of 2 000 runs each);
 * 3. branch: a run of `chain(kind, branch)` (3 literal cases, the second one
 *    taken) next to `chain(kind, onB)`: the extra time per run (61 rounds of
 *    4 000 runs each);
 * 4. distributed: a map over 1 000 items (each a job) on 2 effect-graflow
 *    workers next to 1 000 no-op raw BullMQ jobs (addBulk, awaited through
 *    QueueEvents) on 2 raw BullMQ workers, concurrency 16 each, both sides'
 *    workers up, rounds alternating (10 warm-up rounds, then 20); a throwaway
 *    redis-server.
 *
 * Each part runs in a fresh process (bench/run.mjs).
 *
 *   node bench/run.mjs composition [part]        (or: npm run bench:composition)
 */
import { Effect } from "effect"
import { Flow, Task, Workflow } from "effect-graflow"
import * as Distributed from "effect-graflow/Distributed"
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { randomUUID } from "node:crypto"
import { join } from "node:path"
import { getHeapStatistics } from "node:v8"
import { startRedisServer } from "../test/support/redis.js"
import { ITEMS, map32, mapAll } from "./fixtures/composition-flows.js"
import { machine, median, printTable, samplePair, spread, timed } from "./support.js"
import { rawQueue } from "./bullmq.js"

/** Each round's figure against the baseline's round right after it: the machine's drift cancels out. */
const pairwise = (a: ReadonlyArray<number>, b: ReadonlyArray<number>, f: (a: number, b: number) => number) =>
  median(a.map((x, i) => f(x, b[i]!)))

// ---------------------------------------------------------------------------
// 1. map
// ---------------------------------------------------------------------------

const listOf = (n: number) => Task.make("list", () => Array.from({ length: n }, (_, i) => i))

const mapWorkflow = (n: number, body: (x: number) => number = (x) => x + 1) => {
  const list = listOf(n)
  const item = Task.template((_ctx, x: number) => body(x))
  return Workflow.make(`map-${n}`, Flow.chain(list, Flow.map("mapped", list, item, { concurrency: 16 })))
}

const mapEffectWorkflow = (n: number) => {
  const list = listOf(n)
  const item = Task.template((_ctx, x: number) => Effect.sync(() => x + 1))
  return Workflow.make(`map-effect-${n}`, Flow.chain(list, Flow.map("mapped", list, item, { concurrency: 16 })))
}

const plainMap = (n: number, body: (x: number) => number = (x) => x + 1) =>
  Effect.suspend(() => {
    const list = Array.from({ length: n }, (_, i) => i)
    return Effect.forEach(list, (x) => Effect.sync(() => body(x)), { concurrency: 16 })
  })

const map = async () => {
  const n = 10_000
  // Two items: a body that gives its value (no Effect: the map calls it without an Effect step), and a body
  // that gives an Effect (the same Effect.sync as the baseline's).
  const rows: Array<ReadonlyArray<string>> = []
  const us = (ms: number) => `${(ms * 1000 / n).toFixed(2)} µs`
  for (
    const [label, workflow] of [
      ["trivial item, a value (x + 1)", mapWorkflow(n)],
      ["trivial item, an Effect (Effect.sync(() => x + 1))", mapEffectWorkflow(n)]
    ] as const
  ) {
    const plain = plainMap(n)
    // A check that both compute the same thing.
    const out = await Effect.runPromise(Workflow.run(workflow))
    const expected = await Effect.runPromise(plain)
    if (out.results.mapped.length !== n || out.results.mapped[n - 1] !== expected[n - 1]) throw new Error("map: wrong result")
    const [engine, baseline] = await samplePair(
      () => timed(() => Effect.runPromise(Workflow.run(workflow))),
      () => timed(() => Effect.runPromise(plain)),
      15
    )
    rows.push([
      label,
      `${median(engine).toFixed(1)} ms (${spread(engine)})`,
      `${median(baseline).toFixed(1)} ms (${spread(baseline)})`,
      us(median(engine)),
      us(median(baseline)),
      `${(median(engine) / median(baseline)).toFixed(2)}×`,
      `${pairwise(engine, baseline, (a, b) => a / b).toFixed(2)}×`
    ])
  }
  console.log(machine())
  console.log()
  printTable(
    ["map over 10,000 items, concurrency 16", "effect-graflow: Flow.map", "baseline: Effect.forEach", "per item", "per item, baseline", "ratio (medians)", "ratio per pair of rounds (median)"],
    rows
  )
}

/** In a fresh process: one run over `n` elements; prints its memory figures as JSON. */
const memoryChild = async (kind: string) => {
  const n = 100_000
  let peakHeap = 0
  const probe = () => {
    const used = getHeapStatistics().used_heap_size
    if (used > peakHeap) peakHeap = used
  }
  const body = (x: number) => {
    if (x % 500 === 0) probe()
    return x + 1
  }
  const run = kind === "graflow"
    ? Effect.map(Workflow.run(mapWorkflow(n, body)), (out) => out.results.mapped)
    : plainMap(n, body)
  globalThis.gc?.()
  const rssBefore = process.memoryUsage.rss()
  const heapBefore = getHeapStatistics().used_heap_size
  peakHeap = heapBefore
  const maxRssBefore = process.resourceUsage().maxRSS * 1024
  const result = await Effect.runPromise(run)
  probe()
  const maxRss = process.resourceUsage().maxRSS * 1024
  if (result.length !== n || result[n - 1] !== n) throw new Error("memory: wrong result")
  process.stdout.write(JSON.stringify({ rssBefore, maxRssBefore, maxRss, heapBefore, peakHeap }) + "\n")
}

const memory = async () => {
  const rounds = 5
  type Figures = { rssBefore: number; maxRssBefore: number; maxRss: number; heapBefore: number; peakHeap: number }
  const once = (kind: string): Figures => {
    const child = spawnSync(process.execPath, ["--expose-gc", process.argv[1]!, "memory-child", kind], { encoding: "utf8" })
    if (child.status !== 0) throw new Error(`memory child (${kind}) failed: ${child.stderr}`)
    return JSON.parse(child.stdout.trim().split("\n").pop()!) as Figures
  }
  const graflow: Array<Figures> = []
  const plain: Array<Figures> = []
  for (let i = 0; i < rounds; i++) {
    graflow.push(once("graflow"))
    plain.push(once("plain"))
  }
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`
  const rss = (f: Figures) => f.maxRss - f.rssBefore
  const heap = (f: Figures) => f.peakHeap - f.heapBefore
  const row = (label: string, of: (f: Figures) => number) => {
    const a = graflow.map(of)
    const b = plain.map(of)
    return [
      label,
      `${mb(median(a))} (${spread(a)})`,
      `${mb(median(b))} (${spread(b)})`,
      `${(median(a) / median(b)).toFixed(2)}×`,
      `${pairwise(a, b, (x, y) => x / y).toFixed(2)}×`
    ]
  }
  console.log()
  printTable(
    ["map over 100,000 items, concurrency 16, a fresh process each (5 each)", "effect-graflow: Flow.map", "baseline: Effect.forEach", "ratio (medians)", "ratio per pair (median)"],
    [
      row("peak RSS above the process's before the run", rss),
      row("peak heapUsed above the process's (after a GC) before the run", heap),
      row("peak RSS of the process", (f) => f.maxRss)
    ]
  )
  console.log(`\n(the process before the run, after a GC: RSS ${mb(median(graflow.map((f) => f.rssBefore)))}, heapUsed ${mb(median(graflow.map((f) => f.heapBefore)))})`)
}

// ---------------------------------------------------------------------------
// 2. sub-workflow, 3. branch
// ---------------------------------------------------------------------------

/** `runs` runs one after another in one Effect: the time per run, in µs. */
const perRun = (program: Effect.Effect<unknown, unknown>, runs: number) => {
  const loop = Effect.gen(function*() {
    for (let i = 0; i < runs; i++) yield* program
  })
  return () => timed(() => Effect.runPromise(loop)).then((ms) => ms * 1000 / runs)
}

const extraTable = (title: string, label: string, subject: string, base: string, a: ReadonlyArray<number>, b: ReadonlyArray<number>) => {
  console.log()
  printTable(
    [title, subject, base, "extra per run (medians)", "extra per run, per pair of rounds (median)"],
    [[
      label,
      `${median(a).toFixed(2)} µs (${spread(a)})`,
      `${median(b).toFixed(2)} µs (${spread(b)})`,
      `${(median(a) - median(b)).toFixed(2)} µs`,
      `${pairwise(a, b, (x, y) => x - y).toFixed(2)} µs`
    ]]
  )
}

const subworkflow = async () => {
  const a = Task.make("a", () => 1)
  const x = Task.make("x", () => 2)
  const y = Task.make("y", { after: [x] }, (ctx) => Effect.map(ctx.getResult("x"), (v) => v + 1))
  const z = Task.make("z", { after: [y] }, (ctx) => Effect.map(ctx.getResult("y"), (v) => v + 1))
  const inner = Workflow.make("inner", Flow.chain(x, y, z))
  const step = Task.workflow("step", inner)
  const b = Task.make("b", { after: [step] }, (ctx) => Effect.map(ctx.getResult("step"), (r) => r.z + 1))
  const nested = Workflow.make("nested", Flow.chain(a, step, b))
  const bInline = Task.make("b", { after: [z] }, (ctx) => Effect.map(ctx.getResult("z"), (v) => v + 1))
  const inlined = Workflow.make("inlined", Flow.chain(a, x, y, z, bInline))
  const checkNested = await Effect.runPromise(Workflow.run(nested))
  const checkInlined = await Effect.runPromise(Workflow.run(inlined))
  if (checkNested.results.b !== 5 || checkInlined.results.b !== 5) throw new Error("subworkflow: wrong result")
  const runs = 2_000
  const [withStep, flat] = await samplePair(perRun(Workflow.run(nested), runs), perRun(Workflow.run(inlined), runs), 31)
  console.log(machine())
  extraTable("a run, memory channel", "a → Task.workflow(x → y → z) → b", "with a sub-workflow step", "baseline: the same 5 tasks inlined", withStep, flat)
}

const branch = async () => {
  const kind = Task.make("kind", () => "b" as "a" | "b" | "c")
  const route = Flow.branch("route", kind)
    .with("a", () => Task.make("onA", () => 1))
    .with("b", () => Task.make("onB", () => 2))
    .with("c", () => Task.make("onC", () => 3))
    .exhaustive()
  const branched = Workflow.make("branched", Flow.chain(kind, route))
  const direct = Workflow.make("direct", Flow.chain(kind, Task.make("onB", () => 2)))
  const check = await Effect.runPromise(Workflow.run(branched))
  if (check.results.onB !== 2) throw new Error("branch: wrong result")
  const runs = 4_000
  const [withBranch, flat] = await samplePair(perRun(Workflow.run(branched), runs), perRun(Workflow.run(direct), runs), 61)
  console.log(machine())
  extraTable("a run, memory channel", "kind → branch (3 literal cases, the 2nd taken) → onB", "chain(kind, branch)", "baseline: chain(kind, onB)", withBranch, flat)
}

// ---------------------------------------------------------------------------
// 4. distributed map
// ---------------------------------------------------------------------------

const worker = join(process.cwd(), ".bench", "composition-worker.mjs")

const start = (kind: "graflow" | "raw", url: string, prefix: string): Promise<ChildProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [worker, kind, url, prefix], { stdio: ["ignore", "pipe", "inherit"] })
    child.stdout?.once("data", () => resolve(child))
    child.once("exit", (code) => reject(new Error(`worker exited with ${code}`)))
  })

const stop = (children: ReadonlyArray<ChildProcess>) =>
  Promise.all(children.map((c) => new Promise<void>((resolve) => {
    c.once("exit", () => resolve())
    c.kill("SIGKILL")
  })))

const distributed = async () => {
  const WARMUP = 10
  const ROUNDS = 20
  const workersEach = 2
  const server = await startRedisServer()
  const url = server.url
  const rows: Array<ReadonlyArray<string>> = []
  try {
    for (const [label, workflow] of [["concurrency 1,000 (all in flight, as addBulk)", mapAll], ["concurrency 32 (the workers' slots)", map32]] as const) {
      const prefix = `bench:${randomUUID().slice(0, 6)}:`
      const rawPrefix = `bench:${randomUUID().slice(0, 6)}:`
      const workers = await Promise.all(Array.from({ length: workersEach }, () => start("graflow", url, prefix)))
      const raws = await Promise.all(Array.from({ length: workersEach }, () => start("raw", url, rawPrefix)))
      const layer = Distributed.layer({ redis: url, prefix })
      const raw = await rawQueue(url, rawPrefix)
      const rawRound = async () => {
        const started = performance.now()
        await raw.many(ITEMS)
        const time = performance.now() - started
        await raw.clean()
        return time
      }
      const times: Array<number> = []
      const rawTimes: Array<number> = []
      await Effect.runPromise(Effect.gen(function*() {
        for (let i = 0; i < WARMUP + ROUNDS; i++) {
          const started = performance.now()
          const out = yield* Distributed.run(workflow)
          const time = performance.now() - started
          if (out.results.items.length !== ITEMS) return yield* Effect.die(new Error("distributed map: wrong result"))
          const rawTime = yield* Effect.promise(rawRound)
          if (i >= WARMUP) {
            times.push(time)
            rawTimes.push(rawTime)
          }
        }
      }).pipe(Effect.provide(layer)))
      await raw.close()
      await stop([...workers, ...raws])
      const perSecond = (ms: number) => (ITEMS / (ms / 1000)).toFixed(0)
      rows.push([
        label,
        `${median(times).toFixed(0)} ms (${spread(times)})`,
        `${perSecond(median(times))}/s`,
        `${median(rawTimes).toFixed(0)} ms (${spread(rawTimes)})`,
        `${perSecond(median(rawTimes))}/s`,
        (median(rawTimes) / median(times)).toFixed(2),
        pairwise(times, rawTimes, (t, r) => r / t).toFixed(2)
      ])
    }
    console.log(machine(`redis-server ${server.version}`))
    console.log()
    printTable(
      ["map over 1,000 items, 2 workers", "effect-graflow", "items/s", "raw BullMQ, 1,000 no-op jobs", "jobs/s", "effect-graflow / raw throughput (medians)", "per pair of rounds (median)"],
      rows
    )
  } finally {
    await server.stop()
  }
}

const parts: Record<string, () => Promise<void>> = {
  map,
  memory,
  "memory-child": () => memoryChild(process.argv[3] ?? ""),
  subworkflow,
  branch,
  distributed
}
const part = parts[process.argv[2] ?? ""]
if (part === undefined) {
  console.error(`usage: composition <${Object.keys(parts).join("|")}>`)
  process.exit(2)
}
await part()
process.exit(0)
