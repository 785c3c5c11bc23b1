import { inject } from "vitest"
import * as RedisChannel from "../src/RedisChannel.js"
import { durableConformance } from "./conformance/durable.js"

durableConformance({
  name: "RedisChannel",
  layer: RedisChannel.layerWithCheckpoints({ url: inject("redisUrl"), prefix: "test:durable:" }),
  clock: "live"
})
