/**
 * What durability costs, next to the same runs without it, in one process:
 *
 * 1. memory: a chain of 1 000 and 10 000 trivial tasks, and a fan-out of
 *    1 000, not durable and durable (journal in a memory checkpoint store);
 * 2. Redis (a throwaway server): a chain of 200 tasks, not durable and durable
 *    (the journal entry written by the script that writes the result), with
 *    the commands the server ran per task, read from INFO commandstats.
 *
 *   node bench/run.mjs durable        (or: npm run bench:durable)
 */
import { Effect, Layer } from "effect"
import { Checkpoint, MemoryChannel, Workflow } from "effect-graflow"
import * as RedisChannel from "effect-graflow/RedisChannel"
import { Redis } from "ioredis"
import { startRedisServer } from "../test/support/redis.js"
import { chainOf, fanoutOf } from "./shapes.js"
import { machine, median, printTable, samplePair, spread, timed } from "./support.js"

let runs = 0

const memory = async () => {
  const rows: Array<ReadonlyArray<string>> = []
  const layer = Layer.merge(MemoryChannel.layer, Checkpoint.layerMemory)
  /** A run of the workflow, not durable or durable. */
  const runner = <Name extends string, Results, E, T extends object>(workflow: Workflow.Workflow<Name, Results, E, never, T>) =>
  (durable: boolean) =>
    Effect.runPromise(
      Workflow.run(workflow, durable ? { runId: `r${runs++}`, durable: true } : {}).pipe(Effect.provide(layer))
    )
  const cases = [
    { name: "chain of 1,000 tasks", run: runner(chainOf(1_000)), n: 1_000 },
    { name: "chain of 10,000 tasks", run: runner(chainOf(10_000)), n: 10_000 },
    { name: "fan-out of 1,000 tasks appending to one list", run: runner(fanoutOf(1_000)), n: 1_000 }
  ]
  for (const { n, name, run } of cases) {
    const [plain, durable] = await samplePair(() => timed(() => run(false)), () => timed(() => run(true)), n >= 10_000 ? 11 : 31)
    const plainUs = median(plain) * 1000 / n
    const durableUs = median(durable) * 1000 / n
    rows.push([
      name,
      `${median(plain).toFixed(1)} ms (${spread(plain)})`,
      `${median(durable).toFixed(1)} ms (${spread(durable)})`,
      `${plainUs.toFixed(2)} µs`,
      `${durableUs.toFixed(2)} µs`,
      `${(durableUs - plainUs).toFixed(2)} µs`
    ])
  }
  console.log(machine())
  console.log()
  printTable(["memory", "not durable", "durable", "per task", "per task, durable", "durability per task"], rows)
}

const redis = async () => {
  const server = await startRedisServer()
  // The channel's own client, counting the commands it sends (each is one round trip, or part of a batched write).
  const client = new Redis(server.url, RedisChannel.clientOptions)
  let sent = 0
  const send = client.sendCommand.bind(client)
  client.sendCommand = (command, stream) => {
    sent++
    return send(command, stream)
  }
  try {
    const n = 200
    const workflow = chainOf(n)
    const layer = RedisChannel.layerWithCheckpoints({ client, prefix: "bench:" })
    const once = (durable: boolean) =>
      Effect.runPromise(
        Workflow.run(workflow, durable ? { runId: `r${runs++}`, durable: true } : {}).pipe(Effect.provide(layer))
      )
    const [plain, durable] = await samplePair(() => timed(() => once(false)), () => timed(() => once(true)), 11)
    const commands = async (durable: boolean) => {
      const before = sent
      await once(durable)
      return sent - before
    }
    const plainCommands = await commands(false)
    const durableCommands = await commands(true)
    console.log()
    printTable(["Redis, chain of 200 tasks", "run", "per task", "commands sent per run", "per task"], [
      [
        "not durable",
        `${median(plain).toFixed(1)} ms (${spread(plain)})`,
        `${(median(plain) * 1000 / n).toFixed(0)} µs`,
        `${plainCommands}`,
        (plainCommands / n).toFixed(2)
      ],
      [
        "durable",
        `${median(durable).toFixed(1)} ms (${spread(durable)})`,
        `${(median(durable) * 1000 / n).toFixed(0)} µs`,
        `${durableCommands}`,
        (durableCommands / n).toFixed(2)
      ]
    ])
  } finally {
    client.disconnect()
    await server.stop()
  }
}

const part = process.argv[2]
await (part === "redis" ? redis() : part === "memory" ? memory() : memory().then(redis))
