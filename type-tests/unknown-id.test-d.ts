/**
 * an unknown or misspelled task id does not compile; the error shows the
 * ids that are available (checked in test/type-messages.test.ts).
 */
import { Effect } from "effect"
import { expectError, expectType } from "tsd"
import { type ChannelError, Task } from "effect-graflow"

const fetch = Task.make("fetch", () => ({ data: [1, 2, 3] }))
const config = Task.make("config", () => ({ batchSize: 10 }))

Task.make("process", { after: [fetch, config] }, (ctx) => {
  expectType<Effect.Effect<{ data: Array<number> }, ChannelError.ChannelDecodeError | ChannelError.ChannelError>>(
    ctx.getResult("fetch")
  )
  expectError(ctx.getResult("fecth"))
  expectError(ctx.getResult("Fetch"))
  expectError(ctx.getResult(""))
  return Effect.void
})

// no `after`: nothing can be read
Task.make("lonely", (ctx) => {
  expectError(ctx.getResult("fetch"))
  return Effect.void
})

// a dynamic lookup by string compiles, and is typed `unknown`
Task.make("dynamic", (ctx) => Effect.map(ctx.lookupResult("fecth"), (value) => expectType<unknown>(value)))
