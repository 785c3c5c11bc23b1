import { MemoryChannel } from "../src/index.js"
import { controlConformance } from "./conformance/control.js"

controlConformance({ name: "MemoryChannel", layer: MemoryChannel.layer })
