/**
 * What only a Redis Cluster shows: a run's keys in one slot and runs spread
 * over the primaries; a run whose slot is moved (`redis-cli --cluster
 * reshard`) in the middle completes; a primary killed with SIGKILL fails the
 * run with a typed error, never a hang; cross-run work covers every primary.
 * The conformance suites run on the shared cluster in channel.cluster.test.ts;
 * the tests that move slots or kill a node start a cluster of their own.
 */
import { assert, describe, expect, it } from "@effect/vitest"
import { Cause, ConfigProvider, Deferred, Effect, Exit, Fiber, Layer, Schema } from "effect"
import { Cluster, Redis } from "ioredis"
import { randomUUID } from "node:crypto"
import { inject } from "vitest"
import { Channel, Task, Workflow } from "../src/index.js"
import * as RedisChannel from "../src/RedisChannel.js"
import { makeKeyValueStore } from "../src/internal/redis/checkpoints.js"
import * as Distributed from "../src/Distributed.js"
import { encodeSegment, namespaceKeys } from "../src/internal/redis/keys.js"
import { runNamespace } from "../src/internal/keys.js"
import { primariesOf, redisCli, type RedisCluster, slotOf, startRedisCluster } from "./support/redis.js"
import { channelTarget, clientOf } from "./support/target.js"

const shared = inject("redisCluster")
const cluster = channelTarget(shared)

/** Each primary of the shared cluster, as a plain connection (to look at what lives where). */
const primaries = Effect.acquireRelease(
  Effect.promise(async () => {
    const admin = clientOf(shared)
    if (!(admin instanceof Cluster)) throw new Error("the shared cluster is not a cluster")
    await new Promise<void>((resolve) => admin.once("ready", () => resolve()))
    const nodes = admin.nodes("master").map((node) => new Redis({ host: node.options.host ?? "127.0.0.1", port: node.options.port ?? 6379 }))
    return { admin, nodes }
  }),
  ({ admin, nodes }) => Effect.promise(() => Promise.all([admin.quit(), ...nodes.map((node) => node.quit())]))
)

describe("RedisChannel on a Redis Cluster", () => {
  it("slotOf computes Redis's slot (checked against CLUSTER KEYSLOT)", async () => {
    const admin = clientOf(shared)
    try {
      for (const key of ["a", "graflow:{wf/r1}:k:x", "{}x", "{x", "x}{y}", "😀", "p{a}{b}"]) {
        expect(slotOf(key)).toBe(Number(await admin.cluster("KEYSLOT", key)))
      }
    } finally {
      await admin.quit()
    }
  })

  it.live("every key of a run is in its namespace's slot, and 30 runs spread over all three primaries (run ids with braces too)", () =>
    Effect.gen(function*() {
      const prefix = `test:spread:${randomUUID().slice(0, 8)}:`
      const flow = Workflow.make(
        "spread",
        Workflow.chain(
          Task.make("a", (ctx) => Effect.as(ctx.untyped.set("k", 1), 1)),
          Task.make("b", (ctx) => Effect.as(ctx.untyped.append("log", "b"), 2))
        )
      )
      const runIds = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? `{t-${i}}` : `r-${i}-${randomUUID().slice(0, 4)}`))
      yield* Effect.forEach(runIds, (runId) => Workflow.run(flow, { runId, durable: true, retention: "keep" }), { concurrency: 10 }).pipe(
        Effect.provide(RedisChannel.layerWithCheckpoints({ ...cluster, prefix }))
      )
      const { nodes } = yield* primaries
      const where = new Map<string, Set<number>>()
      for (const [n, node] of nodes.entries()) {
        // The runs' keys (not the workflow's index of runs, a key of its own).
        for (const key of yield* Effect.promise(() => node.keys(`${prefix}{*`))) {
          const tag = /\{([^}]*)\}/.exec(key)?.[1] ?? "none"
          const seen = where.get(tag) ?? new Set<number>()
          seen.add(n)
          where.set(tag, seen)
          // The slot is the namespace's, whatever the key's kind or the run id's braces.
          expect(slotOf(key)).toBe(slotOf(`{${tag}}`))
        }
      }
      assert.strictEqual(where.size, 30)
      for (const runId of runIds) {
        const nodesOfRun = where.get(encodeSegment(runNamespace("spread", runId)))
        assert.strictEqual(nodesOfRun?.size, 1, `run ${runId} lives on one node`)
      }
      const used = new Set([...where.values()].flatMap((set) => [...set]))
      assert.strictEqual(used.size, 3, "the runs spread over every primary")
    }).pipe(Effect.scoped), 60_000)

  it.live("layerConfig reads REDIS_CLUSTER_URLS (the seed nodes) and REDIS_PREFIX", () =>
    Effect.gen(function*() {
      const prefix = `test:config:${randomUUID().slice(0, 8)}:`
      const seeds = typeof cluster === "object" && "cluster" in cluster ? cluster.cluster : []
      yield* Effect.scoped(Effect.gen(function*() {
        const channel = yield* Channel.open("ns")
        yield* channel.set("k", "v")
        assert.strictEqual(yield* channel.get("k"), "v")
      })).pipe(
        Effect.provide(RedisChannel.layerConfig),
        Effect.provide(ConfigProvider.layer(ConfigProvider.fromUnknown({ REDIS_CLUSTER_URLS: seeds.join(","), REDIS_PREFIX: prefix })))
      )
      const admin = clientOf(shared)
      assert.strictEqual(yield* Effect.promise(() => admin.get(`${prefix}{ns}:k:k`).finally(() => admin.quit())), "\"v\"")
    }), 30_000)

  it.live("the checkpoint store lists keys from every primary, not only the node it asks first", () =>
    Effect.gen(function*() {
      const prefix = `test:cpscan:${randomUUID().slice(0, 8)}:`
      const client = yield* Effect.acquireRelease(Effect.sync(() => clientOf(shared)), (c) => Effect.promise(() => c.quit()))
      const store = makeKeyValueStore(client, prefix)
      const keys = Array.from({ length: 60 }, (_, i) => `checkpoint/run-${i}/{x}`)
      yield* Effect.forEach(keys, (key) => store.set(key, "1"), { discard: true })
      expect([...(yield* store.keys)].sort()).toEqual([...keys].sort())
      assert.strictEqual(yield* store.size, 60)
      yield* store.clear
      assert.strictEqual(yield* store.size, 0)
    }).pipe(Effect.scoped), 30_000)

  it.live("an unreachable cluster is a ChannelError in words; a prefix with a brace is refused", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Effect.scoped(RedisChannel.make({ cluster: ["redis://:s3cret@127.0.0.1:1"], commandTimeout: "1 second" }))
      )
      assert.strictEqual(error._tag, "ChannelError")
      expect(error.message).toContain("connect")
      expect(error.message).not.toContain("s3cret")
      // Why, naming the seed (redacted): not ioredis's "Failed to refresh slots cache."
      expect(String(error.cause)).toContain(
        "no seed node of the Redis Cluster answered at redis://:***@127.0.0.1:1 (connection refused, closed or unreachable)"
      )
      const database = yield* Effect.flip(Effect.scoped(RedisChannel.make({ cluster: ["redis://127.0.0.1:1/2"] })))
      expect(String(database.cause)).toContain(`invalid Redis URL "redis://127.0.0.1:1/2": a Redis Cluster has one database (0), not 2`)
      const refused = yield* Effect.exit(Effect.scoped(RedisChannel.make({ ...cluster, prefix: "app:{eu}:" })))
      assert.isTrue(Exit.isFailure(refused) && Cause.hasDies(refused.cause))
      if (Exit.isFailure(refused)) expect(String(Cause.squash(refused.cause))).toContain("contains a brace")
    }), 30_000)
})

/** A cluster of its own for a test that moves slots or kills a node; stopped with the scope. */
const ownCluster = Effect.acquireRelease(Effect.promise(() => startRedisCluster()), (c: RedisCluster) => Effect.promise(() => c.stop()))

/** A run id of `workflow` whose namespace hashes to `slot`. */
const runIdInSlot = (workflow: string, slot: number): string => {
  for (let i = 0;; i++) {
    const runId = `r-${i}`
    if (slotOf(`{${encodeSegment(runNamespace(workflow, runId))}}`) === slot) return runId
  }
}

describe("a Redis Cluster changing under a run", () => {
  const Churn = Channel.schema({ n: Schema.Number, log: Schema.Array(Schema.Number) })

  /**
   * Fills the run's namespace (many keys make the slot's migration take a while), then writes — sets,
   * appends, adds — until `done` is set, counting its rounds; the last task reads what it wrote.
   */
  const churning = (done: { value: boolean }, started: Deferred.Deferred<void>) => {
    const fill = Task.make("fill", (ctx) =>
      Effect.as(
        Effect.forEach(Array.from({ length: 1500 }, (_, i) => i), (i) => ctx.untyped.set(`fill-${i}`, i), { concurrency: 50, discard: true }),
        1500
      ))
    const churn = Task.make("churn", { channels: Churn, writes: ["n", "log"] }, (ctx) =>
      Effect.gen(function*() {
        yield* Deferred.succeed(started, undefined)
        let rounds = 0
        while (!done.value) {
          rounds++
          yield* ctx.channel.atomicAdd("n", 1)
          yield* ctx.channel.append("log", rounds)
          yield* ctx.untyped.set(`round-${rounds % 50}`, rounds)
        }
        return rounds
      }))
    const check = Task.make("check", { channels: Churn, after: [churn], reads: ["n", "log"] }, (ctx) =>
      Effect.gen(function*() {
        const rounds = yield* ctx.getResult("churn")
        const n = yield* ctx.channel.get("n")
        const log = yield* ctx.channel.get("log")
        const keys = yield* ctx.untyped.keys()
        return { rounds, n, logged: log.length, inOrder: log.every((x, i) => x === i + 1), keys: keys.length }
      }))
    return Workflow.make("churn", { channels: Churn }, Workflow.chain(fill, churn, check))
  }

  it.live("the run's slot moved to another primary with redis-cli --cluster reshard mid-run: the run completes, nothing lost", () =>
    Effect.gen(function*() {
      const own = yield* ownCluster
      const [first, second, third] = yield* Effect.promise(() => primariesOf(own.nodes[0]!.port))
      const source = [first, second, third].find((node) => node !== undefined && node.slots.length > 0 && node.slots[0]![0] > 0)!
      const target = [first, second, third].find((node) => node !== undefined && node.id !== source.id)!
      // reshard --cluster-slots 1 moves the source's lowest slot: the run's namespace hashes there.
      const slot = source.slots[0]![0]
      const runId = runIdInSlot("churn", slot)
      const done = { value: false }
      const started = yield* Deferred.make<void>()
      const layer = RedisChannel.layer({ cluster: own.urls, prefix: "rs:" })
      const fiber = yield* Effect.forkChild(Workflow.run(churning(done, started), { runId, retention: "keep" }).pipe(Effect.provide(layer)))
      yield* Deferred.await(started)
      const moved = yield* Effect.promise(() =>
        redisCli([
          "--cluster", "reshard", `127.0.0.1:${source.port}`,
          "--cluster-from", source.id, "--cluster-to", target.id, "--cluster-slots", "1", "--cluster-yes"
        ])
      ).pipe(Effect.ensuring(Effect.sync(() => {
        done.value = true
      })))
      expect(moved).toContain(`Moving slot ${slot} from`)
      const out = yield* Fiber.join(fiber)
      assert.strictEqual(out.status, "completed")
      if (out.status !== "completed") return
      const { check } = out.results
      assert.isTrue(check.rounds > 0)
      assert.deepStrictEqual({ n: check.n, logged: check.logged, inOrder: check.inOrder }, { n: check.rounds, logged: check.rounds, inOrder: true })
      assert.strictEqual(check.keys, 1500 + Math.min(check.rounds, 50) + 2)
      // The slot is the target's now, and the run's keys are there.
      const after = yield* Effect.promise(() => primariesOf(own.nodes[0]!.port))
      const owner = after.find((node) => node.slots.some(([from, to]) => from <= slot && slot <= to))
      assert.strictEqual(owner?.id, target.id)
      const node = new Redis({ port: target.port })
      const there = yield* Effect.promise(() => node.keys("rs:*").finally(() => node.quit()))
      assert.isTrue(there.length > 1500)
    }).pipe(Effect.scoped), 120_000)

  it.live("the primary holding the run killed with SIGKILL: the run fails with a typed ChannelError, never hangs", () =>
    Effect.gen(function*() {
      const own = yield* ownCluster
      const nodes = yield* Effect.promise(() => primariesOf(own.nodes[0]!.port))
      const victim = nodes[1]!
      const runId = runIdInSlot("churn", victim.slots[0]![0])
      const done = { value: false }
      const started = yield* Deferred.make<void>()
      const layer = RedisChannel.layer({ cluster: own.urls, prefix: "kill:", commandTimeout: "2 seconds" })
      const fiber = yield* Effect.forkChild(Workflow.run(churning(done, started), { runId, retention: "keep" }).pipe(Effect.provide(layer)))
      yield* Deferred.await(started)
      const server = own.nodes.find((node) => node.port === victim.port)!
      process.kill(server.pid, "SIGKILL")
      const exit = yield* Fiber.await(fiber).pipe(Effect.timeout("30 seconds"))
      assert.isTrue(Exit.isFailure(exit), "the run failed")
      if (!Exit.isFailure(exit)) return
      assert.isFalse(Cause.hasDies(exit.cause), Cause.pretty(exit.cause))
      const error = Cause.squash(exit.cause)
      // The churning task's write failed: TaskFailed whose cause is the ChannelError, in words.
      const text = Cause.pretty(exit.cause)
      expect(text).toContain("ChannelError")
      assert.isTrue(typeof error === "object" && error !== null && "_tag" in error)
    }).pipe(Effect.scoped), 120_000)
})


describe("run events on Redis", () => {
  it.live("a run's events are a list in its namespace's slot, expiring with it", () =>
    Effect.gen(function*() {
      const prefix = `test:evttl:${randomUUID().slice(0, 8)}:`
      const flow = Workflow.make("evttl", Task.make("a", () => 1))
      yield* Workflow.run(flow, { runId: "r1" }).pipe(
        Effect.provide(RedisChannel.layer({ ...cluster, prefix, runEvents: true, retention: { expireAfter: "1 hour" } }))
      )
      const admin = clientOf(shared)
      const key = `${prefix}{evttl/r1}:e:`
      const [length, ttl] = yield* Effect.promise(() => Promise.all([admin.llen(key), admin.pttl(key)]).finally(() => admin.quit()))
      assert.strictEqual(length, 4)
      assert.isTrue(ttl > 3_500_000 && ttl <= 3_600_000, `ttl ${ttl}`)
    }), 30_000)
})

describe("the index of a workflow's runs on Redis", () => {
  it.live("a running run outliving the retention stays listed (the index is renewed with its lease)", () =>
    Effect.gen(function*() {
      const prefix = `test:outlive:${randomUUID().slice(0, 8)}:`
      const layer = RedisChannel.layer({ ...cluster, prefix, retention: { expireAfter: "200 millis" }, runLease: "600 millis" })
      const started = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      const long = Workflow.make("long", Task.make("wait", () => Effect.andThen(Deferred.succeed(started, undefined), Deferred.await(release))))
      yield* Effect.gen(function*() {
        yield* Workflow.run(Workflow.make("long", Task.make("wait", () => 1)), { runId: "short" })
        const fiber = yield* Effect.forkChild(Workflow.run(long, { runId: "long-one" }))
        yield* Deferred.await(started)
        // Well past the retention and the index's first horizon (3 leases, 1.8 s): still listed while it runs.
        yield* Effect.sleep("2500 millis")
        const listed = yield* Workflow.listRuns("long")
        assert.deepStrictEqual(listed.runs.map((run) => [run.runId, run.status]), [["long-one", "running"]])
        yield* Deferred.succeed(release, undefined)
        yield* Fiber.join(fiber)
      }).pipe(Effect.provide(layer))
    }), 30_000)

  it.live("runs that expire leave the index as later runs start, though older runs stay (suspended)", () =>
    Effect.gen(function*() {
      const prefix = `test:bounded:${randomUUID().slice(0, 8)}:`
      const layer = RedisChannel.layer({ ...cluster, prefix, retention: { expireAfter: "20 millis" } })
      const waits = Workflow.make("bounded", Task.make("ask", { awaits: { ok: Schema.Boolean } }, (ctx) => ctx.waitFor("ok", { timeout: 0 })))
      const quick = Workflow.make("bounded", Task.make("ask", () => true))
      yield* Effect.gen(function*() {
        for (const runId of ["old-1", "old-2"]) assert.strictEqual((yield* Workflow.run(waits, { runId })).status, "suspended")
        for (let i = 0; i < 300; i++) yield* Workflow.run(quick, { runId: `q-${i}` })
      }).pipe(Effect.provide(layer))
      const admin = clientOf(shared)
      const [size, old1, old2] = yield* Effect.promise(() =>
        Promise.all([
          admin.zcard(`${prefix}:runs:bounded`),
          admin.zscore(`${prefix}:runs:bounded`, "old-1"),
          admin.zscore(`${prefix}:runs:bounded`, "old-2")
        ]).finally(() => admin.quit())
      )
      // Without pruning: 302. One start in four looks at eight entries at random, in the background: about 50 stay
      // on a quiet machine, up to 80 were seen with the whole suite running (the prunes lag behind the starts).
      assert.isBelow(size, 151, "less than half of the runs stay indexed")
      // The suspended runs keep their records, so their entries are never pruned.
      assert.isNotNull(old1)
      assert.isNotNull(old2)
    }), 60_000)

  it.live("120 runs started in the same millisecond page through windows of equal scores without repeat or loss", () =>
    Effect.gen(function*() {
      const prefix = `test:ties:${randomUUID().slice(0, 8)}:`
      const flow = Workflow.make("ties", Task.make("a", () => 1))
      const ids = Array.from({ length: 120 }, (_, i) => `t-${String(i).padStart(3, "0")}`)
      const layer = RedisChannel.layer({ ...cluster, prefix })
      yield* Effect.forEach(ids, (runId) => Workflow.run(flow, { runId, retention: "keep" }), { concurrency: 10, discard: true }).pipe(
        Effect.provide(layer)
      )
      // Every run's start moved to one millisecond: the listing orders them by id alone.
      const admin = clientOf(shared)
      yield* Effect.promise(() => admin.zadd(`${prefix}:runs:ties`, ...ids.flatMap((id) => [1_000, id])))
      const listed: Array<string> = []
      let cursor: string | undefined
      do {
        const page = yield* Workflow.listRuns(flow, { limit: 50, ...(cursor === undefined ? {} : { cursor }) }).pipe(Effect.provide(layer))
        listed.push(...page.runs.map((run) => run.runId))
        cursor = page.cursor
      } while (cursor !== undefined)
      yield* Effect.promise(() => admin.quit())
      assert.deepStrictEqual(listed, [...ids].reverse())
    }), 60_000)
})

describe("a Redis Cluster in trouble", () => {
  it.live("a read while the run's slot is half moved (its index on the new primary, its keys not yet) forgets no key", () =>
    Effect.gen(function*() {
      const own = yield* ownCluster
      const namespace = "wf/half-moved"
      const keys = namespaceKeys("hm:", namespace)
      const slot = slotOf(keys.index)
      const layer = RedisChannel.layer({ cluster: own.urls, prefix: "hm:" })
      const moving = Effect.gen(function*() {
        const channel = yield* Channel.open(namespace)
        yield* channel.set("a", 1)
        yield* channel.set("b", 2)
        const primaries = yield* Effect.promise(() => primariesOf(own.nodes[0]!.port))
        const source = primaries.find((node) => node.slots.some(([from, to]) => from <= slot && slot <= to))!
        const target = primaries.find((node) => node.id !== source.id)!
        const from = new Redis({ port: source.port })
        const to = new Redis({ port: target.port })
        yield* Effect.addFinalizer(() => Effect.sync(() => [from, to].forEach((c) => c.disconnect())))
        // As redis-cli --cluster reshard does, a batch at a time: here the index's batch has moved, the keys' not.
        yield* Effect.promise(async () => {
          await to.cluster("SETSLOT", slot, "IMPORTING", source.id)
          await from.cluster("SETSLOT", slot, "MIGRATING", target.id)
          await from.migrate("127.0.0.1", target.port, keys.index, 0, 5000)
        })
        // A read in that moment may miss keys not moved yet, but must not drop them from the index.
        yield* Effect.exit(channel.keys())
        yield* Effect.promise(async () => {
          for (const key of (await from.cluster("GETKEYSINSLOT", slot, 100)) as Array<string>) {
            await from.migrate("127.0.0.1", target.port, key, 0, 5000)
          }
          for (const node of primaries) {
            const client = new Redis({ port: node.port })
            await client.cluster("SETSLOT", slot, "NODE", target.id).finally(() => client.disconnect())
          }
        })
        assert.deepStrictEqual([...(yield* channel.keys())].sort(), ["a", "b"])
      })
      yield* Effect.scoped(moving).pipe(Effect.provide(layer))
    }).pipe(Effect.scoped), 60_000)

  it.live("with a primary down (no replica): a layer fails to start in words within its connect timeout; deleteRun fails typed", () =>
    Effect.gen(function*() {
      const own = yield* ownCluster
      const redis = { cluster: own.urls }
      const dispatcher = yield* Layer.build(Distributed.layer({ redis, prefix: "down:" }))
      const victim = own.nodes[2]!
      process.kill(victim.pid, "SIGKILL")
      // The other primaries see it fail (cluster-node-timeout 2 s): the cluster's state is fail.
      yield* Effect.promise(async () => {
        const deadline = Date.now() + 15_000
        while (!(await redisCli(["-p", `${own.nodes[0]!.port}`, "cluster", "info"])).includes("cluster_state:fail")) {
          if (Date.now() > deadline) throw new Error("the cluster never said it failed")
          await new Promise((resolve) => setTimeout(resolve, 100))
        }
      })
      const started = Date.now()
      const error = yield* Effect.flip(Effect.scoped(RedisChannel.make({ ...redis, redis: { connectTimeout: 2_000 } })))
      assert.strictEqual(error._tag, "ChannelError")
      expect(String(error.cause)).toContain("was not ready within 2000 ms (connectTimeout)")
      assert.isBelow(Date.now() - started, 8_000)
      const deleted = yield* Effect.exit(Distributed.deleteRun("wf", "r1").pipe(Effect.provide(dispatcher)))
      assert.isTrue(Exit.isFailure(deleted) && !Cause.hasDies(deleted.cause), "a typed failure, not a defect")
      if (Exit.isFailure(deleted)) expect(Cause.pretty(deleted.cause)).toContain("ChannelError")
    }).pipe(Effect.scoped), 90_000)
})
