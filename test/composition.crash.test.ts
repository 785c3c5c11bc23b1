/**
 * Composition across processes (Redis): a durable run killed with SIGKILL in
 * the middle of a sub-workflow is continued by another process, which runs the
 * rest of the sub-workflow once; a branch whose chosen case waits for an answer
 * suspends in one process and is answered and resumed in another, in the same
 * case, without running again what ran before the wait.
 */
import { assert, describe, it } from "@effect/vitest"
import { randomUUID } from "node:crypto"
import { fileURLToPath } from "node:url"
import { Redis } from "ioredis"
import { inject } from "vitest"
import { exited, lineOf, startScript } from "./support/processes.js"

const fixture = fileURLToPath(new URL("./fixtures/composition-crash.ts", import.meta.url))
const url = inject("redisUrl")

const countsOf = async (runId: string, tasks: ReadonlyArray<string>) => {
  const redis = new Redis(url)
  const counts = Object.fromEntries(
    await Promise.all(tasks.map(async (t) => [t, Number(await redis.get(`test:composition-crash:${runId}:${t}`))] as const))
  )
  await redis.quit()
  return counts
}

/** Runs the fixture to its end: its last JSON line, parsed. */
const outcomeOf = async (mode: string, runId: string): Promise<unknown> => {
  const child = startScript(fixture, [url, mode, runId])
  const [line, code] = await Promise.all([lineOf(child, (l) => l.startsWith("{")), exited(child)])
  assert.strictEqual(code, 0)
  return JSON.parse(line)
}

describe("composition across processes (Redis)", () => {
  it("killed in the middle of a sub-workflow: another process continues it; the sub-workflow's rest runs once", async () => {
    const runId = `child-${randomUUID().slice(0, 8)}`
    const first = startScript(fixture, [url, "child", runId], { HANG: "1" })
    await lineOf(first, (line) => line === "HANG c2")
    first.kill("SIGKILL")
    await exited(first)
    assert.strictEqual(first.signalCode, "SIGKILL")
    const results = await outcomeOf("child", runId)
    assert.deepStrictEqual(results, { before: "b", step: { c1: 1, c2: 2, c3: 3 }, after: 30 })
    // c1 completed inside the sub-workflow before the kill: journaled in its own run, not run again; c2 was
    // killed while it ran (run twice); what came after ran once.
    assert.deepStrictEqual(await countsOf(runId, ["before", "c1", "c2", "c3", "after"]), { before: 1, c1: 1, c2: 2, c3: 1, after: 1 })
  }, 60_000)

  it("a branch's case that waits for an answer suspends in one process and resumes in another, in the same case", async () => {
    const runId = `branch-${randomUUID().slice(0, 8)}`
    assert.deepStrictEqual(await outcomeOf("branch-run", runId), { status: "suspended", requests: ["approval approve"] })
    assert.deepStrictEqual(await outcomeOf("branch-resume", runId), {
      status: "completed",
      results: { kind: { kind: "refund", amount: 40 }, prep: 40, approve: "40 by ana" }
    })
    // The case was not chosen again, and what ran before the wait did not run again; "approve" ran again to
    // read its answer.
    assert.deepStrictEqual(await countsOf(runId, ["kind", "prep", "approve", "queue"]), { kind: 1, prep: 1, approve: 2, queue: 0 })
  }, 60_000)
})
