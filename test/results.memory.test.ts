import { assert, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { Channel, MemoryChannel, Task, Workflow } from "../src/index.js"
import { resultsConformance } from "./conformance/results.js"
import { wrapStores } from "./support/wrap.js"

resultsConformance({ name: "MemoryChannel", layer: MemoryChannel.layer })

it.effect("a memory store spread into a wrapper keeps its operations (a custom backend may delegate so)", () =>
  Effect.gen(function*() {
    const backend = yield* MemoryChannel.make
    const kinds = yield* Effect.scoped(Effect.map(backend.open("ns"), (store) => {
      const wrapped = { ...store }
      return { get: typeof wrapped.get, keys: typeof wrapped.keys, run: typeof wrapped.run }
    }))
    assert.deepStrictEqual(kinds, { get: "function", keys: "object", run: "object" })
  }))

it.effect("a memory store spread into a wrapper is written through the wrapper: a run's results reach its set", () =>
  Effect.gen(function*() {
    const memory = yield* Effect.provide(Effect.service(Channel.Channel), MemoryChannel.layer)
    const written: Array<string> = []
    // The wrapper's own `set` must see the results: the namespace answering them from the run (what a memory
    // store does for the run that opened it) would skip it.
    const wrapping = wrapStores(memory, (store) => ({
      set: (key, value, ttl) => Effect.andThen(Effect.sync(() => void written.push(key)), store.set(key, value, ttl))
    }))
    const a = Task.make("a", () => 1)
    const b = Task.make("b", { after: [a] }, (ctx) => Effect.map(ctx.getResult("a"), (n) => n + 1))
    const out = yield* Workflow.run(Workflow.make("wrapped", Workflow.chain(a, b)), { runId: "w" }).pipe(
      Effect.provide(Layer.succeed(Channel.Channel, wrapping))
    )
    assert.deepStrictEqual(out.results, { a: 1, b: 2 })
    assert.deepStrictEqual(written, ["a.__result__", "b.__result__"])
  }))
