/** an untyped, ad-hoc channel stays available: any string key, values read back as `unknown`, never `any`. */
import { Effect } from "effect"
import { expectError, expectType } from "tsd"
import { Channel, Task } from "effect-graflow"

Task.make("adhoc", (ctx) =>
  Effect.gen(function*() {
    yield* ctx.untyped.set("user_id", "user_123")
    yield* ctx.untyped.set(`dynamic:${Math.random()}`, { any: ["json"] })
    const value = yield* ctx.untyped.get("user_id")
    expectType<unknown>(value)
    expectError(value.length) // unknown, not any
    expectType<unknown>(yield* ctx.untyped.get("missing", 0))
    expectType<number>(yield* ctx.untyped.append("logs", "line"))
    expectType<number>(yield* ctx.untyped.atomicAdd("counter"))
    expectType<ReadonlyArray<string>>(yield* ctx.untyped.keys())
    expectType<boolean>(yield* ctx.untyped.exists("user_id"))
    expectType<boolean>(yield* ctx.untyped.delete("user_id"))
    expectError(ctx.untyped.set(1, "x")) // keys are strings
    // a task without a channel schema gets the untyped channel as ctx.channel
    expectType<Channel.Untyped>(ctx.channel)
  }))
