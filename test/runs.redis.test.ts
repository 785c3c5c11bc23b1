import { inject } from "vitest"
import * as RedisChannel from "../src/RedisChannel.js"
import { runsConformance } from "./conformance/runs.js"
import { channelTarget } from "./support/target.js"

runsConformance({ name: "RedisChannel", layer: RedisChannel.layer({ url: inject("redisUrl"), prefix: "test:runs:" }), clock: "live" })
runsConformance({
  name: "RedisChannel on a cluster",
  layer: RedisChannel.layer({ ...channelTarget(inject("redisCluster")), prefix: "test:runs:" }),
  clock: "live"
})
