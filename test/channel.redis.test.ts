import { inject } from "vitest"
import { RedisChannel } from "../src/index.js"
import { channelConformance } from "./conformance/channel.js"

channelConformance({
  name: "RedisChannel",
  layer: RedisChannel.layer({ url: inject("redisUrl"), prefix: "test:channel:" }),
  clock: "live"
})
