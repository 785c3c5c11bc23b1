/**
 * ctx.typedChannel(SomeSchema): a wrong value does not compile; data that
 * fails the schema at run time is a typed error (ChannelDecodeError), never a
 * silent None.
 */
import { Effect, Schema } from "effect"
import { expectError, expectType } from "tsd"
import { type ChannelError, Task } from "effect-graflow"

const Metrics = Schema.Struct({ count: Schema.Int, status: Schema.String, timestamp: Schema.Number })
type Metrics = typeof Metrics.Type

Task.make("metrics", (ctx) =>
  Effect.gen(function*() {
    const metrics = ctx.typedChannel(Metrics)
    yield* metrics.set("m", { count: 1, status: "ok", timestamp: 0 })
    expectType<Metrics>(yield* metrics.get("m"))
    expectType<
      Effect.Effect<Metrics, ChannelError.KeyNotFoundError | ChannelError.ChannelDecodeError | ChannelError.ChannelError>
    >(metrics.get("m"))
    expectError(metrics.set("m", { count: "one", status: "ok", timestamp: 0 }))
    expectError(metrics.set("m", { count: 1 }))
    expectError(metrics.append("m", { count: 1, status: "ok", timestamp: 0 })) // Metrics is not a list
    const lists = ctx.typedChannel(Schema.Array(Metrics))
    yield* lists.append("history", { count: 1, status: "ok", timestamp: 0 })
    expectError(lists.append("history", "nope"))
  }))
