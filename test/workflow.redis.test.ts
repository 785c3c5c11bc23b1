import { inject } from "vitest"
import * as RedisChannel from "../src/RedisChannel.js"
import { controlConformance } from "./conformance/control.js"
import { workflowConformance } from "./conformance/workflow.js"

const layer = RedisChannel.layer({ url: inject("redisUrl"), prefix: "test:workflow:" })
workflowConformance({ name: "RedisChannel", layer, clock: "test" })
controlConformance({ name: "RedisChannel", layer })
