import { MemoryChannel } from "../src/index.js"
import { channelConformance } from "./conformance/channel.js"

channelConformance({ name: "MemoryChannel", layer: MemoryChannel.layer, clock: "test" })
