import { Layer } from "effect"
import { Checkpoint, MemoryChannel } from "../src/index.js"
import { durableConformance } from "./conformance/durable.js"

durableConformance({ name: "MemoryChannel", layer: Layer.merge(MemoryChannel.layer, Checkpoint.layerMemory), clock: "test" })
