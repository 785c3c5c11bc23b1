/**
 * Distributed runs with real worker processes (test/fixtures/distributed-worker.ts)
 * on a real redis-server: the producer (this process) runs workflows whose task
 * attempts are BullMQ jobs.
 */
import { afterAll, assert, beforeAll, describe, expect, it } from "@effect/vitest"
import { Queue, QueueEvents } from "bullmq"
import * as NodeSdk from "@effect/opentelemetry/NodeSdk"
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { Cause, Effect, Fiber, Layer, Option, Stream } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import { hostname } from "node:os"
import { randomUUID } from "node:crypto"
import { fileURLToPath } from "node:url"
import { Cluster, Redis } from "ioredis"
import { inject } from "vitest"
import { MemoryChannel, Progress, Task, Workflow } from "../src/index.js"
import * as Distributed from "../src/Distributed.js"
import * as RedisChannel from "../src/RedisChannel.js"
import * as Worker from "../src/Worker.js"
import { jobIdOf } from "../src/internal/remote.js"
import { aggregateHere, approvals, Broken, cancelling, composed, control, crashy, etl, etlLocal, fanout, mapCrashy, moreControl, orders, relay, Report, slow, strict, typedFailure, workerLayer } from "./fixtures/distributed-flows.js"
import { bullConnectionFor, clientOf, keysEverywhere, releaseBullConnections, targetOf } from "./support/target.js"
import { queueOf } from "../src/internal/redis/keys.js"
import { lineOf, startScript, stderr, stopAll } from "./support/processes.js"
import { slotOf } from "./support/redis.js"

const fixture = fileURLToPath(new URL("./fixtures/distributed-worker.ts", import.meta.url))


/**
 * What every Redis runs: standalone, and a 3-primary Cluster (its seed nodes as
 * `cluster:<url>,…`, see support/target.ts). On the cluster, each run's keys are
 * in its namespace's slot and the queue's in the queue's own.
 */
const distributedSuite = (where: string, url: string) => {
  const startWorker = (prefix: string, env: Record<string, string> = {}): ChildProcess => startScript(fixture, [url, prefix], env)
  const redisOf = targetOf(url)

  describe(`${where}: distributed runs on two worker processes`, () => {
    const prefix = `test:dist:${randomUUID().slice(0, 8)}:`
    const layer = Distributed.layer({ redis: redisOf, prefix })
    let workers: Array<ChildProcess> = []
    beforeAll(async () => {
      workers = [startWorker(prefix), startWorker(prefix)]
      await Promise.all(workers.map((w) => lineOf(w, (l) => l === "READY")))
    }, 60_000)
    afterAll(async () => {
      await stopAll(workers)
      for (const worker of workers) if (stderr(worker) !== "") console.error(`worker ${worker.pid}:`, stderr(worker))
    })

    it.live("a 200-task fan-out: every member appended once, every result there, both workers took part", () =>
      Effect.gen(function*() {
        const out = yield* Distributed.run(fanout)
        assert.strictEqual(out.status, "completed")
        if (out.status !== "completed") return
        const items = out.channel["items"] as ReadonlyArray<string>
        assert.strictEqual(items.length, 200)
        assert.strictEqual(new Set(items).size, 200)
        const pids = Object.values(out.results)
        assert.strictEqual(pids.length, 200)
        const workerPids = new Set(workers.map((w) => w.pid))
        for (const pid of pids) assert.isTrue(workerPids.has(pid), `${pid} is a worker`)
        assert.strictEqual(new Set(pids).size, 2)
      }).pipe(Effect.provide(layer)), 60_000)

    it.live("worker tasks read the producer's channel value and upstream results, with a service only workers have", () =>
      Effect.gen(function*() {
        const out = yield* Distributed.run(etl)
        assert.strictEqual(out.status, "completed")
        if (out.status !== "completed") return
        assert.deepStrictEqual(out.results.aggregate, { batch: 7, rows: 19, total: 190 })
        // A memory channel provided around a distributed run is not used: the run's channel is the workers'.
        const again = yield* Distributed.run(etl).pipe(Effect.provide(MemoryChannel.layer))
        assert.deepStrictEqual(again.status === "completed" ? again.results.aggregate : again.status, { batch: 7, rows: 19, total: 190 })
      }).pipe(Effect.provide(layer)), 60_000)

    it.live("many runs of several workflows at once on one queue and one Redis: each run sees only its own namespace", () =>
      Effect.gen(function*() {
        const etls = Array.from({ length: 8 }, () => Distributed.run(etl))
        const fanouts = Array.from({ length: 2 }, () => Distributed.run(fanout))
        const [etlOuts, fanoutOuts, controlled] = yield* Effect.all([
          Effect.all(etls, { concurrency: "unbounded" }),
          Effect.all(fanouts, { concurrency: "unbounded" }),
          Distributed.run(control)
        ], { concurrency: "unbounded" })
        for (const out of etlOuts) {
          // Each run added its own extracts to its own "total": 190, never another run's share.
          assert.deepStrictEqual(out.status === "completed" ? out.results.aggregate : out.status, { batch: 7, rows: 19, total: 190 })
        }
        assert.strictEqual(new Set(etlOuts.map((out) => out.runId)).size, 8)
        for (const out of fanoutOuts) {
          const items = out.status === "completed" ? out.channel["items"] as ReadonlyArray<string> : []
          assert.strictEqual(items.length, 200)
          assert.strictEqual(new Set(items).size, 200)
        }
        assert.strictEqual(controlled.status, "terminated")
      }).pipe(Effect.provide(layer)), 60_000)

    it.live("progress events of a distributed run, as a Stream in the producer", () =>
      Effect.gen(function*() {
        const events = yield* Progress.subscribe
        yield* Distributed.run(etl)
        const seen = yield* Stream.runCollect(Stream.takeUntil(events, (e) => e._tag === "RunFinished"))
        const succeeded = Array.from(seen).flatMap((e) => e._tag === "TaskSucceeded" ? [e.taskId] : []).sort()
        assert.deepStrictEqual(succeeded, ["a", "aggregate", "b", "c", "setup"])
        const last = Array.from(seen).at(-1)
        assert.strictEqual(last?._tag === "RunFinished" ? last.status : undefined, "completed")
      }).pipe(Effect.scoped, Effect.provide(Progress.layerStream), Effect.provide(layer)), 60_000)

    it.live("three extracts on the workers and an aggregate in the producer, with its own service: an exact total", () =>
      Effect.gen(function*() {
        const out = yield* Distributed.run(etlLocal, { local: [aggregateHere] }).pipe(
          Effect.provide(Layer.succeed(Report, { title: "from the producer" }))
        )
        assert.strictEqual(out.status, "completed")
        if (out.status !== "completed") return
        assert.deepStrictEqual(out.results.aggregate, { title: "from the producer", rows: 19, total: 190, pid: process.pid })
      }).pipe(Effect.provide(layer)), 60_000)

    it.live("a local task that is not one of the workflow's (untyped code: it does not compile) dies naming it", () =>
      Effect.gen(function*() {
        const stranger = Task.make("stranger", () => 1)
        // As untyped code would: `local` takes the workflow's own tasks (type-tests/second-pass.test-d.ts).
        const exit = yield* Effect.exit(Distributed.run(etl, { local: [stranger] } as never))
        assert.isTrue(exit._tag === "Failure" && Cause.hasDies(exit.cause))
        if (exit._tag === "Failure") {
          expect(String(Cause.squash(exit.cause))).toContain(`Distributed.run: local task "stranger" is not a task of workflow "etl"`)
        }
      }).pipe(Effect.provide(layer)), 60_000)

    it.live("control flow travels back: iterations, terminate; a cancel, a failing group member, a timeout", () =>
      Effect.gen(function*() {
        const flow = yield* Distributed.run(control)
        assert.strictEqual(flow.status, "terminated")
        if (flow.status === "terminated") {
          assert.strictEqual(flow.results.loop, 2)
          assert.strictEqual(flow.results.stop, "stopped")
          assert.isUndefined(flow.results.never)
        }
        const cancelled = yield* Effect.flip(Distributed.run(cancelling))
        assert.strictEqual(cancelled._tag, "WorkflowCancelled")
        if (cancelled._tag === "WorkflowCancelled") assert.strictEqual(cancelled.reason, "no budget")
        const group = yield* Effect.flip(Distributed.run(strict))
        assert.strictEqual(group._tag, "ParallelGroupError")
        if (group._tag === "ParallelGroupError") {
          const failed = group.members.find((m) => m.outcome === "failed")
          const cause = failed?.error?._tag === "TaskFailed" ? failed.error.cause : undefined
          assert.strictEqual(cause?._tag, "RemoteTaskError")
          if (cause?._tag === "RemoteTaskError") {
            assert.strictEqual(cause.tag, "Broken")
            assert.deepStrictEqual(cause.data, { part: "gearbox", _tag: "Broken" })
          }
        }
        // With an `error` schema, the task's error comes back as itself.
        const typed = yield* Effect.flip(Distributed.run(typedFailure))
        assert.strictEqual(typed._tag, "TaskFailed")
        if (typed._tag === "TaskFailed") {
          assert.instanceOf(typed.cause, Broken)
          assert.deepStrictEqual(typed.cause instanceof Broken ? typed.cause.part : undefined, "clutch")
        }
        const timedOut = yield* Effect.flip(Distributed.run(slow))
        assert.strictEqual(timedOut._tag, "TaskFailed")
        if (timedOut._tag === "TaskFailed") assert.strictEqual(timedOut.cause._tag, "TaskTimeoutError")
      }).pipe(Effect.provide(layer)), 60_000)

    it.live("a retried attempt, a jump, an added task and a checkpoint made on workers", () =>
      Effect.gen(function*() {
        const { extra, workflow } = moreControl(url)
        const runId = randomUUID()
        const out = yield* Distributed.run(workflow, { runId })
        assert.strictEqual(out.status, "completed")
        if (out.status !== "completed") return
        assert.strictEqual(out.results.flaky.attempt, 2)
        assert.strictEqual(out.results.again, 2)
        assert.strictEqual(Option.getOrUndefined(Workflow.resultOf(out, extra)), "added on a worker")
        const dispatcher = yield* Distributed.Dispatcher
        const ids = yield* dispatcher.checkpoints.list(Workflow.namespace(workflow, runId))
        assert.strictEqual(ids.length, 2)
        const last = yield* dispatcher.checkpoints.load(ids[1]!)
        assert.strictEqual(last.metadata["iteration"], 2)
      }).pipe(Effect.provide(layer)), 60_000)

    it.live("a map's items (a template, a workflow per element) and a sub-workflow's tasks run on the workers", () =>
      Effect.gen(function*() {
        const out = yield* Distributed.run(composed)
        if (out.status !== "completed") return assert.fail(out.status)
        const workerPids = new Set(workers.map((w) => w.pid))
        assert.deepStrictEqual(out.results.doubled.map((r) => r.value), Array.from({ length: 40 }, (_, i) => i * 2))
        assert.deepStrictEqual(out.results.squared.map((r) => r.square.value), Array.from({ length: 40 }, (_, i) => i * i))
        assert.strictEqual(out.results.seven.square.value, 49)
        const pids = [...out.results.doubled.map((r) => r.pid), ...out.results.squared.map((r) => r.square.pid), out.results.seven.square.pid]
        for (const pid of pids) assert.isTrue(workerPids.has(pid), `${pid} is a worker`)
      }).pipe(Effect.provide(layer)), 60_000)

    it.live("a workflow with a typed input: the input enters in the producer, the task that reads it runs on a worker", () =>
      Effect.gen(function*() {
        const out = yield* Distributed.run(orders, { input: { id: "o-1", amount: 12.5 } })
        assert.strictEqual(out.status, "completed")
        if (out.status !== "completed") return
        assert.deepStrictEqual(out.results.order, { id: "o-1", amount: 12.5 })
        assert.strictEqual(out.results.charge.cents, 1250)
        assert.isTrue(workers.some((w) => w.pid === out.results.charge.pid))
        const bad = yield* Effect.flip(Distributed.run(orders, { input: { id: "o-2", amount: "lots" as unknown as number } }))
        assert.strictEqual(bad._tag, "InvalidRunInputError")
      }).pipe(Effect.provide(layer)), 60_000)

    it.live("an approval answered while the run is suspended continues on the workers: run again (durable), or resume", () =>
      Effect.gen(function*() {
        const workflow = approvals(url)
        const workerPids = new Set(workers.map((w) => w.pid))
        // Durable: running it again continues it; the waiting task runs again (on a worker) and takes the answer.
        const runId = randomUUID()
        const first = yield* Distributed.run(workflow, { runId, durable: true })
        assert.strictEqual(first.status, "suspended")
        yield* Distributed.respond(workflow, runId, "approval", true)
        const again = yield* Distributed.run(workflow, { runId, durable: true })
        assert.strictEqual(again.status, "completed")
        if (again.status !== "completed") return
        assert.deepStrictEqual({ approved: again.results.ask.approved, asked: again.results.ask.asked }, { approved: true, asked: 2 })
        assert.isTrue(workerPids.has(again.results.ask.pid))
        assert.strictEqual(again.results.ship, "shipped")
        // Resumed from its checkpoint: the rest runs on the workers too.
        const other = randomUUID()
        const suspended = yield* Distributed.run(workflow, { runId: other })
        assert.strictEqual(suspended.status, "suspended")
        yield* Distributed.respond(workflow, other, "approval", false)
        const resumed = yield* Distributed.resume(workflow, { runId: other })
        assert.strictEqual(resumed.status, "completed")
        if (resumed.status !== "completed") return
        assert.isTrue(workerPids.has(resumed.results.ask.pid))
        assert.strictEqual(resumed.results.ship, "held")
      }).pipe(Effect.provide(layer)), 60_000)

    it("a job naming an unknown workflow or task, or a foreign payload, fails with the reason and runs nothing", async () => {
      const { name, prefix: bullPrefix } = queueOf({ prefix })
      const queue = new Queue(name, { connection: bullConnectionFor(url), prefix: bullPrefix })
      // Read from the stream's newest entry (not "$", whatever comes after the first blocking read, which
      // starts a little later — a job may end before it): no event of a job added from now on is missed.
      const reader = clientOf(url)
      const newest = await reader.xrevrange(`${bullPrefix}:${name}:events`, "+", "-", "COUNT", 1).finally(() => reader.quit())
      const events = new QueueEvents(name, { connection: bullConnectionFor(url), prefix: bullPrefix, lastEventId: newest[0]?.[0] ?? "0-0" })
      await events.waitUntilReady()
      // Kept when it fails (removeOnFail: false): waitUntilFinished reads the reason of a job that ended already.
      const reasonOf = async (data: unknown) => {
        const job = await queue.add("bad", data, { removeOnComplete: true, removeOnFail: false, attempts: 1 })
        const reason = await job.waitUntilFinished(events).then(() => "completed", (error: Error) => error.message)
        await job.remove()
        return reason
      }
      const job = { v: 1, workflow: "nope", plan: "x", runId: "r", task: "t", iteration: 1, attempt: 1, cycles: {} }
      expect(await reasonOf(job)).toContain(`this worker serves no workflow "nope"`)
      expect(await reasonOf({ ...job, workflow: "etl" })).toContain(`workflow "etl" of this worker is another version`)
      expect(await reasonOf({ hello: "world" })).toContain("it is not an effect-graflow job of protocol 1")
      await events.close()
      await queue.close()
    }, 60_000)
  })

  describe(`${where}: a worker killed with SIGKILL mid-task`, () => {
    it.live("its job is re-delivered to another worker, the run completes, the result is stored once", () =>
      Effect.gen(function*() {
        const prefix = `test:dist:${randomUUID().slice(0, 8)}:`
        const first = startWorker(prefix)
        yield* Effect.promise(() => lineOf(first, (l) => l === "READY"))
        const runId = randomUUID()
        const fiber = yield* Effect.forkChild(Distributed.run(crashy(url), { runId }).pipe(Effect.provide(Distributed.layer({ redis: redisOf, prefix }))))
        const running = yield* Effect.promise(() => lineOf(first, (l) => l.startsWith("RUNNING")))
        assert.strictEqual(running, `RUNNING ${first.pid}`)
        first.kill("SIGKILL")
        const second = startWorker(prefix)
        const out = yield* Effect.ensuring(Fiber.join(fiber), Effect.promise(() => stopAll([first, second])))
        assert.strictEqual(out.status, "completed")
        if (out.status !== "completed") return
        assert.deepStrictEqual(out.results["hang-once"], { runs: 2, pid: second.pid })
        const redis = clientOf(url)
        const runs = yield* Effect.promise(() => redis.get(`test:dist:runs:${runId}`))
        yield* Effect.promise(() => redis.quit())
        assert.strictEqual(runs, "2")
      }), 60_000)
  })

  describe(`${where}: a worker killed with SIGKILL in the middle of a map`, () => {
    it.live("the item it ran is re-delivered to another worker; every item's result is there, none ran more than twice", () =>
      Effect.gen(function*() {
        const prefix = `test:dist:${randomUUID().slice(0, 8)}:`
        const first = startWorker(prefix)
        yield* Effect.promise(() => lineOf(first, (l) => l === "READY"))
        const runId = randomUUID()
        const fiber = yield* Effect.forkChild(Distributed.run(mapCrashy(url), { runId }).pipe(Effect.provide(Distributed.layer({ redis: redisOf, prefix }))))
        yield* Effect.promise(() => lineOf(first, (l) => l === `RUNNING item ${first.pid}`))
        first.kill("SIGKILL")
        const second = startWorker(prefix)
        const out = yield* Effect.ensuring(Fiber.join(fiber), Effect.promise(() => stopAll([first, second])))
        assert.deepStrictEqual(out.status === "completed" ? out.results.each : out.status, Array.from({ length: 30 }, (_, i) => i + 100))
        const redis = clientOf(url)
        const runs = yield* Effect.promise(() => Promise.all(Array.from({ length: 30 }, (_, i) => redis.get(`test:dist:item:${runId}:${i}`))))
        yield* Effect.promise(() => redis.quit())
        // Item 5 ran twice (killed, then re-delivered); an item whose job the killed worker had taken but not
        // finished may have run twice too; none ran three times, none was lost.
        assert.strictEqual(runs[5], "2")
        for (const [i, count] of runs.entries()) assert.isTrue(count === "1" || count === "2", `item ${i} ran ${count} times`)
      }), 60_000)
  })

  describe(`${where}: a producer killed with SIGKILL during a durable distributed run`, () => {
    it("the next producer takes over the job in flight instead of sending it again", async () => {
      const prefix = `test:dist:${randomUUID().slice(0, 8)}:`
      const runId = randomUUID()
      const producerScript = fileURLToPath(new URL("./fixtures/distributed-producer.ts", import.meta.url))
      const producer = () =>
        spawn(process.execPath, ["--import", "tsx", producerScript, url, prefix, runId], { stdio: ["ignore", "pipe", "pipe"] })
      const workerProcess = startWorker(prefix)
      try {
        await lineOf(workerProcess, (l) => l === "READY")
        // The job of "long" ends while no producer runs: the next one must take its outcome over.
        const { name, prefix: bull } = queueOf({ prefix })
        const clock = clientOf(url)
        const [seconds, micros] = await clock.time()
        await clock.quit()
        const events = new QueueEvents(name, {
          connection: bullConnectionFor(url),
          prefix: bull,
          lastEventId: `${Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)}-0`
        })
        await events.waitUntilReady()
        const longJob = jobIdOf(Workflow.namespace("handover", runId), { task: "long", iteration: 1, attempt: 1 })
        const longDone = new Promise<void>((resolve) => events.on("completed", ({ jobId }) => jobId === longJob && resolve()))
        const first = producer()
        await lineOf(workerProcess, (l) => l === `RUNNING long ${runId}`)
        first.kill("SIGKILL")
        await new Promise((resolve) => first.once("exit", resolve))
        await longDone
        await events.close()
        const second = producer()
        const [line] = await Promise.all([lineOf(second, (l) => l.startsWith("{")), new Promise((resolve) => second.once("exit", resolve))])
        const results = JSON.parse(line) as { readonly long: { readonly runs: number } }
        assert.strictEqual(results.long.runs, 1)
        const redis = clientOf(url)
        const counts = await Promise.all(["first", "long", "after"].map((t) => redis.get(`test:dist:${t}:${runId}`)))
        await redis.quit()
        assert.deepStrictEqual(counts, ["1", "1", "1"])
        // The run ended: the jobs it kept for a takeover are gone.
        const queue = new Queue(name, { connection: bullConnectionFor(url), prefix: bull })
        const afterJob = jobIdOf(Workflow.namespace("handover", runId), { task: "after", iteration: 1, attempt: 1 })
        assert.isUndefined(await queue.getJob(longJob) ?? undefined)
        assert.isUndefined(await queue.getJob(afterJob) ?? undefined)
        await queue.close()
      } finally {
        await stopAll([workerProcess])
      }
    }, 60_000)
  })

  describe(`${where}: Distributed.deleteRun: a durable run whose producer never came back`, () => {
    it("removes its kept jobs, namespace and journal, and nothing of another run", async () => {
      const prefix = `test:dist:${randomUUID().slice(0, 8)}:`
      const runId = randomUUID()
      const producerScript = fileURLToPath(new URL("./fixtures/distributed-producer.ts", import.meta.url))
      const workerProcess = startWorker(prefix)
      const redis = clientOf(url)
      const layer = Distributed.layer({ redis: redisOf, prefix })
      const { name, prefix: bull } = queueOf({ prefix })
      const queue = new Queue(name, { connection: bullConnectionFor(url), prefix: bull })
      /** The keys of the channel and checkpoint store that name `workflow` (the queue's are apart, under `:bull:`). */
      const runKeys = async (workflow: string) =>
        (await keysEverywhere(redis, `${prefix}*`)).filter((key) => !key.startsWith(bull) && key.includes(workflow))
      try {
        await lineOf(workerProcess, (l) => l === "READY")
        const [seconds, micros] = await redis.time()
        const events = new QueueEvents(name, {
          connection: bullConnectionFor(url),
          prefix: bull,
          lastEventId: `${Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)}-0`
        })
        await events.waitUntilReady()
        const namespace = Workflow.namespace("handover", runId)
        const firstJob = jobIdOf(namespace, { task: "first", iteration: 1, attempt: 1 })
        const longJob = jobIdOf(namespace, { task: "long", iteration: 1, attempt: 1 })
        const longDone = new Promise<void>((resolve) => events.on("completed", ({ jobId }) => jobId === longJob && resolve()))
        const producer = spawn(process.execPath, ["--import", "tsx", producerScript, url, prefix, runId, "2 hours"], {
          stdio: ["ignore", "pipe", "pipe"]
        })
        await lineOf(workerProcess, (l) => l === `RUNNING long ${runId}`)
        producer.kill("SIGKILL")
        await new Promise((resolve) => producer.once("exit", resolve))
        // Given up while "long" runs: its job is locked by the worker and stays; the ended one goes, and the namespace.
        assert.isAbove((await runKeys("handover")).length, 0)
        await Effect.runPromise(Distributed.deleteRun("handover", runId).pipe(Effect.provide(layer)))
        assert.isDefined(await queue.getJob(longJob) ?? undefined)
        assert.isUndefined(await queue.getJob(firstJob) ?? undefined)
        assert.deepStrictEqual(await runKeys("handover"), [])
        await longDone
        await events.close()
        // The jobs stay for a producer that takes the run over, as long as `keepJobs` says.
        const kept = await queue.getJob(longJob)
        assert.deepStrictEqual(kept?.opts.removeOnComplete, { age: 7200 })
        // Another durable run on the same queue, failed (so it keeps its job and namespace).
        const other = await Effect.runPromiseExit(
          Distributed.run(typedFailure, { runId, durable: true }).pipe(Effect.provide(layer))
        )
        assert.isTrue(other._tag === "Failure")
        const otherJob = jobIdOf(Workflow.namespace("typed-failure", runId), { task: "broken", iteration: 1, attempt: 1 })
        const otherKeys = await runKeys("typed-failure")
        assert.isAbove(otherKeys.length, 0)

        // Given up again once "long" has ended: its job goes too.
        await Effect.runPromise(Distributed.deleteRun("handover", runId).pipe(Effect.provide(layer)))
        assert.isUndefined(await queue.getJob(longJob) ?? undefined)
        assert.deepStrictEqual(await runKeys("handover"), [])
        assert.isDefined(await queue.getJob(otherJob) ?? undefined)
        assert.deepStrictEqual((await runKeys("typed-failure")).sort(), otherKeys.sort())
      } finally {
        await queue.close()
        await redis.quit()
        await stopAll([workerProcess])
      }
    }, 60_000)
  })

  describe(`${where}: effect-graflow worker <module>`, () => {
    it.live("serves the module's workflows with its workerLayer, and stops on SIGTERM", () =>
      Effect.gen(function*() {
        const prefix = `test:dist:${randomUUID().slice(0, 8)}:`
        const cli = fileURLToPath(new URL("../src/cli.ts", import.meta.url))
        const module = fileURLToPath(new URL("./fixtures/distributed-flows.ts", import.meta.url))
        const child = spawn(process.execPath, ["--import", "tsx", cli, "worker", module, ...(typeof redisOf === "string" ? ["--redis", redisOf] : ["--cluster", redisOf.cluster.join(",")]), "--prefix", prefix, "--concurrency", "4"], {
          stdio: ["ignore", "pipe", "pipe"]
        })
        let stderr = ""
        const serving = new Promise<void>((resolve) =>
          child.stderr?.on("data", (chunk: Buffer) => {
            stderr += chunk.toString()
            if (stderr.includes("serving")) resolve()
          }))
        yield* Effect.promise(() => serving)
        expect(stderr).toContain("serving cancelling, composed, control, etl, etl-local, fanout, orders, slow, strict, typed-failure (concurrency 4)")
        const out = yield* Distributed.run(etl).pipe(Effect.provide(Distributed.layer({ redis: redisOf, prefix })))
        assert.deepStrictEqual(out.status === "completed" ? out.results.aggregate : out.status, { batch: 7, rows: 19, total: 190 })
        child.kill("SIGTERM")
        const code = yield* Effect.promise(() => new Promise<number | null>((resolve) => child.once("exit", resolve)))
        assert.strictEqual(code, 0)
        expect(stderr).toContain("effect-graflow worker: stopped")
      }), 60_000)
  })

  describe(`${where}: runs spread over two queues`, () => {
    it.live("a queue per workflow: each queue's keys in a slot of their own (on different nodes of a cluster), both served", () =>
      Effect.gen(function*() {
        const prefix = `test:queues:${randomUUID().slice(0, 8)}:`
        // Two queue names whose slots are on different primaries of the test cluster (0–5460, 5461–10922, 10923–16383).
        const nodeOf = (queue: string) => Math.min(2, Math.floor(slotOf(queueOf({ prefix, queue }).prefix) / 5461.34))
        const names = Array.from({ length: 40 }, (_, i) => `q${i}`)
        const first = names[0]!
        const second = names.find((queue) => nodeOf(queue) !== nodeOf(first))!
        const workersOf = [first, second].map((queue) => startWorker(prefix, { QUEUE: queue }))
        yield* Effect.addFinalizer(() => Effect.promise(() => stopAll(workersOf)))
        yield* Effect.promise(() => Promise.all(workersOf.map((w) => lineOf(w, (l) => l === "READY"))))
        const [fanouts, etls] = yield* Effect.all([
          Distributed.run(fanout).pipe(Effect.provide(Distributed.layer({ redis: redisOf, prefix, queue: first }))),
          Distributed.run(etl).pipe(Effect.provide(Distributed.layer({ redis: redisOf, prefix, queue: second })))
        ], { concurrency: 2 })
        assert.strictEqual(fanouts.status === "completed" ? Object.keys(fanouts.results).length : fanouts.status, 200)
        // Every fan-out member ran on the first queue's worker, the etl's tasks on the second's.
        if (fanouts.status === "completed") assert.deepStrictEqual(new Set(Object.values(fanouts.results)), new Set([workersOf[0]!.pid]))
        assert.deepStrictEqual(etls.status === "completed" ? etls.results.aggregate : etls.status, { batch: 7, rows: 19, total: 190 })
        const admin = clientOf(url)
        yield* Effect.addFinalizer(() => Effect.promise(() => admin.quit()))
        for (const queue of [first, second]) {
          const bull = queueOf({ prefix, queue }).prefix
          const keys = yield* Effect.promise(() => keysEverywhere(admin, `${bull.replace(/[{}]/g, "\\$&")}*`))
          assert.isAbove(keys.length, 0)
          assert.deepStrictEqual(new Set(keys.map(slotOf)), new Set([slotOf(bull)]), `the keys of queue ${queue} are in one slot`)
        }
        if (admin instanceof Cluster) {
          // Where each queue's keys really are: on one primary each, two different ones.
          const holders = yield* Effect.promise(() =>
            Promise.all([first, second].map(async (queue) => {
              const glob = `${queueOf({ prefix, queue }).prefix.replace(/[{}]/g, "\\$&")}*`
              const counts = await Promise.all(admin.nodes("master").map((node) => node.keys(glob)))
              return counts.flatMap((keys, n) => keys.length > 0 ? [n] : [])
            }))
          )
          assert.strictEqual(holders[0]!.length, 1)
          assert.strictEqual(holders[1]!.length, 1)
          assert.notStrictEqual(holders[0]![0], holders[1]![0])
        }
      }).pipe(Effect.scoped), 60_000)
  })

}

afterAll(releaseBullConnections)

distributedSuite("standalone", inject("redisUrl"))
distributedSuite("cluster", inject("redisCluster"))

const url = inject("redisUrl")
const startWorker = (prefix: string, env: Record<string, string> = {}): ChildProcess => startScript(fixture, [url, prefix], env)

describe("a retry on workers that run one attempt at a time", () => {
  it.live("lands on the other worker: the first attempt, timed out, still holds its own", () =>
    Effect.gen(function*() {
      const prefix = `test:dist:${randomUUID().slice(0, 8)}:`
      const pair = [startWorker(prefix, { CONCURRENCY: "1" }), startWorker(prefix, { CONCURRENCY: "1" })]
      const admin = new Redis(url)
      yield* Effect.addFinalizer(() => Effect.promise(() => admin.quit().then(() => stopAll(pair))))
      yield* Effect.promise(() => Promise.all(pair.map((w) => lineOf(w, (l) => l === "READY"))))
      const runId = `relay-${randomUUID().slice(0, 8)}`
      const out = yield* Distributed.run(relay(url), { runId }).pipe(Effect.provide(Distributed.layer({ redis: url, prefix })))
      assert.strictEqual(out.status, "completed")
      if (out.status !== "completed") return
      const first = Number(yield* Effect.promise(() => admin.get(`test:dist:relay:${runId}:first`)))
      const pids = pair.map((w) => w.pid)
      assert.include(pids, first)
      assert.strictEqual(out.results.relay.attempt, 2)
      assert.include(pids, out.results.relay.pid)
      assert.notStrictEqual(out.results.relay.pid, first, "the retry ran on the other worker")
    }).pipe(Effect.scoped), 60_000)
})


describe("Distributed.layer's keepJobs", () => {
  it.live("a keepJobs that is no duration of a second or more is refused when the layer is built", () =>
    Effect.gen(function*() {
      for (const keepJobs of ["soon", 0, "500 millis", Number.NaN] as const) {
        const exit = yield* Effect.exit(Effect.provide(Effect.void, Distributed.layer({ redis: url, keepJobs: keepJobs as never })))
        assert.isTrue(exit._tag === "Failure")
        if (exit._tag !== "Failure") continue
        const defect = Cause.squash(exit.cause)
        assert.instanceOf(defect, TypeError)
        assert.match((defect as TypeError).message, /^Distributed\.layer: keepJobs must be a duration of a second or more, not /)
      }
    }))
})

describe("tracing across processes, exported with OpenTelemetry", () => {
  it.live("a worker's span of an attempt is a child of the producer's: one run is one trace", () =>
    Effect.gen(function*() {
      const prefix = `test:dist:${randomUUID().slice(0, 8)}:`
      const traced = startWorker(prefix, { OTEL: "1" })
      const lines: Array<string> = []
      // Resolved once the worker has exported its span of each attempt (a, b, c).
      let exported: () => void = () => {}
      const allExported = new Promise<void>((resolve) => (exported = resolve))
      let buffer = ""
      traced.stdout?.on("data", (chunk: Buffer) => {
        buffer += chunk.toString()
        const complete = buffer.split("\n")
        buffer = complete.pop() ?? ""
        lines.push(...complete.filter((l) => l.startsWith("OTEL ")))
        if (["a", "b", "c"].every((id) => lines.some((l) => l.includes(`"name":"task ${id} (worker)"`)))) exported()
      })
      yield* Effect.promise(() => lineOf(traced, (l) => l === "READY"))
      // The producer's spans go to an in-memory exporter, through the same NodeSdk setup as the worker's.
      const exporter = new InMemorySpanExporter()
      const otel = NodeSdk.layer(() => ({
        resource: { serviceName: "graflow-producer" },
        spanProcessor: new SimpleSpanProcessor(exporter)
      }))
      const out = yield* Effect.ensuring(
        Effect.gen(function*() {
          const out = yield* Distributed.run(etl).pipe(Effect.provide(Distributed.layer({ redis: url, prefix })))
          yield* Effect.promise(() => allExported)
          // Read while the provider lives: its shutdown empties the exporter.
          return { out, spans: exporter.getFinishedSpans().slice() }
        }).pipe(Effect.provide(otel)),
        Effect.promise(() => stopAll([traced]))
      )
      assert.strictEqual(out.out.status, "completed")
      const spans = out.spans
      const root = spans.find((s) => s.name === "workflow etl")
      assert.isDefined(root)
      const traceId = root!.spanContext().traceId
      for (const span of spans) assert.strictEqual(span.spanContext().traceId, traceId, `${span.name} is in the run's trace`)
      const worker = lines.map((l) => JSON.parse(l.slice("OTEL ".length)) as {
        readonly name: string
        readonly traceId: string
        readonly parentSpanId: string | null
        readonly service: string
        readonly attributes: Record<string, unknown>
      })
      // Every attempt of the run ran on the worker, each span the child of the producer's span of that attempt.
      for (const id of ["a", "b", "c"]) {
        const producer = spans.find((s) => s.name === `task ${id}`)
        assert.isDefined(producer, `the producer's span of ${id}`)
        const remote = worker.find((s) => s.name === `task ${id} (worker)`)
        assert.deepStrictEqual(
          remote && { traceId: remote.traceId, parent: remote.parentSpanId, service: remote.service, task: remote.attributes["graflow.task"] },
          { traceId, parent: producer!.spanContext().spanId, service: "graflow-worker", task: id }
        )
      }
      assert.strictEqual(root!.resource.attributes["service.name"], "graflow-producer")
    }), 60_000)
})

describe("Distributed and Worker on clients you own", () => {
  for (const where of ["standalone", "cluster"] as const) {
    it.live(`${where}: a run completes on a Redis or Cluster client of the caller's, which stays open after the layers close`, () =>
      Effect.gen(function*() {
        const prefix = `test:own:${randomUUID().slice(0, 8)}:`
        const arg = where === "standalone" ? inject("redisUrl") : inject("redisCluster")
        const target = targetOf(arg)
        const client = typeof target === "string"
          ? new Redis(target, { ...RedisChannel.clientOptions, lazyConnect: true })
          : new Cluster(target.cluster.map((url) => ({ host: new URL(url).hostname, port: Number(new URL(url).port) })), {
            lazyConnect: true,
            enableOfflineQueue: false,
            redisOptions: RedisChannel.clientOptions
          })
        yield* Effect.promise(() => client.connect())
        yield* Effect.addFinalizer(() => Effect.promise(() => client.quit().catch(() => "closed")))
        yield* Effect.scoped(Effect.gen(function*() {
          yield* Effect.forkScoped(Worker.run({ workflows: [etl], redis: client, prefix, concurrency: 4 }).pipe(Effect.provide(workerLayer)))
          const out = yield* Distributed.run(etl).pipe(Effect.provide(Distributed.layer({ redis: client, prefix })))
          assert.deepStrictEqual(out.status === "completed" ? out.results.aggregate : out.status, { batch: 7, rows: 19, total: 190 })
          // With runEvents, the producer records the run's events (its attempts ran on the worker).
          yield* Distributed.run(etl, { runId: "recorded", retention: "keep" }).pipe(
            Effect.provide(Distributed.layer({ redis: client, prefix, runEvents: true }))
          )
          const events = yield* Workflow.runEvents(etl, "recorded").pipe(Effect.provide(RedisChannel.layer({ client, prefix })))
          expect(events.filter((e) => e.type === "TaskSucceeded").map((e) => "taskId" in e ? e.taskId : "").sort()).toEqual(
            ["a", "aggregate", "b", "c", "setup"]
          )
          // Each attempt a worker took says which worker (the one in this process here), for the studio's timeline.
          const assigned = events.flatMap((e) => e.type === "TaskAssigned" ? [e] : [])
          expect(assigned.map((e) => e.taskId).sort()).toEqual(["a", "aggregate", "b", "c", "setup"])
          for (const e of assigned) expect(e.worker).toBe(`${hostname()}:${process.pid}`)
          // A run that records nothing has the workers record nothing either.
          yield* Distributed.run(etl, { runId: "unrecorded", retention: "keep" }).pipe(Effect.provide(Distributed.layer({ redis: client, prefix })))
          expect(yield* Workflow.runEvents(etl, "unrecorded").pipe(Effect.provide(RedisChannel.layer({ client, prefix })))).toEqual([])
        }))
        // Ours were duplicates: the caller's client is still open, and still answers.
        assert.strictEqual(client.status, "ready")
        assert.strictEqual(yield* Effect.promise(() => client.set(`${prefix}probe`, "1")), "OK")
      }).pipe(Effect.scoped), 60_000)
  }
})

describe("Worker.run in this process", () => {
  it.live("serves until interrupted; then its connections, and the producer's once its layer closes, are gone", () =>
    Effect.gen(function*() {
      const prefix = `test:dist:${randomUUID().slice(0, 8)}:`
      const admin = new Redis(url)
      yield* Effect.addFinalizer(() => Effect.promise(() => admin.quit()))
      const named = Effect.promise(async () =>
        String(await admin.client("LIST")).split("\n").filter((line) => line.includes(`name={${prefix}`)).length)
      const worker = yield* Worker.run({ workflows: [etl], redis: url, prefix, concurrency: 4 }).pipe(
        Effect.provide(workerLayer),
        Effect.forkChild
      )
      const out = yield* Distributed.run(etl).pipe(Effect.provide(Distributed.layer({ redis: url, prefix })))
      assert.deepStrictEqual(out.status === "completed" ? out.results.aggregate : out.status, { batch: 7, rows: 19, total: 190 })
      assert.isAbove(yield* named, 0)
      yield* Fiber.interrupt(worker)
      assert.strictEqual(yield* named, 0)
    }).pipe(Effect.scoped), 60_000)
})

describe("a worker whose Redis connections are killed", () => {
  it.live("reconnects and serves the next run", () =>
    Effect.gen(function*() {
      const prefix = `test:dist:${randomUUID().slice(0, 8)}:`
      const workerProcess = startWorker(prefix)
      const layer = Distributed.layer({ redis: url, prefix })
      const admin = new Redis(url)
      yield* Effect.addFinalizer(() => Effect.promise(() => admin.quit().then(() => stopAll([workerProcess]))))
      {
        yield* Effect.promise(() => lineOf(workerProcess, (l) => l === "READY"))
        const before = yield* Distributed.run(etl).pipe(Effect.provide(layer))
        assert.strictEqual(before.status, "completed")
        // Every connection of this worker (its queue's, named by BullMQ with the prefix, and its channel's).
        const list = yield* Effect.promise(() => admin.client("LIST") as Promise<string>)
        const ids = list.split("\n").filter((line) => line.includes(`name={${prefix}`)).map((line) => /id=(\d+)/.exec(line)?.[1])
        assert.isTrue(ids.length >= 2, `connections found: ${ids.length}`)
        for (const id of ids) if (id !== undefined) yield* Effect.promise(() => admin.client("KILL", "ID", id))
        const after = yield* Distributed.run(etl).pipe(Effect.provide(layer))
        assert.deepStrictEqual(after.status === "completed" ? after.results.aggregate : after.status, { batch: 7, rows: 19, total: 190 })
      }
    }).pipe(Effect.scoped), 60_000)
})
