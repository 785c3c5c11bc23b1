/** Every example runs and does what it says, on the memory default and on a real redis-server. */
import { assert, describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { inject } from "vitest"
import { Channel, Checkpoint, MemoryChannel } from "../src/index.js"
import * as RedisChannel from "../src/RedisChannel.js"
import * as agentLoop from "../examples/agent-loop.js"
import * as agentTools from "../examples/agent-tools.js"
import * as approval from "../examples/approval/main.js"
import * as approvalSubworkflow from "../examples/approval-subworkflow.js"
import * as claimsRouter from "../examples/claims-router.js"
import * as mapReduce from "../examples/map-reduce.js"
import * as distributed from "../examples/distributed/main.js"
import * as stateMachine from "../examples/order-state-machine.js"
import * as fanout from "../examples/best-effort-fanout.js"
import * as basic from "../examples/channels-basic.js"
import * as demo from "../examples/demo.js"
import * as recovery from "../examples/error-recovery.js"
import * as collect from "../examples/parallel-collect.js"
import * as results from "../examples/results-storage.js"
import * as typed from "../examples/typed-channels.js"

const backends: ReadonlyArray<readonly [string, () => Layer.Layer<Channel.Channel, unknown>]> = [
  ["MemoryChannel", () => MemoryChannel.layer],
  ["RedisChannel", () => RedisChannel.layer({ url: inject("redisUrl"), prefix: "test:examples:" })]
]

for (const [name, layer] of backends) {
  describe(`examples on ${name}`, () => {
    const run = <A, E>(program: Effect.Effect<A, E, never>) => program.pipe(Effect.provide(layer()))

    it.effect("channels-basic: shared config, accumulating state, keys and defaults", () =>
      Effect.gen(function*() {
        const summary = yield* run(basic.program)
        assert.deepStrictEqual(summary.inspect, {
          keys: ["batches", "config", "errors", "logs", "processing", "stack", "total_processed"],
          hasConfig: true,
          setting: "default_value",
          total: 100,
          logs: ["Log entry 1", "Log entry 2"],
          stack: ["Second", "First"]
        })
        assert.deepStrictEqual(summary.errors, [{ task: "log_work", error: "row 7 is malformed" }])
      }))

    it.effect("typed-channels: typed keys, validation errors, schema evolution", () =>
      Effect.gen(function*() {
        const summary = yield* run(typed.program)
        assert.deepStrictEqual(summary.processed, { greeting: "Hello Alice <alice@example.com>", seenYear: 2026, count: 100 })
        expect(summary.validation.invalid).toContain("Expected an integer")
        assert.isFalse(summary.validation.written)
        expect(summary.validation.undecodable).toContain("legacy_metrics")
        assert.deepStrictEqual(summary.evolved, { name: "Bob", tier: "free" })
      }))

    it.effect("results-storage: result dependencies, result keys, TaskFailed", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* run(results.program), {
          process: { processed: 3, doubled: 84 },
          audit: 42,
          failure: "flaky_fetch failed: source api is down"
        })
      }))

    it.effect("parallel-collect: three parallel instances append three items", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* run(collect.program), {
          results: ["Data from api", "Data from cache", "Data from db"],
          summary: { count: 3, fromApi: "Data from api" }
        })
      }))

    it.effect("demo: the README pipeline", () =>
      Effect.gen(function*() {
        const summary = yield* run(demo.program)
        assert.strictEqual(summary.batches, 5)
        assert.strictEqual(summary.total, 19)
        assert.strictEqual(summary.loadedRows, 9)
        expect(summary.log?.[0]).toBe("configured")
        expect([...(summary.log ?? [])].slice(1, 4).sort()).toEqual([
          "extracted 2 rows from events-log",
          "extracted 3 rows from users-api",
          "extracted 4 rows from orders-db"
        ])
      }))

    it.effect("agent-loop: iterates until the critic is satisfied, then publishes once", () =>
      Effect.gen(function*() {
        const summary = yield* run(agentLoop.program)
        assert.strictEqual(summary.rounds, 4)
        assert.deepStrictEqual(summary.transcript, [
          "round 1: quality 0.00",
          "round 2: quality 0.33",
          "round 3: quality 0.67",
          "round 4: quality 1.00"
        ])
        assert.strictEqual(summary.published, "published after 4 rounds: Claim. Evidence. Evidence. Evidence.")
      }))

    it.effect("error-recovery: retries the fetch, loads a clean batch, quarantines a dirty one", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* run(recovery.program([1, 2, 3])), {
          fetchAttempts: 2,
          load: "loaded 3 rows",
          quarantine: "quarantined []"
        })
        assert.deepStrictEqual(yield* run(recovery.program([1, -2, 3, -4])), {
          fetchAttempts: 2,
          load: undefined,
          quarantine: "quarantined [-2,-4]"
        })
      }))

    it.effect("order-state-machine: resuming from each checkpoint ends SHIPPED, the history written once", () =>
      Effect.gen(function*() {
        const history = ["VALIDATED", "PAID", "SHIPPED"] as const
        const receipt = "order 42 (99.50) is SHIPPED"
        assert.deepStrictEqual(yield* run(Effect.provide(stateMachine.program, Checkpoint.layerMemory)), {
          receipt,
          history,
          resumed: history.map((from) => ({ from, receipt, history }))
        })
      }))

    it.effect("best-effort-fanout: merges the sources that answered", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* run(fanout.program), {
          merged: { sources: 2, found: ["effect", "graflow", "workflow"] },
          answered: ["cache", "search"]
        })
      }))

    it.effect("map-reduce: counts the words of each document listed at run time, then sums", () =>
      Effect.gen(function*() {
        const result = yield* run(mapReduce.program)
        assert.strictEqual(result.summary, `4 documents, 20 words; the longest is "redis"`)
        assert.deepStrictEqual(result.counts, [
          { title: "graflow", words: 4 },
          { title: "redis", words: 10 },
          { title: "notes", words: 0 },
          { title: "readme", words: 6 }
        ])
        assert.deepStrictEqual(result.items, ["counts[0]", "counts[1]", "counts[2]", "counts[3]"])
      }))

    it.effect("claims-router: each claim takes its case; the case's task reads the narrowed claim", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* run(claimsRouter.program), [
          { kind: "refund", outcome: "paid 40.00 on order A-1", paid: 40 },
          { kind: "refund", outcome: "refund of 400.00 queued for review", paid: undefined },
          { kind: "dispute", outcome: "order B-7 sent to a person: never delivered", paid: undefined },
          { kind: "question", outcome: "question queued: can I change my address?", paid: undefined }
        ])
      }))

    // Live clock: the tools stand in for a remote API with a 30 ms latency (Effect.sleep).
    it.live("agent-tools: the three calls of a round run at once; the next round reads their typed results", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* run(agentTools.program), {
          answer: "where is it warmer — Paris 14°C; Tokyo 19°C; where is it warmer: effect-graflow runs tasks as Effects",
          mostAtOnce: 3
        })
      }))
  })
}

describe("examples on MemoryChannel", () => {
  it.effect("approval-subworkflow: the sub-workflow's request suspends the run; respond and resume continue inside it", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* approvalSubworkflow.program, {
        first: "suspended",
        pending: ["review/approve waits for decision: Approve 1200.00 for EXP-7?"],
        ranOnResume: ["review", "review/approve", "pay"],
        outcome: "paid 1200.00 for EXP-7 (approved by ana)"
      })
    }))
})

describe("examples on RedisChannel, across processes", () => {
  it.live("approval: answered from another process while waiting; suspended, answered and resumed in others", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* approval.program(inject("redisUrl")), {
        answered: "refunded 250.00 for A-1 (approved by ana)",
        suspended: "suspended",
        pending: ["approval (approve): Refund 400.00 for order B-2?"],
        resumed: "refund for B-2 declined by bo"
      })
    }), 60_000)

  it.live("distributed: two worker processes run the extracts with their service; the producer gets the report", () =>
    Effect.gen(function*() {
      const summary = yield* distributed.program(inject("redisUrl"), `test:examples:dist:${Date.now()}:`)
      assert.deepStrictEqual(summary, {
        report: { total: 112, parts: ["users=12", "orders=60", "events=40"] },
        ranOnWorkers: true
      })
    }), 60_000)
})
