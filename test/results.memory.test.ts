import { assert, it } from "@effect/vitest"
import { Effect } from "effect"
import { MemoryChannel } from "../src/index.js"
import { resultsConformance } from "./conformance/results.js"

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
