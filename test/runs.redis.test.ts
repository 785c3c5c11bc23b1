import { inject } from "vitest"
import * as RedisChannel from "../src/RedisChannel.js"
import { runEventsConformance, runsConformance } from "./conformance/runs.js"
import { channelTarget } from "./support/target.js"

const url = inject("redisUrl")
const cluster = channelTarget(inject("redisCluster"))

runsConformance({ name: "RedisChannel", layer: RedisChannel.layer({ url, prefix: "test:runs:" }), clock: "live" })
runsConformance({ name: "RedisChannel on a cluster", layer: RedisChannel.layer({ ...cluster, prefix: "test:runs:" }), clock: "live" })
runEventsConformance({
  name: "RedisChannel",
  layer: RedisChannel.layer({ url, prefix: "test:events:", runEvents: true }),
  without: RedisChannel.layer({ url, prefix: "test:events:" }),
  clock: "live"
})
runEventsConformance({
  name: "RedisChannel on a cluster",
  layer: RedisChannel.layer({ ...cluster, prefix: "test:events:", runEvents: true }),
  without: RedisChannel.layer({ ...cluster, prefix: "test:events:" }),
  clock: "live"
})
