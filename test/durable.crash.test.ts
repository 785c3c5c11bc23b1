/**
 * Crash safety of durable runs with real processes: a child runs a durable
 * chain and is killed with SIGKILL while a task runs; another process runs the
 * same runId and completes it. Every completed task ran exactly once (counted
 * in Redis), the interrupted one at most twice — on Redis (the channel keeps
 * the journal) and on the file-system checkpoint store (memory channel).
 */
import { assert, describe, it } from "@effect/vitest"
import type { ChildProcess } from "node:child_process"
import { randomUUID } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Redis } from "ioredis"
import { clientOf } from "./support/target.js"
import { inject } from "vitest"
import { exited, lineOf, startScript } from "./support/processes.js"

const fixture = fileURLToPath(new URL("./fixtures/durable-crash.ts", import.meta.url))
const url = inject("redisUrl")

const start = (where: string, runId: string, hang: boolean, redis: string): ChildProcess =>
  startScript(fixture, [redis, where, runId], { HANG: hang ? "1" : "0" })

const crashAndContinue = async (where: string, redisArg: string = url) => {
  const runId = `crash-${randomUUID().slice(0, 8)}`
  const first = start(where, runId, true, redisArg)
  await lineOf(first, (line) => line === "HANG t3")
  first.kill("SIGKILL")
  await exited(first)
  assert.strictEqual(first.signalCode, "SIGKILL")
  const second = start(where, runId, false, redisArg)
  const [line, code] = await Promise.all([lineOf(second, (l) => l.startsWith("{")), exited(second)])
  assert.strictEqual(code, 0)
  const redis = clientOf(redisArg)
  const counts = Object.fromEntries(
    await Promise.all(["t1", "t2", "t3", "t4", "t5"].map(async (t) => [t, Number(await redis.get(`test:crash:${runId}:${t}`))]))
  )
  await redis.quit()
  return { out: JSON.parse(line) as { results: unknown; log: unknown }, counts }
}

describe("durable runs survive SIGKILL", () => {
  it("on Redis: the run continues in another process; completed tasks ran once, the killed one twice", async () => {
    const { out, counts } = await crashAndContinue("redis")
    assert.deepStrictEqual(out.results, { t1: 1, t2: 2, t3: 3, t4: 4, t5: 5 })
    assert.deepStrictEqual(counts, { t1: 1, t2: 1, t3: 2, t4: 1, t5: 1 })
    // The channel is Redis's: the killed task's append stayed, and it appended again when it ran again.
    assert.deepStrictEqual(out.log, ["t1", "t2", "t3", "t3", "t4", "t5"])
  }, 60_000)

  it("on a Redis Cluster (the run's keys in its slot, the counters anywhere): the same counts, the same channel", async () => {
    const { out, counts } = await crashAndContinue("redis", inject("redisCluster"))
    assert.deepStrictEqual(out.results, { t1: 1, t2: 2, t3: 3, t4: 4, t5: 5 })
    assert.deepStrictEqual(counts, { t1: 1, t2: 1, t3: 2, t4: 1, t5: 1 })
    assert.deepStrictEqual(out.log, ["t1", "t2", "t3", "t3", "t4", "t5"])
  }, 60_000)

  it("on the file-system checkpoint store with a memory channel: the same counts", async () => {
    const dir = mkdtempSync(join(tmpdir(), "graflow-crash-"))
    try {
      const { out, counts } = await crashAndContinue(`file:${dir}`)
      assert.deepStrictEqual(out.results, { t1: 1, t2: 2, t3: 3, t4: 4, t5: 5 })
      assert.deepStrictEqual(counts, { t1: 1, t2: 1, t3: 2, t4: 1, t5: 1 })
      // A memory channel died with the process: only the results came back (from the journal).
      assert.deepStrictEqual(out.log, ["t3", "t4", "t5"])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})

describe("one driver per run id, across processes (Redis)", () => {
  const driver = fileURLToPath(new URL("./fixtures/durable-driver.ts", import.meta.url))
  const prefix = `test:driver:${randomUUID().slice(0, 8)}:`
  const countsOf = async (runId: string) => {
    const redis = new Redis(url)
    const counts = await Promise.all(Array.from({ length: 45 }, (_, i) => redis.get(`${prefix}count:${runId}:t${i + 1}`)))
    await redis.quit()
    return counts.map(Number)
  }

  it("two processes continuing the same durable run at once: the second waits for the first, every task body runs once", async () => {
    const runId = `twice-${randomUUID().slice(0, 8)}`
    // Steps slow enough (45 × 80 ms) that the second driver starts while the first runs, on a busy machine too;
    // each outcome awaited from the start, so that a line printed early is not missed.
    const env = { STEP_MS: "80" }
    const first = startScript(driver, [url, prefix, runId], env)
    const firstOutcome = lineOf(first, (line) => line.startsWith("OUTCOME"))
    await lineOf(first, (line) => line === "RUNNING t3")
    const second = startScript(driver, [url, prefix, runId], env)
    const secondOutcome = lineOf(second, (line) => line.startsWith("OUTCOME"))
    const secondStarted = lineOf(second, (line) => line === "STARTED")
    await secondStarted
    const [one, two] = await Promise.all([firstOutcome, secondOutcome])
    await Promise.all([exited(first), exited(second)])
    assert.deepStrictEqual([one, two], ["OUTCOME completed", "OUTCOME completed"])
    assert.deepStrictEqual(await countsOf(runId), Array.from({ length: 45 }, () => 1))
  }, 60_000)

  it("a driver paused past its lease is taken over; resumed, it stops with RunLeaseLostError and writes nothing more", async () => {
    const runId = `paused-${randomUUID().slice(0, 8)}`
    // Slow steps, a short lease: the first driver is stopped (SIGSTOP) in the middle of t5.
    const env = { STEP_MS: "300", RUN_LEASE_MS: "600" }
    const first = startScript(driver, [url, prefix, runId], env)
    await lineOf(first, (line) => line === "RUNNING t5")
    process.kill(first.pid!, "SIGSTOP")
    try {
      // The second takes the run over once the first's lease has lapsed, and finishes it (the steps quicker now).
      const second = startScript(driver, [url, prefix, runId], { ...env, STEP_MS: "5" })
      const two = await lineOf(second, (line) => line.startsWith("OUTCOME"))
      await exited(second)
      assert.strictEqual(two, "OUTCOME completed")
    } finally {
      process.kill(first.pid!, "SIGCONT")
    }
    assert.strictEqual(await lineOf(first, (line) => line.startsWith("OUTCOME")), "OUTCOME failed: RunLeaseLostError")
    await exited(first)
    // Every task ran once but t5, which was running when the first driver was paused (at least once, as documented).
    const counts = await countsOf(runId)
    assert.deepStrictEqual(counts, Array.from({ length: 45 }, (_, i) => i === 4 ? 2 : 1))
  }, 60_000)
})
