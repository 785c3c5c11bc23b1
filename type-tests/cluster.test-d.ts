/**
 * Where Redis is, in the options: a URL, a cluster's seed nodes, or a client
 * (`Redis` or `Cluster`) — exactly one of them.
 */
import { Effect, type Layer } from "effect"
import { Cluster, Redis } from "ioredis"
import { expectAssignable, expectError, expectType } from "tsd"
import type { Channel, ChannelError } from "effect-graflow"
import * as Distributed from "effect-graflow/Distributed"
import * as RedisChannel from "effect-graflow/RedisChannel"
import * as Worker from "effect-graflow/Worker"

const seeds = ["redis://10.0.0.1:7000", "redis://10.0.0.2:7000"]

// RedisChannel: url, cluster or client
expectType<Layer.Layer<Channel.Channel, ChannelError.ChannelError>>(RedisChannel.layer({ url: "redis://127.0.0.1:6379" }))
expectType<Layer.Layer<Channel.Channel, ChannelError.ChannelError>>(
  RedisChannel.layer({ cluster: seeds, redis: { connectTimeout: 2_000 }, clusterOptions: { slotsRefreshTimeout: 2_000 } })
)
expectType<Layer.Layer<Channel.Channel, ChannelError.ChannelError>>(RedisChannel.layerWithCheckpoints({ cluster: seeds, prefix: "etl:" }))
expectType<Layer.Layer<Channel.Channel, ChannelError.ChannelError>>(RedisChannel.layer({ client: new Redis({ lazyConnect: true }) }))
expectType<Layer.Layer<Channel.Channel, ChannelError.ChannelError>>(RedisChannel.layer({ client: new Cluster([], { lazyConnect: true }) }))
// one of them, not two; seed nodes are a list of URLs; the channel makes the cluster client lazy itself
expectError(RedisChannel.layer({ url: "redis://127.0.0.1:6379", cluster: seeds }))
expectError(RedisChannel.layer({ client: new Redis({ lazyConnect: true }), cluster: seeds }))
expectError(RedisChannel.layer({ cluster: "redis://10.0.0.1:7000" }))
expectError(RedisChannel.layer({ cluster: seeds, clusterOptions: { lazyConnect: false } }))
expectError(RedisChannel.layer({ url: "redis://127.0.0.1:6379", clusterOptions: {} }))
expectError(RedisChannel.layer({}))

// Distributed and Worker: a URL, { cluster }, or a client you own
expectAssignable<Distributed.Options>({ redis: { cluster: seeds }, queue: "etl" })
expectType<Layer.Layer<Distributed.Dispatcher, ChannelError.ChannelError>>(Distributed.layer({ redis: { cluster: seeds } }))
expectType<Effect.Effect<never, ChannelError.ChannelError, never>>(Worker.run({ workflows: [], redis: { cluster: seeds }, queue: "etl" }))
expectType<Layer.Layer<Distributed.Dispatcher, ChannelError.ChannelError>>(Distributed.layer({ redis: new Cluster([], { lazyConnect: true }) }))
expectType<Effect.Effect<never, ChannelError.ChannelError, never>>(Worker.run({ workflows: [], redis: new Redis({ lazyConnect: true }) }))
expectError(Distributed.layer({ redis: { cluster: "redis://10.0.0.1:7000" } }))
expectError(Distributed.layer({ redis: { url: "redis://10.0.0.1:7000" } }))
expectError(Worker.run({ workflows: [], redis: ["redis://10.0.0.1:7000"] }))

export const unused = Effect.void
