/**
 * The conformance suites — channel, workflow, control flow, results, durable
 * runs, composition — on a real 3-primary Redis Cluster (started by the test
 * setup), as on standalone Redis: every key of a run is under its namespace's
 * hash tag, so every script touches one slot, and runs spread over the nodes.
 */
import { inject } from "vitest"
import * as RedisChannel from "../src/RedisChannel.js"
import { channelConformance } from "./conformance/channel.js"
import { compositionConformance } from "./conformance/composition.js"
import { controlConformance } from "./conformance/control.js"
import { durableConformance } from "./conformance/durable.js"
import { resultsConformance } from "./conformance/results.js"
import { workflowConformance } from "./conformance/workflow.js"
import { channelTarget } from "./support/target.js"

const cluster = channelTarget(inject("redisCluster"))
const name = "RedisChannel on a cluster"

channelConformance({ name, layer: RedisChannel.layer({ ...cluster, prefix: "test:channel:" }), clock: "live" })
const workflows = RedisChannel.layer({ ...cluster, prefix: "test:workflow:" })
workflowConformance({ name, layer: workflows, clock: "test" })
controlConformance({ name, layer: workflows })
resultsConformance({ name, layer: RedisChannel.layer({ ...cluster, prefix: "test:results:" }) })
durableConformance({ name, layer: RedisChannel.layerWithCheckpoints({ ...cluster, prefix: "test:durable:" }), clock: "live" })
compositionConformance({ name, layer: RedisChannel.layerWithCheckpoints({ ...cluster, prefix: "test:composition:" }), clock: "live" })
