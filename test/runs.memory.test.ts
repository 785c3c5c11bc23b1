import { MemoryChannel } from "../src/index.js"
import { runsConformance } from "./conformance/runs.js"

runsConformance({ name: "MemoryChannel", layer: MemoryChannel.layer, clock: "test" })
