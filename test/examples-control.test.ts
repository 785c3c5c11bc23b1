/** The control-flow examples run and do what they say (on the memory default). */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as agentLoop from "../examples/agent-loop.js"
import * as fanout from "../examples/best-effort-fanout.js"
import * as recovery from "../examples/error-recovery.js"

describe("examples: control flow", () => {
  it.effect("agent-loop iterates until the critic is satisfied, then publishes once", () =>
    Effect.gen(function*() {
      const summary = yield* agentLoop.program
      assert.strictEqual(summary.rounds, 4)
      assert.deepStrictEqual(summary.transcript, [
        "round 1: quality 0.00",
        "round 2: quality 0.33",
        "round 3: quality 0.67",
        "round 4: quality 1.00"
      ])
      assert.strictEqual(summary.published, "published after 4 rounds: Claim. Evidence. Evidence. Evidence.")
    }))

  it.effect("error-recovery retries the fetch, loads a clean batch, and quarantines a dirty one", () =>
    Effect.gen(function*() {
      const clean = yield* recovery.program([1, 2, 3])
      assert.deepStrictEqual(clean, { fetchAttempts: 2, load: "loaded 3 rows", quarantine: "quarantined []" })
      const dirty = yield* recovery.program([1, -2, 3, -4])
      assert.deepStrictEqual(dirty, { fetchAttempts: 2, load: undefined, quarantine: "quarantined [-2,-4]" })
    }))

  it.effect("best-effort-fanout merges the sources that answered", () =>
    Effect.gen(function*() {
      const summary = yield* fanout.program
      assert.deepStrictEqual(summary, {
        merged: { sources: 2, found: ["effect", "graflow", "workflow"] },
        answered: ["cache", "search"]
      })
    }))
})
