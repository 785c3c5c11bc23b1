import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Logger } from "effect"
import { Channel, ChannelError, Checkpoint, MemoryChannel, Task, Workflow } from "../src/index.js"
import { compositionConformance } from "./conformance/composition.js"
import { wrapStores } from "./support/wrap.js"

compositionConformance({ name: "MemoryChannel", layer: Layer.merge(MemoryChannel.layer, Checkpoint.layerMemory), clock: "test" })

describe("a sub-workflow run whose retention fails (memory)", () => {
  it.effect("is said in a warning naming its namespace; the outer run's retention is applied once, to the outer run", () =>
    Effect.gen(function*() {
      const memory = yield* Effect.provide(Effect.service(Channel.Channel), MemoryChannel.layer)
      let attempts = 0
      const first = Task.make("first", () => 1)
      const flaky = Task.make("flaky", { after: [first] }, () => ++attempts === 1 ? Effect.fail("once" as const) : Effect.succeed(attempts))
      const inner = Workflow.make("inner", Workflow.chain(first, flaky))
      const outer = Workflow.make("retrying", Task.workflow("step", inner, { retry: { times: 1 } }))
      const child = Workflow.namespace("inner", "retrying/r/step")
      const retained: Array<string> = []
      // A backend whose store for the sub-workflow's run cannot apply the outer run's retention (it can keep the
      // namespace, as the sub-workflow's run does when its first attempt fails); the others record theirs.
      const failing = wrapStores(memory, (store, namespace) => ({
        retain: (retention) =>
          namespace === child && retention._tag !== "Keep"
            ? Effect.fail(new ChannelError.ChannelError({ op: "retain", cause: new Error("the node is gone") }))
            : Effect.tap(store.retain(retention), () => Effect.sync(() => void retained.push(`${namespace} ${retention._tag}`)))
      }))
      const warnings: Array<string> = []
      const capture = Logger.make((options) => {
        if (options.logLevel === "Warn") warnings.push(String(Logger.formatLogFmt.log(options)))
      })
      const out = yield* Workflow.run(outer, { runId: "r" }).pipe(
        Effect.provide(Layer.mergeAll(Layer.succeed(Channel.Channel, failing), Checkpoint.layerMemory, Logger.layer([capture])))
      )
      assert.deepStrictEqual(out.results.step, { first: 1, flaky: 2 })
      assert.deepStrictEqual(retained.filter((r) => !r.endsWith(" Keep")), [`${Workflow.namespace(outer, "r")} Delete`])
      assert.strictEqual(warnings.length, 1)
      assert.include(warnings[0]!, `the retention of the sub-workflow run in namespace ${child} was not applied`)
    }))
})
