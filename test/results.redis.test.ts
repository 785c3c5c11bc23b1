import { inject } from "vitest"
import * as RedisChannel from "../src/RedisChannel.js"
import { resultsConformance } from "./conformance/results.js"

resultsConformance({ name: "RedisChannel", layer: RedisChannel.layer({ url: inject("redisUrl"), prefix: "test:results:" }) })
