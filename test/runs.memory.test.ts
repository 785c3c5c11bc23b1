import { MemoryChannel } from "../src/index.js"
import { runEventsConformance, runsConformance } from "./conformance/runs.js"

runsConformance({ name: "MemoryChannel", layer: MemoryChannel.layer, clock: "test" })
runEventsConformance({ name: "MemoryChannel", layer: MemoryChannel.layerWith({ runEvents: true }), without: MemoryChannel.layer, clock: "test" })
