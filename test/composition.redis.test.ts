import { inject } from "vitest"
import * as RedisChannel from "../src/RedisChannel.js"
import { compositionConformance } from "./conformance/composition.js"

compositionConformance({
  name: "RedisChannel",
  layer: RedisChannel.layerWithCheckpoints({ url: inject("redisUrl"), prefix: "test:composition:" }),
  clock: "live"
})
