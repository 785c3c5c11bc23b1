import { Layer } from "effect"
import { Checkpoint, MemoryChannel } from "../src/index.js"
import { compositionConformance } from "./conformance/composition.js"

compositionConformance({ name: "MemoryChannel", layer: Layer.merge(MemoryChannel.layer, Checkpoint.layerMemory), clock: "test" })
