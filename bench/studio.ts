/**
 * The studio (`Studio.serve`) on Redis, served by this process on a
 * throwaway redis-server, next to baselines measured in the same run:
 *
 * 1. `events`: how long a recorded event takes to reach a page. A producer
 *    process of its own (bench/fixtures/studio-producer.ts, on
 *    `RedisChannel.layer({ runEvents: true })`) runs a 3-task chain, one run
 *    after another, while the studio (on its own
 *    `RedisChannel.layerWithCheckpoints({ runEvents: true })`) serves; a plain
 *    fetch()-based Server-Sent Events reader of `/api/events` (no browser)
 *    takes the events. For each TaskSucceeded event: latency = when the
 *    reader got it (`Date.now()`) − the event's `at` (the task's end, the
 *    producer's clock: the same machine's). Baselines, of the same events, in
 *    this process: a `Workflow.watchRunEvents` subscriber (no HTTP) and a raw
 *    ioredis SUBSCRIBE on `<prefix>:events`. Two rounds: back to back (the
 *    producer as fast as it goes), then paced (10 ms between two runs).
 * 2. `runs`: 10,000 runs of one workflow recorded on Redis (1 % failed), then
 *    `GET /api/workflows/listed/runs?limit=50` (the first page), a page after
 *    5,000 runs (from a cursor), a page of failed runs (the filter reads the
 *    records until 50 match: all 10,000 here) and one of completed runs;
 *    each next to `Workflow.listRuns` called directly (no HTTP) on the
 *    studio's connection, alternately; the first (cold) request of each
 *    apart, then 5 warm-up rounds, then 60; median and p95.
 *
 *   node bench/run.mjs studio [events|runs]     (or: npm run bench:studio)
 */
import { Effect, Exit, Layer, ManagedRuntime, Scope, Stream } from "effect"
import { type Channel, Task, Workflow } from "effect-graflow"
import * as RedisChannel from "effect-graflow/RedisChannel"
import * as Studio from "effect-graflow/Studio"
import { Redis } from "ioredis"
import { spawn } from "node:child_process"
import { join } from "node:path"
import { parseRunNamespace } from "../src/internal/keys.js"
import { eventsChannel } from "../src/internal/redis/keys.js"
import { type RedisServer, startRedisServer } from "../test/support/redis.js"
import { chain3 } from "./fixtures/studio-flows.js"
import { machine, median, printTable } from "./support.js"

const prefix = "bench:"

/** The value at percentile `p` (0–1) of a sample: nearest rank. */
const percentile = (values: ReadonlyArray<number>, p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!
}

interface Studied {
  readonly served: Studio.Served
  readonly context: import("effect").Context.Context<Channel.Channel>
  readonly scope: Scope.Closeable
}

/** The studio on its own `layerWithCheckpoints`, served on a free port, in a scope of its own. */
const startStudio = async (server: RedisServer, workflows: ReadonlyArray<Workflow.Any>): Promise<Studied> => {
  const scope = Effect.runSync(Scope.make())
  const { context, served } = await Effect.runPromise(
    Effect.gen(function*() {
      const context = yield* Layer.build(RedisChannel.layerWithCheckpoints({ url: server.url, prefix, runEvents: true }))
      const served = yield* Studio.serve({ workflows: [...workflows], port: 0, retention: "keep" }).pipe(Effect.provide(context))
      return { context, served }
    }).pipe(Scope.provide(scope))
  )
  return { served, context, scope }
}

// -- 1. events ---------------------------------------------------------------------------------

const producerScript = join(process.cwd(), ".bench", "studio-producer.mjs")

/** Runs the producer process; resolves with the measured runs' wall time (ms) when it has printed "done". */
const produce = (url: string, runs: number, warmup: number, pace: number, label: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [producerScript, url, prefix, `${runs}`, `${warmup}`, `${pace}`, label], {
      stdio: ["ignore", "pipe", "inherit"]
    })
    let out = ""
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString()
    })
    child.once("error", reject)
    child.once("exit", (code) => {
      const ms = /done (\d+)/.exec(out)?.[1]
      if (code === 0 && ms !== undefined) resolve(Number(ms))
      else reject(new Error(`the producer exited with ${code}: ${out}`))
    })
  })

/** When each reader got each TaskSucceeded event: `runId/taskId/attempt` → Date.now() at receipt. */
type Receipts = Map<string, number>

interface Seen {
  readonly sse: Receipts
  readonly direct: Receipts
  readonly raw: Receipts
  /** The event's `at`, by the same key. */
  readonly at: Map<string, number>
  /** Every message the SSE reader got, and when the first arrived after the stream opened. */
  sseMessages: number
}

const note = (seen: Seen, receipts: Receipts, runId: string, event: unknown, now: number): void => {
  if (typeof event !== "object" || event === null) return
  const e = event as { readonly type?: unknown; readonly at?: unknown; readonly taskId?: unknown; readonly attempt?: unknown }
  if (e.type !== "TaskSucceeded" || typeof e.at !== "number") return
  const key = `${runId}/${String(e.taskId)}/${String(e.attempt)}`
  receipts.set(key, now)
  seen.at.set(key, e.at)
}

/** A fetch()-based Server-Sent Events reader of the studio's live feed; resolves once the feed says it is live. */
const readFeed = async (served: Studio.Served, seen: Seen, signal: AbortSignal): Promise<{ readonly done: Promise<void> }> => {
  const response = await fetch(`${served.origin}/api/events?token=${encodeURIComponent(served.token)}`, {
    signal,
    headers: { accept: "text/event-stream" }
  })
  if (response.status !== 200 || response.body === null) throw new Error(`GET /api/events answered ${response.status}`)
  const reader = response.body.getReader()
  const decoder = new TextDecoder()
  let buffer = ""
  let markLive: () => void = () => {}
  const live = new Promise<void>((resolve) => {
    markLive = resolve
  })
  const done = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) return
        const now = Date.now()
        buffer += decoder.decode(value, { stream: true })
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const message = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          if (message.startsWith(": live")) markLive()
          if (!message.startsWith("data: ")) continue
          seen.sseMessages++
          const data = JSON.parse(message.slice(6)) as { readonly runId: string; readonly event: unknown }
          note(seen, seen.sse, data.runId, data.event, now)
        }
      }
    } catch (error) {
      if (!signal.aborted) throw error
    }
  })()
  await live
  return { done }
}

const eventsPart = async () => {
  const server = await startRedisServer()
  const studio = await startStudio(server, [chain3])
  const seen: Seen = { sse: new Map(), direct: new Map(), raw: new Map(), at: new Map(), sseMessages: 0 }
  const raw = new Redis(server.url)
  const abort = new AbortController()
  try {
    // The direct subscriber: Workflow.watchRunEvents on the studio's backend (a subscriber connection of its own).
    await Effect.runPromise(
      Effect.gen(function*() {
        const events = yield* Workflow.watchRunEvents(chain3)
        yield* Effect.forkIn(
          Stream.runForEach(events, (e) => Effect.sync(() => note(seen, seen.direct, e.runId, e.event, Date.now()))),
          studio.scope
        )
      }).pipe(Effect.provideContext(studio.context), Scope.provide(studio.scope))
    )
    // Raw ioredis SUBSCRIBE on the events channel: the namespace as JSON, a newline, the event as JSON.
    const channel = eventsChannel(prefix)
    raw.on("message", (from: string, message: string) => {
      const now = Date.now()
      if (from !== channel) return
      const newline = message.indexOf("\n")
      const run = parseRunNamespace(JSON.parse(message.slice(0, newline)) as string)
      if (run !== undefined) note(seen, seen.raw, run.runId, JSON.parse(message.slice(newline + 1)), now)
    })
    await raw.subscribe(channel)
    const feed = await readFeed(studio.served, seen, abort.signal)

    const rounds = [
      { label: "b2b", name: "back to back", runs: 250, warmup: 30, pace: 0 },
      { label: "paced", name: "paced, 10 ms between runs", runs: 180, warmup: 5, pace: 10 }
    ]
    const rows: Array<Array<string>> = []
    const notes: Array<string> = []
    for (const round of rounds) {
      const wall = await produce(server.url, round.runs, round.warmup, round.pace, round.label)
      const keys: Array<string> = []
      for (let i = 0; i < round.runs; i++) for (const task of ["t0", "t1", "t2"]) keys.push(`run-${round.label}-${i}/${task}/1`)
      // Stragglers: wait until every reader has every event, or 3 s.
      const deadline = Date.now() + 3_000
      while (Date.now() < deadline && ![seen.sse, seen.direct, seen.raw].every((r) => keys.every((k) => r.has(k)))) {
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      notes.push(`${round.name}: ${round.runs} runs in ${(wall / 1000).toFixed(2)} s (${(wall / round.runs).toFixed(2)} ms a run, ${(round.runs * 3 / wall * 1000).toFixed(0)} TaskSucceeded/s)`)
      for (const [reader, receipts] of [["studio SSE (fetch reader)", seen.sse], ["Workflow.watchRunEvents (no HTTP)", seen.direct], ["raw ioredis SUBSCRIBE", seen.raw]] as const) {
        const latencies: Array<number> = []
        let missing = 0
        for (const key of keys) {
          const got = receipts.get(key)
          const at = seen.at.get(key)
          if (got === undefined || at === undefined) missing++
          else latencies.push(got - at)
        }
        rows.push(latencies.length === 0 ? [round.name, reader, "0", `${missing}`, "", "", "", "", ""] : [
          round.name,
          reader,
          `${latencies.length}`,
          `${missing}`,
          `${percentile(latencies, 0.5)}`,
          `${percentile(latencies, 0.95)}`,
          `${percentile(latencies, 0.99)}`,
          `${Math.max(...latencies)}`,
          `${Math.min(...latencies)}`
        ])
      }
      // The SSE reader's lag behind the direct subscriber, event by event.
      const extra = keys.flatMap((k) => {
        const a = seen.sse.get(k)
        const b = seen.direct.get(k)
        return a === undefined || b === undefined ? [] : [a - b]
      })
      if (extra.length > 0) {
        notes.push(`${round.name}: SSE − watchRunEvents, per event: p50 ${percentile(extra, 0.5)} ms, p95 ${percentile(extra, 0.95)} ms, max ${Math.max(...extra)} ms`)
      }
    }
    console.log(machine(`redis-server ${server.version}`))
    printTable(
      ["producer", "reader", "TaskSucceeded events", "missing", "p50 (ms)", "p95 (ms)", "p99 (ms)", "max (ms)", "min (ms)"],
      rows
    )
    for (const line of notes) console.log(`- ${line}`)
    console.log(`- SSE messages received in all: ${seen.sseMessages} (every event of every run, warm-ups included)`)
    abort.abort()
    await feed.done
  } finally {
    abort.abort()
    raw.disconnect()
    await Effect.runPromise(Scope.close(studio.scope, Exit.void))
    await server.stop()
  }
}

// -- 2. runs -----------------------------------------------------------------------------------

const RUNS = 10_000
const ROUNDS = 60
const WARMUP = 5

const ok = Workflow.make("listed", Task.make("work", () => 1))
const failing = Workflow.make("listed", Task.make("work", () => Effect.fail("broken")))

const runsPart = async () => {
  const server = await startRedisServer()
  // The runs are made by another connection (a producer's), then listed by the studio's.
  const producer = ManagedRuntime.make(Layer.orDie(RedisChannel.layer({ url: server.url, prefix })))
  let studio: Studied | undefined
  try {
    const started = performance.now()
    await producer.runPromise(
      Effect.forEach(Array.from({ length: RUNS }, (_, i) => i), (i) =>
        Effect.exit(Workflow.run(i % 100 === 0 ? failing : ok, { runId: `r-${String(i).padStart(5, "0")}`, retention: "keep" })), {
        concurrency: 64,
        discard: true
      })
    )
    const madeIn = performance.now() - started
    studio = await startStudio(server, [ok])
    const { context, served } = studio
    const direct = <A, E>(effect: Effect.Effect<A, E, Channel.Channel>) => Effect.runPromise(Effect.provideContext(effect, context))
    const auth = { authorization: `Bearer ${served.token}` }
    const http = async (query: string): Promise<{ readonly runs: ReadonlyArray<{ readonly status: string }>; readonly next: string | null }> => {
      const response = await fetch(`${served.origin}/api/workflows/listed/runs?${query}`, { headers: auth })
      if (response.status !== 200) throw new Error(`GET runs?${query} answered ${response.status}: ${await response.text()}`)
      return await response.json() as { readonly runs: ReadonlyArray<{ readonly status: string }>; readonly next: string | null }
    }

    // The first request of each kind, cold (the studio has answered nothing yet), HTTP first, then direct.
    const cold: Array<Array<string>> = []
    const coldOne = async (name: string, viaHttp: () => Promise<unknown>, viaDirect: () => Promise<unknown>) => {
      const t0 = performance.now()
      await viaHttp()
      const h = performance.now() - t0
      const t1 = performance.now()
      await viaDirect()
      cold.push([name, h.toFixed(2), (performance.now() - t1).toFixed(2)])
    }
    await coldOne("first page of 50", () => http("limit=50"), () => direct(Workflow.listRuns(ok, { limit: 50 })))

    // A cursor after 5,000 runs: walked through the API and directly, which must agree.
    let cursorHttp: string | null = null
    let cursorDirect: string | undefined
    for (let page = 0; page < 100; page++) {
      cursorHttp = (await http(`limit=50${cursorHttp === null ? "" : `&cursor=${encodeURIComponent(cursorHttp)}`}`)).next
      cursorDirect = (await direct(Workflow.listRuns(ok, { limit: 50, ...(cursorDirect === undefined ? {} : { cursor: cursorDirect }) }))).cursor
    }
    if (cursorHttp === null || cursorDirect === undefined) throw new Error("the listing ended before 5,000 runs")
    if (cursorHttp !== cursorDirect) throw new Error(`the API's cursor ${cursorHttp} is not listRuns' ${cursorDirect}`)
    const deep = cursorDirect

    const cases: Record<string, { readonly http: () => Promise<number>; readonly direct: () => Promise<number> }> = {
      "first page of 50": {
        http: async () => (await http("limit=50")).runs.length,
        direct: async () => (await direct(Workflow.listRuns(ok, { limit: 50 }))).runs.length
      },
      "a page of 50 after 5,000 runs (cursor)": {
        http: async () => (await http(`limit=50&cursor=${encodeURIComponent(deep)}`)).runs.length,
        direct: async () => (await direct(Workflow.listRuns(ok, { limit: 50, cursor: deep }))).runs.length
      },
      "a page of 50 failed runs (1 %: reads all 10,000)": {
        http: async () => (await http("limit=50&status=failed")).runs.length,
        direct: async () => (await direct(Workflow.listRuns(ok, { limit: 50, status: "failed" }))).runs.length
      },
      "a page of 50 completed runs (99 %)": {
        http: async () => (await http("limit=50&status=completed")).runs.length,
        direct: async () => (await direct(Workflow.listRuns(ok, { limit: 50, status: "completed" }))).runs.length
      }
    }
    await coldOne("a page of 50 failed runs", cases["a page of 50 failed runs (1 %: reads all 10,000)"]!.http, cases["a page of 50 failed runs (1 %: reads all 10,000)"]!.direct)

    const samples = new Map<string, { http: Array<number>; direct: Array<number>; ratio: Array<number> }>()
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      for (const [name, c] of Object.entries(cases)) {
        const t0 = performance.now()
        const n1 = await c.http()
        const h = performance.now() - t0
        const t1 = performance.now()
        const n2 = await c.direct()
        const d = performance.now() - t1
        if (n1 !== 50 || n2 !== 50) throw new Error(`${name}: ${n1} runs through the API, ${n2} directly (50 expected)`)
        if (round < WARMUP) continue
        const s = samples.get(name) ?? { http: [], direct: [], ratio: [] }
        s.http.push(h)
        s.direct.push(d)
        s.ratio.push(h / d)
        samples.set(name, s)
      }
    }
    console.log(machine(`redis-server ${server.version}`))
    console.log(`${RUNS} runs made in ${(madeIn / 1000).toFixed(1)} s (concurrency 64)`)
    printTable(
      ["10,000 runs on Redis, limit=50", "GET /api/…/runs median (ms)", "p95 (ms)", "Workflow.listRuns median (ms)", "p95 (ms)", "ratio (median of rounds)"],
      [...samples].map(([name, s]) => [
        name,
        median(s.http).toFixed(2),
        percentile(s.http, 0.95).toFixed(2),
        median(s.direct).toFixed(2),
        percentile(s.direct, 0.95).toFixed(2),
        `${median(s.ratio).toFixed(2)}×`
      ])
    )
    console.log(`(${ROUNDS} requests each after ${WARMUP} warm-up rounds; the API's figure includes fetch() and JSON.parse of the body)`)
    printTable(["cold: the first request", "GET /api/…/runs (ms)", "Workflow.listRuns right after (ms)"], cold)
  } finally {
    if (studio !== undefined) await Effect.runPromise(Scope.close(studio.scope, Exit.void))
    await producer.dispose()
    await server.stop()
  }
}

const part = process.argv[2]
const main = part === "events" ? eventsPart : part === "runs" ? runsPart : undefined
if (main === undefined) {
  console.error("usage: node .bench/studio.mjs events|runs (node bench/run.mjs studio runs both)")
  process.exit(2)
}
main().then(() => process.exit(0), (error: unknown) => {
  console.error(error)
  process.exit(1)
})
