/**
 * Typed channels (the seed's typed_channels.py): a channel schema with typed
 * keys, per-message schemas through ctx.typedChannel (TypedDict), the errors
 * bad data gets, and schema evolution — an optional field with a default
 * reading data an older version wrote.
 *
 *   npx tsx examples/typed-channels.ts
 */
import { Effect, Schema } from "effect"
import { Channel, Task, Workflow } from "effect-graflow"

// The declared keys of the workflow's channel and their value types.
const Channels = Channel.schema({
  current_user: Schema.Struct({
    user_id: Schema.String,
    name: Schema.String,
    email: Schema.String,
    age: Schema.Int,
    premium: Schema.Boolean
  }),
  seen_at: Schema.Date // stored as an ISO string, read back as a Date
})

// A message type used with ctx.typedChannel (Graflow's get_typed_channel(MetricsMessage)).
const MetricsMessage = Schema.Struct({ count: Schema.Int, status: Schema.String, timestamp: Schema.Number })

const collect = Task.make("collect_user_data", { channels: Channels, writes: ["current_user", "seen_at"] }, (ctx) =>
  Effect.gen(function*() {
    yield* ctx.channel.set("current_user", {
      user_id: "user_123",
      name: "Alice",
      email: "alice@example.com",
      age: 30,
      premium: true
    })
    yield* ctx.channel.set("seen_at", new Date("2026-11-22T10:00:00.000Z"))
    yield* ctx.typedChannel(MetricsMessage).set("metrics", { count: 100, status: "success", timestamp: 1_763_805_600 })
  }))

const processUser = Task.make("process_user_data", { channels: Channels, reads: ["current_user", "seen_at"] }, (ctx) =>
  Effect.gen(function*() {
    const user = yield* ctx.channel.get("current_user") // typed: user.name is a string
    const seenAt = yield* ctx.channel.get("seen_at") // a Date again
    const metrics = yield* ctx.typedChannel(MetricsMessage).get("metrics")
    return { greeting: `Hello ${user.name} <${user.email}>`, seenYear: seenAt.getUTCFullYear(), count: metrics.count }
  }))

// Validation: a value that fails the schema is an InvalidValueError, nothing is written;
// data an untyped writer left that fails the schema is a ChannelDecodeError, never a silent None.
const validation = Task.make("validation", (ctx) =>
  Effect.gen(function*() {
    const metrics = ctx.typedChannel(MetricsMessage)
    // `count: 1.5` passes TypeScript (a number) but not Schema.Int:
    const invalid = yield* Effect.flip(metrics.set("bad_metrics", { count: 1.5, status: "x", timestamp: 0 }))
    yield* ctx.untyped.set("legacy_metrics", { count: "many" }) // an untyped writer
    const undecodable = yield* Effect.flip(metrics.get("legacy_metrics"))
    return {
      invalid: invalid._tag === "InvalidValueError" ? invalid.message : invalid._tag,
      written: yield* ctx.untyped.exists("bad_metrics"),
      undecodable: undecodable._tag === "ChannelDecodeError" ? undecodable.message : undecodable._tag
    }
  }))

// Schema evolution: version 2 adds `tier`, with a default for data version 1 wrote.
const ProfileV1 = Schema.Struct({ name: Schema.String })
const ProfileV2 = Schema.Struct({
  name: Schema.String,
  tier: Schema.String.pipe(Schema.optionalKey, Schema.withDecodingDefaultKey(Effect.succeed("free")))
})
const evolution = Task.make("evolution", (ctx) =>
  Effect.gen(function*() {
    yield* ctx.typedChannel(ProfileV1).set("profile", { name: "Bob" }) // written by the old version
    return yield* ctx.typedChannel(ProfileV2).get("profile") // read by the new one
  }))

export const workflow = Workflow.make(
  "typed-channels",
  { channels: Channels },
  Workflow.chain(collect, processUser, validation, evolution)
)

export const program = Effect.map(Workflow.run(workflow), (out) => ({
  processed: out.results.process_user_data,
  validation: out.results.validation,
  evolved: out.results.evolution
}))

if (import.meta.url === `file://${process.argv[1]}`) {
  Effect.runPromise(program).then((summary) => console.log(JSON.stringify(summary, null, 2)))
}
