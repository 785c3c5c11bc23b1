import { MemoryChannel } from "../src/index.js"
import { workflowConformance } from "./conformance/workflow.js"

workflowConformance({ name: "MemoryChannel", layer: MemoryChannel.layer, clock: "test" })
