/**
 * with a channel schema, an undeclared key, a value of the wrong type, or
 * append/prepend on a key that is not a list does not compile; get returns the
 * key's type; get without a default takes only the keys in `reads`.
 */
import { Effect, Option, Schema } from "effect"
import { expectError, expectType } from "tsd"
import { Channel, type ChannelError, Task } from "effect-graflow"

const Channels = Channel.schema({
  config: Schema.Struct({ batchSize: Schema.Number }),
  total: Schema.Number,
  logs: Schema.Array(Schema.String),
  when: Schema.Date
})

Task.make("t", { channels: Channels, reads: ["config"], writes: ["total", "logs", "when"] }, (ctx) =>
  Effect.gen(function*() {
    // get returns the key's type
    expectType<{ readonly batchSize: number }>(yield* ctx.channel.get("config"))
    expectType<number | "none">(yield* ctx.channel.get("total", "none" as const))
    expectType<ReadonlyArray<string> | "empty">(yield* ctx.channel.get("logs", "empty" as const))
    expectType<Date | undefined>(yield* ctx.channel.get("when", undefined))
    expectType<Option.Option<ReadonlyArray<string>>>(yield* ctx.channel.getOption("logs"))
    expectType<
      Effect.Effect<{ readonly batchSize: number }, ChannelError.KeyNotFoundError | ChannelError.ChannelDecodeError | ChannelError.ChannelError>
    >(ctx.channel.get("config"))
    // a key the task only writes may not be there yet: get needs a default (or getOption)
    expectError(ctx.channel.get("total"))
    expectError(ctx.channel.get("when"))

    // writes with the right types compile
    yield* ctx.channel.set("total", 1)
    yield* ctx.channel.set("when", new Date())
    yield* ctx.channel.append("logs", "line")
    yield* ctx.channel.prepend("logs", "first")
    yield* ctx.channel.atomicAdd("total", 2)

    // an undeclared key
    expectError(ctx.channel.get("nope"))
    expectError(ctx.channel.set("nope", 1))
    // a value of the wrong type
    expectError(ctx.channel.set("total", "one"))
    expectError(ctx.channel.set("when", "2024-01-01"))
    expectError(ctx.channel.append("logs", 1))
    // append/prepend on a key that is not a list; atomicAdd on a key that is not a number
    expectError(ctx.channel.append("total", 1))
    expectError(ctx.channel.prepend("when", new Date()))
    expectError(ctx.channel.atomicAdd("logs", 1))
    // a bad TTL
    expectError(ctx.channel.set("total", 1, { ttl: "soon" }))
  }))

// keys ending in .__result__ are reserved
expectError(Channel.schema({ "fetch.__result__": Schema.Number }))

// a task that only writes: get without a default says to declare the key in reads
Task.make("writer", { channels: Channels, writes: ["total"] }, (ctx) =>
  Effect.gen(function*() {
    expectError(ctx.channel.get("total"))
    const before = yield* ctx.channel.get("total", 0)
    yield* ctx.channel.set("total", before + 1)
  }))
// read-modify-write of a key in reads and writes: get without a default
Task.make("counter", { channels: Channels, reads: ["total"], writes: ["total"] }, (ctx) =>
  Effect.flatMap(ctx.channel.get("total"), (n) => ctx.channel.set("total", n + 1)))
