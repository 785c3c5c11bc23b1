import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Channel, MemoryChannel } from "../src/index.js"
import { channelConformance } from "./conformance/channel.js"

channelConformance({ name: "MemoryChannel", layer: MemoryChannel.layer, clock: "test" })

describe("MemoryChannel: values are stored as frozen snapshots, copied once", () => {
  it.effect("a value read is stored again without a copy, and so is a large part of it; a small part is copied", () =>
    Effect.gen(function*() {
      const channel = yield* Channel.open("snapshots")
      const rows = Array.from({ length: 1_000 }, (_, i) => ({ id: i, tags: ["a"] }))
      yield* channel.set("table", { meta: { v: 1 }, rows })
      const read = yield* channel.get("table")
      assert.isTrue(Object.isFrozen(read))
      assert.notStrictEqual(read, rows) // the write was copied
      const stored = read as { readonly meta: object; readonly rows: ReadonlyArray<object> }
      // The whole value and a large part of it: stored as they are (a copy per write would cost O(size)).
      yield* channel.set("again", read)
      assert.strictEqual(yield* channel.get("again"), read)
      yield* channel.set("rows", stored.rows)
      assert.strictEqual(yield* channel.get("rows"), stored.rows)
      // A small part is frozen too, and stored (copied or not, it reads the same).
      assert.isTrue(Object.isFrozen(stored.meta) && Object.isFrozen(stored.rows[0]))
      yield* channel.set("meta", stored.meta)
      assert.deepStrictEqual(yield* channel.get("meta"), { v: 1 })
    }).pipe(Effect.provide(MemoryChannel.layer)))
})
