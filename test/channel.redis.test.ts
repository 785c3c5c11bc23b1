import { inject } from "vitest"
import * as RedisChannel from "../src/RedisChannel.js"
import { channelConformance } from "./conformance/channel.js"

channelConformance({
  name: "RedisChannel",
  layer: RedisChannel.layer({ url: inject("redisUrl"), prefix: "test:channel:" }),
  clock: "live"
})
