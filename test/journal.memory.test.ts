/**
 * A durable run's journal in the memory checkpoint store (issue 21): completions kept as columns, read back in
 * order among the other entries; the room it holds; removed with the run.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { Checkpoint, Flow, MemoryChannel, Task, Workflow } from "../src/index.js"
import { CompletionEntry, makeMemory } from "../src/internal/checkpoint.js"

setFlagsFromString("--expose-gc")
const gc = runInNewContext("gc") as () => void
const heap = () => {
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

describe("a durable run's journal in memory", () => {
  it.effect("completions kept as columns read back in order among other entries, past the room made, after a reset", () =>
    Effect.gen(function*() {
      const journal = makeMemory().journal("ns", 2)
      const append = journal.appendCompletion!
      const [a, b] = [{ id: "a" }, { id: "b" }]
      assert.deepStrictEqual(yield* journal.open("H"), ["H"])
      append(a, 1, 1, { n: 1 })
      append(b, 2, 3, undefined)
      // A third completion is past the room of two: the columns grow.
      append(a, 3, 1, [1])
      yield* journal.append("goto")
      append(b, 1, 1, "x")
      journal.appendNow!(new CompletionEntry(a, 4, 2, null))
      const expected = [
        "H",
        `{"task":"a","iteration":1,"attempts":1,"result":{"n":1}}`,
        `{"task":"b","iteration":2,"attempts":3}`,
        `{"task":"a","iteration":3,"attempts":1,"result":[1]}`,
        "goto",
        `{"task":"b","iteration":1,"attempts":1,"result":"x"}`,
        `{"task":"a","iteration":4,"attempts":2,"result":null}`
      ]
      assert.deepStrictEqual(yield* journal.open("ignored"), expected)
      // Read again: the same (nothing appended twice); a reset drops completions not yet read.
      assert.deepStrictEqual(yield* journal.open("ignored"), expected)
      append(a, 5, 1, 5)
      yield* journal.reset(["H2"])
      append(b, 1, 1, 6)
      assert.deepStrictEqual(yield* journal.open("ignored"), ["H2", `{"task":"b","iteration":1,"attempts":1,"result":6}`])
      // Removed: later appends of this view go nowhere; a reopening starts from its header.
      yield* journal.remove
      append(a, 1, 1, 7)
      assert.deepStrictEqual(yield* journal.open("H3"), ["H3"])
    }))

  it.effect("room grows with the completions up to the plan's tasks, then as arrays do; every completion read back", () =>
    Effect.gen(function*() {
      const journal = makeMemory().journal("ns", 1_000)
      yield* journal.open("H")
      const tasks = Array.from({ length: 1_500 }, (_, i) => ({ id: `t${i}` }))
      for (const [i, task] of tasks.entries()) journal.appendCompletion!(task, 1, 1, i)
      const texts = yield* journal.open("H")
      assert.deepStrictEqual(texts, ["H", ...tasks.map((t, i) => `{"task":"${t.id}","iteration":1,"attempts":1,"result":${i}}`)])
    }))

  it.effect("holds about what it journaled, not room for every task of the plan", () =>
    Effect.gen(function*() {
      // A 20,000-task plan whose second task fails: each failed run keeps its namespace and journal (one completion).
      const tasks = Array.from({ length: 20_000 }, (_, i) => Task.make(`t${i}`, () => i === 1 ? Effect.fail("down" as const) : Effect.succeed(i)))
      const flow = Workflow.make("room", Flow.chain(tasks[0]!, ...tasks.slice(1)))
      // Warm up (the plan, its hash, the code), then measure 40 more failed runs.
      yield* Effect.flip(Workflow.run(flow, { runId: "warm", durable: true }))
      yield* Effect.flip(Workflow.run(flow, { runId: "warm2", retention: "keep" }))
      // The same failed runs, not durable but kept: what a kept failed run holds besides its journal.
      const start = heap()
      for (let i = 0; i < 40; i++) yield* Effect.flip(Workflow.run(flow, { runId: `k${i}`, retention: "keep" }))
      const kept = (heap() - start) / 40
      const before = heap()
      for (let i = 0; i < 40; i++) yield* Effect.flip(Workflow.run(flow, { runId: `r${i}`, durable: true }))
      const durable = (heap() - before) / 40
      // The journal holds one completion (and its header): well under 100 kB more than the run kept without it
      // (each run's two columns of room for 20,000 completions are 320 kB).
      assert.isBelow(durable - kept, 100_000)
    }).pipe(Effect.provide(Layer.merge(MemoryChannel.layer, Checkpoint.layerMemory))), 60_000)

  it.effect("removes a failed durable run's journal: the same run id started again runs every task again", () =>
    Effect.gen(function*() {
      let ran = 0
      let healthy = false
      const flow = Workflow.make("deleted", Flow.chain(
        Task.make("a", () => Effect.sync(() => ++ran)),
        Task.make("b", () => healthy ? Effect.succeed(2) : Effect.fail("down" as const))
      ))
      yield* Effect.flip(Workflow.run(flow, { runId: "r", durable: true }))
      yield* Workflow.deleteRun(flow, "r")
      healthy = true
      yield* Workflow.run(flow, { runId: "r", durable: true })
      assert.strictEqual(ran, 2, "task a was replayed from the journal deleteRun should have removed")
    }).pipe(Effect.provide(Layer.merge(MemoryChannel.layer, Checkpoint.layerMemory))))
})
