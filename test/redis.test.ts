/** RedisChannel specifics: construction, connection lifecycle, isolation, foreign data, failures, processes. */
import { assert, describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Deferred, Effect, Exit, Fiber, Layer, Logger, Schema } from "effect"
import { Redis } from "ioredis"
import { execFile } from "node:child_process"
import { randomUUID } from "node:crypto"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { inject } from "vitest"
import { Channel, Task, Workflow } from "../src/index.js"
import * as RedisChannel from "../src/RedisChannel.js"
import { hasEndThenRetain, hasEntriesThenRetain } from "../src/internal/channel.js"
import { namespaceKeys, runsKey } from "../src/internal/redis/keys.js"
import { defineScripts, runScriptWithKeys } from "../src/internal/redis/scripts.js"
import { adminClient } from "./support/redis.js"
import { wrapStores } from "./support/wrap.js"

const url = inject("redisUrl")

const admin = adminClient(url)

const connectionNames = (client: Redis) =>
  Effect.promise(async () => {
    const list = await client.client("LIST")
    return String(list).split("\n").map((line) => /name=(\S*)/.exec(line)?.[1] ?? "")
  })

describe("RedisChannel", () => {
  it.live("a layer built from a URL closes its connection when its scope closes", () =>
    Effect.gen(function*() {
      const redis = yield* admin
      const name = `graflow-test-${randomUUID().slice(0, 8)}`
      const layer = RedisChannel.layer({ url, prefix: "test:life:", redis: { connectionName: name } })
      const during = yield* Effect.scoped(
        Effect.gen(function*() {
          const channel = yield* Channel.open("life")
          yield* channel.set("k", 1)
          return yield* connectionNames(redis)
        }).pipe(Effect.provide(layer))
      )
      expect(during).toContain(name)
      expect(yield* connectionNames(redis)).not.toContain(name)
    }))

  it.live("a client passed in is used and left open", () =>
    Effect.gen(function*() {
      const client = new Redis(url, { ...RedisChannel.clientOptions, lazyConnect: true })
      yield* Effect.promise(() => client.connect())
      const out = yield* Workflow.run(Workflow.make("client", Task.make("a", () => 1))).pipe(
        Effect.provide(RedisChannel.layer({ client, prefix: "test:client:" }))
      )
      assert.strictEqual(out.results.a, 1)
      assert.strictEqual(client.status, "ready")
      yield* Effect.promise(() => client.quit())
    }))

  it.live("layerConfig reads REDIS_URL and REDIS_PREFIX", () =>
    Effect.gen(function*() {
      const redis = yield* admin
      const prefix = `test:config:${randomUUID().slice(0, 8)}:`
      yield* Effect.scoped(Effect.gen(function*() {
        const channel = yield* Channel.open("ns")
        yield* channel.set("k", "v")
      })).pipe(
        Effect.provide(RedisChannel.layerConfig),
        Effect.provide(ConfigProvider.layer(ConfigProvider.fromUnknown({ REDIS_URL: url, REDIS_PREFIX: prefix })))
      )
      assert.strictEqual(yield* Effect.promise(() => redis.get(`${prefix}{ns}:k:k`)), "\"v\"")
    }))

  it.live("an unreachable server fails the layer with ChannelError (op connect), quickly", () =>
    Effect.gen(function*() {
      const started = Date.now()
      const exit = yield* Effect.exit(
        Layer.build(RedisChannel.layer({ url: "redis://127.0.0.1:1", redis: { connectTimeout: 500 } })).pipe(Effect.scoped)
      )
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) expect(JSON.stringify(exit.cause)).toContain("connect")
      expect(Date.now() - started).toBeLessThan(5000)
    }))

  it.live("keys live under prefix, encoded namespace and k:, the index under i:; locks under l:, never listed", () =>
    Effect.gen(function*() {
      const redis = yield* admin
      const prefix = `test:layout:${randomUUID().slice(0, 8)}:`
      yield* Effect.scoped(Effect.gen(function*() {
        const channel = yield* Channel.open("wf/run:1")
        yield* channel.set("a:b*", 1)
        yield* channel.append("list", "x")
        const keysWhileLocked = yield* channel.lock("a:b*", channel.keys())
        expect([...keysWhileLocked].sort()).toEqual(["a:b*", "list"])
        const lockKeys = yield* Effect.promise(() => redis.keys(`${prefix}*l:*`))
        expect(lockKeys).toEqual([])
      })).pipe(Effect.provide(RedisChannel.layer({ url, prefix })))
      const keys = (yield* Effect.promise(() => redis.keys(`${prefix}*`))).sort()
      expect(keys).toEqual([`${prefix}{wf/run%3A1}:i:`, `${prefix}{wf/run%3A1}:k:a%3Ab*`, `${prefix}{wf/run%3A1}:k:list`])
      assert.strictEqual(yield* Effect.promise(() => redis.type(`${prefix}{wf/run%3A1}:k:list`)), "list")
      assert.strictEqual(yield* Effect.promise(() => redis.type(`${prefix}{wf/run%3A1}:i:`)), "zset")
    }))

  it.live("values set at once share one script call; each is written, with its TTL, and listed", () =>
    Effect.gen(function*() {
      const redis = yield* admin
      const prefix = `test:batch:${randomUUID().slice(0, 8)}:`
      const calls = Effect.promise(async () => {
        const info = await redis.info("commandstats")
        return Number(/cmdstat_evalsha:calls=(\d+)/.exec(info)?.[1] ?? 0) + Number(/cmdstat_eval:calls=(\d+)/.exec(info)?.[1] ?? 0)
      })
      yield* Effect.scoped(Effect.gen(function*() {
        const channel = yield* Channel.open("wf/batch")
        yield* channel.set("warm", 0)
        const before = yield* calls
        yield* Effect.all(
          Array.from({ length: 100 }, (_, i) => channel.set(`k${i}`, { i }, i % 10 === 0 ? { ttl: "1 hour" } : undefined)),
          { concurrency: "unbounded" }
        )
        const after = yield* calls
        // 100 sets, a handful of calls (one per tick in which some were made), not 100.
        expect(after - before).toBeLessThanOrEqual(3)
        for (let i = 0; i < 100; i++) expect(yield* channel.get(`k${i}`)).toEqual({ i })
        expect((yield* channel.keys()).length).toBe(101)
        const ttl = (key: string) => Effect.promise(() => redis.pttl(`${prefix}{wf/batch}:k:${key}`))
        expect(yield* ttl("k10")).toBeGreaterThan(3_500_000)
        expect(yield* ttl("k11")).toBe(-1)
        // More than one call's worth (1,000) made at once: all written, in a few calls.
        const many = yield* calls
        yield* Effect.all(Array.from({ length: 2500 }, (_, i) => channel.set(`m${i}`, i)), { concurrency: "unbounded" })
        expect((yield* calls) - many).toBeLessThanOrEqual(6)
        expect(yield* channel.get("m2499")).toBe(2499)
        expect((yield* channel.keys()).length).toBe(2601)
        // A later write of the same key, after the batch, wins (writes that wait for each other keep their order).
        yield* channel.set("k1", "later")
        expect(yield* channel.get("k1")).toBe("later")
        // Writes of one key made at once, with and without a TTL, land in the order they were made: the last wins,
        // with its TTL or without one (the values without a TTL are written together, the others in between).
        const hour = { ttl: "1 hour" } as const
        yield* Effect.all([
          channel.set("first", 0),
          channel.set("a", 1),
          channel.set("a", 2, hour),
          channel.set("a", 3),
          channel.set("b", 1),
          channel.set("b", 2),
          channel.set("b", 3, hour),
          channel.set("c", 1, hour),
          channel.set("c", 2)
        ], { concurrency: "unbounded" })
        expect([yield* channel.get("a"), yield* channel.get("b"), yield* channel.get("c")]).toEqual([3, 3, 2])
        expect(yield* ttl("a")).toBe(-1)
        expect(yield* ttl("b")).toBeGreaterThan(3_500_000)
        expect(yield* ttl("c")).toBe(-1)
        // The index follows: a key whose last write has no TTL is listed after the others' would have expired.
        expect((yield* channel.keys()).filter((k) => k.length === 1).sort()).toEqual(["a", "b", "c"])
      })).pipe(Effect.provide(RedisChannel.layer({ url, prefix })))
    }))

  it.live("thousands of keys: written many to a call, expired by a retention each with its TTL, dropped all at once", () =>
    Effect.gen(function*() {
      const redis = yield* admin
      const prefix = `test:many:${randomUUID().slice(0, 8)}:`
      const keys = namespaceKeys(prefix, "wf/many")
      // The script that writes the values set in one tick, given more values than one call of the store takes
      // (the store sends at most 1,000): all written and indexed, Lua's unpack limit never met.
      yield* Effect.promise(() => {
        defineScripts(redis)
        const data: Array<string> = [keys.index]
        const args: Array<string> = []
        for (let i = 0; i < 9_000; i++) {
          data.push(keys.dataPrefix + `s${i}`)
          args.push(`${i}`, i === 8_999 ? "60000" : "", `s${i}`)
        }
        return runScriptWithKeys(redis, "SET_VALUES", data, args)
      })
      yield* Effect.scoped(Effect.gen(function*() {
        const channel = yield* Channel.open("wf/many")
        assert.strictEqual((yield* channel.keys()).length, 9_000)
        assert.strictEqual(yield* channel.get("s4321"), 4321)
        const store = yield* Effect.flatMap(Effect.service(Channel.Channel), (backend) => backend.open("wf/many"))
        // Kept for an hour: every key gets the hour, but the one whose TTL is shorter keeps it.
        yield* store.retain({ _tag: "Expire", millis: 3_600_000 })
        const ttl = (key: string) => Effect.promise(() => redis.pttl(keys.dataPrefix + key))
        for (const key of ["s0", "s1999", "s2000", "s8998"]) expect(yield* ttl(key)).toBeGreaterThan(3_500_000)
        expect(yield* ttl("s8999")).toBeLessThanOrEqual(60_000)
        yield* store.retain({ _tag: "Delete" })
        assert.deepStrictEqual(yield* Effect.promise(() => redis.keys(`${prefix}*`)), [])
      })).pipe(Effect.provide(RedisChannel.layer({ url, prefix })))
    }))

  it.live("every write keeps a key's index score at its expiry (inf without a TTL): what prunes the index reads it", () =>
    Effect.gen(function*() {
      const redis = yield* admin
      const prefix = `test:scores:${randomUUID().slice(0, 8)}:`
      const keys = namespaceKeys(prefix, "wf/scores")
      const mismatches = Effect.promise(async () => {
        const entries = await redis.zrange(keys.index, "0", "-1", "WITHSCORES")
        const [seconds, micros] = await redis.time()
        const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)
        const out: Array<string> = []
        for (let i = 0; i < entries.length; i += 2) {
          const [member, score] = [entries[i]!, entries[i + 1]!]
          const pttl = await redis.pttl(keys.dataPrefix + member)
          if (pttl === -2) continue
          const agrees = pttl === -1 ? score === "inf" : score !== "inf" && Math.abs(Number(score) - (now + pttl)) < 100
          if (!agrees) out.push(`${member}: score ${score}, pttl ${pttl}`)
        }
        return out
      })
      yield* Effect.scoped(Effect.gen(function*() {
        const store = yield* Effect.flatMap(Effect.service(Channel.Channel), (backend) => backend.open("wf/scores"))
        const hour = 3_600_000
        yield* store.set("s1", 1, hour)
        yield* store.set("s1", 2, undefined)
        yield* store.set("s2", 1, undefined)
        yield* store.set("s2", 2, hour)
        yield* store.set("s3", 1, 60_000)
        yield* store.set("s3", 2, hour)
        // Many in one tick, with and without TTLs, on the same keys.
        yield* Effect.all([
          store.set("b0", 0, undefined),
          store.set("b1", 1, hour),
          store.set("b1", 2, undefined),
          store.set("b2", 1, undefined),
          store.set("b2", 2, hour),
          store.set("s1", 3, hour)
        ], { concurrency: "unbounded" })
        yield* store.set("l1", [1, 2], hour)
        yield* store.append("l1", 3, undefined)
        yield* store.set("l2", [1], undefined)
        yield* store.append("l2", 2, hour)
        yield* store.set("l3", [], hour)
        yield* store.prepend("l3", 1, undefined)
        yield* store.set("l4", [1], hour)
        yield* store.set("l4", 5, undefined)
        yield* store.set("n1", 1, hour)
        yield* store.atomicAdd("n1", 2)
        yield* store.atomicAdd("n2", 2)
        yield* store.set("n3", 1, hour)
        yield* store.atomicAdd("n3", 2, () => undefined)
        yield* store.set("v1", [1], hour)
        yield* store.set("v1", "x", undefined)
        yield* store.set("d1", 1, hour)
        yield* store.delete("d1")
        expect(yield* mismatches).toEqual([])
        yield* store.restore([
          { key: "r1", value: 1, ttl: hour },
          { key: "r2", value: 2, ttl: undefined },
          { key: "r3", value: [1, 2], ttl: hour },
          { key: "r4", value: [], ttl: hour },
          { key: "r5", value: [3], ttl: undefined }
        ], undefined)
        yield* store.append("r4", 1, undefined)
        expect(yield* mismatches).toEqual([])
      })).pipe(Effect.provide(RedisChannel.layer({ url, prefix })))
    }))

  it.live("a durable run started again under its id, ending with a longer retention, keeps the TTL its first end gave", () =>
    Effect.gen(function*() {
      const redis = yield* admin
      const prefix = `test:again:${randomUUID().slice(0, 8)}:`
      const layer = RedisChannel.layer({ url, prefix })
      const workflow = Workflow.make("w", Task.make("t", (ctx) => ctx.untyped.set("k", 1)))
      yield* Workflow.run(workflow, { runId: "r", durable: true, retention: { expireAfter: "1 minute" } }).pipe(Effect.provide(layer))
      // The same durable run again (it replays its journal), ending with a retention of an hour.
      yield* Workflow.run(workflow, { runId: "r", durable: true, retention: { expireAfter: "1 hour" } }).pipe(Effect.provide(layer))
      for (const key of ["k", "t.__result__"]) {
        expect(yield* Effect.promise(() => redis.pttl(`${prefix}{w/r}:k:${key}`))).toBeLessThanOrEqual(60_000)
      }
    }))

  it.live("a store that spreads a Redis store with a retain, entries or run of its own is read, ended and retained through them", () =>
    Effect.gen(function*() {
      const redis = yield* Channel.Channel
      const seen: Array<string> = []
      const log = (what: string) => Effect.sync(() => void seen.push(what))
      // A decorator over every store: what a run reads at its end, how it ends and the retention it gets pass through it.
      const logging = wrapStores(redis, (store) => ({
        entries: Effect.tap(store.entries, () => log("entries")),
        retain: (retention) => Effect.tap(store.retain(retention), () => log(`retain ${retention._tag}`)),
        run: { ...store.run, end: (owner, outcome) => Effect.tap(store.run.end(owner, outcome), () => log(`end ${outcome.status}`)) }
      }))
      const wrote = Task.make("wrote", (ctx) => Effect.as(ctx.untyped.set("k", 1), "ok"))
      const logged = Effect.provide(Layer.succeed(Channel.Channel, logging))
      const out = yield* Workflow.run(Workflow.make("logged", wrote)).pipe(logged)
      assert.deepStrictEqual(out.channel, { k: 1 })
      assert.deepStrictEqual(seen.splice(0), ["entries", "retain Expire"])
      // A named run: its end, then its retention.
      yield* Workflow.run(Workflow.make("logged", wrote), { runId: randomUUID() }).pipe(logged)
      assert.deepStrictEqual(seen, ["entries", "end completed", "retain Expire"])
      // The store itself, and a plain spread of it, still read, end and retain in one round trip each.
      const own = yield* Effect.scoped(Effect.map(redis.open("plain"), (store) => [
        hasEntriesThenRetain(store),
        hasEntriesThenRetain({ ...store }),
        hasEndThenRetain(store),
        hasEndThenRetain({ ...store })
      ]))
      assert.deepStrictEqual(own, [true, true, true, true])
    }).pipe(Effect.provide(RedisChannel.layer({ url, prefix: `test:wrap:${randomUUID().slice(0, 8)}:` }))))

  it.live("a named run's end record and its retention go in one command, the end first", () =>
    Effect.gen(function*() {
      const client = new Redis(url)
      // Each command sent: its keys and arguments.
      const sent: Array<ReadonlyArray<string>> = []
      const send: Redis["sendCommand"] = client.sendCommand.bind(client)
      Reflect.set(client, "sendCommand", (command: Parameters<Redis["sendCommand"]>[0], stream?: Parameters<Redis["sendCommand"]>[1]) => {
        sent.push(command.args.map(String))
        return send(command, stream)
      })
      const prefix = `test:end:${randomUUID().slice(0, 8)}:`
      const runId = randomUUID()
      yield* Effect.addFinalizer(() => Effect.promise(() => client.quit()))
      const run = (retention: Workflow.RunOptions["retention"]) =>
        Workflow.run(Workflow.make("ended", Task.make("t", (ctx) => Effect.as(ctx.untyped.set("k", 1), "ok"))), { runId, retention }).pipe(
          Effect.provide(RedisChannel.layer({ client, prefix }))
        )
      const keys = namespaceKeys(prefix, `ended/${runId}`)
      const redis = yield* admin
      // The claim is the only command on the run's lease; the retention (on the index, first key) carries the end.
      const onLease = () => sent.filter((args) => args[2] === keys.runLease).length
      const retentions = () => sent.filter((args) => args[2] === keys.index && args.includes("completed"))
      // Connected first: a command queued while connecting is sent again (and would be counted twice).
      yield* Effect.promise(() => client.ping())
      sent.length = 0
      assert.strictEqual((yield* run({ expireAfter: "1 hour" })).results.t, "ok")
      assert.strictEqual(onLease(), 1)
      assert.lengthOf(retentions(), 1)
      assert.strictEqual(yield* Effect.promise(() => redis.hget(keys.runRecord, "status")), "completed")
      expect(yield* Effect.promise(() => redis.pttl(keys.runRecord))).toBeGreaterThan(3_500_000)
      assert.isNull(yield* Effect.promise(() => redis.get(keys.runLease)))
      // The same run again, deleted at its end: one command too, nothing left.
      sent.length = 0
      assert.strictEqual((yield* run("delete")).results.t, "ok")
      assert.strictEqual(onLease(), 1)
      assert.lengthOf(retentions(), 1)
      assert.strictEqual(yield* Effect.promise(() => redis.exists(keys.runRecord, keys.runLease, keys.index)), 0)
    }))

  it.live("commands that go as a group share one socket write: a run's final read with its retention, a claim with its index entry", () =>
    Effect.gen(function*() {
      const client = new Redis(url)
      yield* Effect.addFinalizer(() => Effect.promise(() => client.quit()))
      // Connected first, then each socket write's bytes recorded (a corked group reaches the socket as one writev).
      yield* Effect.promise(() => client.ping())
      const socket = client.stream
      const writes: Array<string> = []
      const write = socket._write.bind(socket)
      const writev = socket._writev?.bind(socket)
      socket._write = (chunk, encoding, callback) => {
        writes.push(String(chunk))
        write(chunk, encoding, callback)
      }
      if (writev !== undefined) {
        socket._writev = (chunks, callback) => {
          writes.push(chunks.map(({ chunk }) => String(chunk)).join(""))
          writev(chunks, callback)
        }
      }
      const prefix = `test:group:${randomUUID().slice(0, 8)}:`
      const workflow = Workflow.make("grouped", Task.make("t", (ctx) => Effect.as(ctx.untyped.set("k", 1), "ok")))
      const layer = RedisChannel.layer({ client, prefix })
      const scripts = (text: string) => text.split(/\r\n(?:eval|evalsha)\r\n/i).length - 1
      // A run without a name: its last write reads the channel and applies the retention (on the index and the journal key).
      const anonymous = yield* Workflow.run(workflow).pipe(Effect.provide(layer))
      assert.deepStrictEqual(anonymous.channel, { k: 1 })
      const keys = namespaceKeys(prefix, `grouped/${anonymous.runId}`)
      const ending = writes.filter((text) => text.includes(keys.journal))
      assert.lengthOf(ending, 1)
      assert.strictEqual(scripts(ending[0]!), 2)
      // A named run: its claim goes with its entry in the workflow's index of runs.
      writes.length = 0
      const runId = randomUUID()
      yield* Workflow.run(workflow, { runId }).pipe(Effect.provide(layer))
      const claims = writes.filter((text) => text.includes(namespaceKeys(prefix, `grouped/${runId}`).runLease))
      assert.isAtLeast(claims.length, 1)
      assert.include(claims[0]!, runsKey(prefix, "grouped"))
    }))

  it.live("two prefixes on one server never see each other's keys", () =>
    Effect.gen(function*() {
      const use = (prefix: string, value: number) =>
        Effect.scoped(Effect.gen(function*() {
          const channel = yield* Channel.open("same")
          yield* channel.set("k", value)
          return { value: yield* channel.get("k"), keys: yield* channel.keys() }
        })).pipe(Effect.provide(RedisChannel.layer({ url, prefix })))
      const id = randomUUID().slice(0, 8)
      const a = yield* use(`test:iso:${id}:a:`, 1)
      const b = yield* use(`test:iso:${id}:a*:`, 2)
      assert.deepStrictEqual(a, { value: 1, keys: ["k"] })
      assert.deepStrictEqual(b, { value: 2, keys: ["k"] })
    }))

  it.live("data another program wrote that is not a channel value is a ChannelError naming the key", () =>
    Effect.gen(function*() {
      const redis = yield* admin
      const prefix = `test:foreign:${randomUUID().slice(0, 8)}:`
      yield* Effect.promise(() => redis.set(`${prefix}{ns}:k:broken`, "{not json"))
      yield* Effect.promise(() => redis.hset(`${prefix}{ns}:k:hash`, "f", "v"))
      yield* Effect.scoped(Effect.gen(function*() {
        const channel = yield* Channel.open("ns")
        const broken = yield* Effect.flip(channel.get("broken"))
        assert.strictEqual(broken._tag, "ChannelError")
        if (broken._tag === "ChannelError") {
          assert.strictEqual(broken.key, "broken")
          expect(broken.message).toContain("not JSON")
        }
        const withDefault = yield* Effect.flip(channel.get("broken", "DEFAULT"))
        assert.strictEqual(withDefault._tag, "ChannelError")
        const hash = yield* Effect.flip(channel.append("hash", 1))
        assert.strictEqual(hash._tag, "ChannelError")
        expect(hash.message).toContain("hash")
      })).pipe(Effect.provide(RedisChannel.layer({ url, prefix })))
    }))

  it.live("a foreign item in a run's response list is skipped with a warning: the valid answer behind it is taken", () =>
    Effect.gen(function*() {
      const redis = yield* admin
      const prefix = `test:foreign:${randomUUID().slice(0, 8)}:`
      const layer = RedisChannel.layer({ url, prefix })
      const waiting = yield* Deferred.make<void>()
      const review = Task.make("review", { awaits: { approval: Schema.Boolean } }, (ctx) =>
        Effect.andThen(Deferred.succeed(waiting, undefined), ctx.waitFor("approval", { timeout: "20 seconds" })))
      const workflow = Workflow.make("foreign-answers", review)
      const warnings: Array<string> = []
      const capture = Logger.make((options) => {
        if (options.logLevel === "Warn") warnings.push(String(Logger.formatLogFmt.log(options)))
      })
      const run = yield* Effect.forkChild(
        Workflow.run(workflow, { runId: "r1" }).pipe(Effect.provide(layer), Effect.provide(Logger.layer([capture])))
      )
      yield* Deferred.await(waiting)
      // Another program pushes what no respond writes: text that is not JSON, and an empty item.
      const list = namespaceKeys(prefix, Workflow.namespace(workflow, "r1")).responses("approval")
      yield* Effect.promise(() => redis.rpush(list, "approved!", ""))
      yield* Workflow.respond(workflow, "r1", "approval", true).pipe(Effect.provide(layer))
      const out = yield* Fiber.join(run)
      assert.strictEqual(out.status, "completed")
      assert.strictEqual(out.status === "completed" ? out.results.review : undefined, true)
      assert.strictEqual(warnings.filter((w) => w.includes("is not a response")).length, 2)
      expect(warnings.join("\n")).toContain("approved!")
    }), 30_000)

  it.live("an answer for a run that has completed or never ran writes no key (none without a TTL either)", () =>
    Effect.gen(function*() {
      const redis = yield* admin
      const prefix = `test:late:${randomUUID().slice(0, 8)}:`
      const layer = RedisChannel.layer({ url, prefix })
      const review = Task.make("review", { awaits: { approval: Schema.Boolean } }, () => "not asked")
      const workflow = Workflow.make("late-answers", review)
      yield* Workflow.run(workflow, { runId: "done" }).pipe(Effect.provide(layer))
      const before = (yield* Effect.promise(() => redis.keys(`${prefix}*`))).sort()
      const late = yield* Effect.flip(Workflow.respond(workflow, "done", "approval", true).pipe(Effect.provide(layer)))
      assert.strictEqual(late._tag, "RunNotWaitingError")
      const typo = yield* Effect.flip(Workflow.respond(workflow, "dnoe", "approval", true).pipe(Effect.provide(layer)))
      assert.strictEqual(typo._tag === "RunNotWaitingError" ? typo.status : typo._tag, undefined)
      const after = (yield* Effect.promise(() => redis.keys(`${prefix}*`))).sort()
      assert.deepStrictEqual(after, before)
      for (const key of after) assert.isAbove(yield* Effect.promise(() => redis.pttl(key)), 0, key)
    }), 30_000)

  it.live("a run's results stay readable from another connection after the run", () =>
    Effect.gen(function*() {
      const prefix = `test:results:${randomUUID().slice(0, 8)}:`
      const workflow = Workflow.make("report", Task.make("total", () => ({ sum: 42 })))
      yield* Workflow.run(workflow, { runId: "r1" }).pipe(Effect.provide(RedisChannel.layer({ url, prefix })))
      const read = yield* Effect.scoped(Effect.gen(function*() {
        const channel = yield* Channel.open("report/r1")
        return yield* channel.get("total.__result__")
      })).pipe(Effect.provide(RedisChannel.layer({ url, prefix })))
      assert.deepStrictEqual(read, { sum: 42 })
    }))

  it.live("a dropped connection: idempotent reads are retried, a non-idempotent append is not repeated", () =>
    Effect.gen(function*() {
      const redis = yield* admin
      const name = `graflow-drop-${randomUUID().slice(0, 8)}`
      /** Kills the channel's connection from the server side, as a network failure would. */
      const dropConnection = Effect.promise(async () => {
        const list = String(await redis.client("LIST"))
        const id = list.split("\n").find((line) => line.includes(`name=${name}`))?.match(/id=(\d+)/)?.[1]
        return id === undefined ? 0 : Number(await redis.call("CLIENT", "KILL", "ID", id))
      })
      yield* Effect.scoped(Effect.gen(function*() {
        const channel = yield* Channel.open("drop")
        yield* channel.set("k", "v")
        assert.strictEqual(yield* dropConnection, 1)
        // The read fails at once on the dead connection and is retried after the reconnect.
        assert.strictEqual(yield* channel.get("k"), "v")
        assert.strictEqual(yield* dropConnection, 1)
        const appended = yield* Effect.exit(channel.append("items", "once"))
        const items = yield* channel.get("items", [])
        // Either it failed (a ChannelError, nothing written) or it ran once: never twice.
        if (Exit.isFailure(appended)) {
          expect(JSON.stringify(appended.cause)).toContain("ChannelError")
          assert.deepStrictEqual(items, [])
        } else {
          assert.deepStrictEqual(items, ["once"])
        }
      })).pipe(Effect.provide(RedisChannel.layer({ url, prefix: "test:drop:", redis: { connectionName: name } })))
    }), 30_000)

  it.live("a holder keeps its lock past the lease (renewed); a crashed holder's lock expires after its lease", () =>
    Effect.gen(function*() {
      const redis = yield* admin
      const prefix = `test:lease:${randomUUID().slice(0, 8)}:`
      yield* Effect.scoped(Effect.gen(function*() {
        const channel = yield* Channel.open("ns")
        const acquired = yield* Deferred.make<void>()
        // The critical section outlasts the 100 ms lease several times over (the sleep is the work, not a sync).
        const holder = yield* channel.lock(
          "k",
          Deferred.succeed(acquired, undefined).pipe(Effect.andThen(Effect.sleep("450 millis")), Effect.as("held"))
        ).pipe(Effect.forkChild)
        yield* Deferred.await(acquired)
        const waiter = yield* Effect.flip(channel.lock("k", Effect.succeed("stolen"), { timeout: "300 millis" }))
        assert.strictEqual(waiter._tag, "LockTimeoutError")
        assert.strictEqual(yield* Fiber.join(holder), "held")

        // A holder that died (a process gone without releasing): its token stays until the lease ends.
        yield* Effect.promise(() => redis.set(`${prefix}{ns}:l:crashed`, "someone-else", "PX", 150))
        const started = Date.now()
        assert.strictEqual(yield* channel.lock("crashed", Effect.succeed("mine"), { timeout: "2 seconds" }), "mine")
        expect(Date.now() - started).toBeGreaterThanOrEqual(100)
      })).pipe(Effect.provide(RedisChannel.layer({ url, prefix, lockLease: "100 millis" })))
    }), 30_000)

  it("two processes adding and appending to one channel leave exact totals", async () => {
    const worker = fileURLToPath(new URL("./fixtures/redis-worker.ts", import.meta.url))
    const namespace = `xproc-${randomUUID()}`
    const run = promisify(execFile)
    await Promise.all([
      run("npx", ["tsx", worker, url, namespace, "A", "300"]),
      run("npx", ["tsx", worker, url, namespace, "B", "300"])
    ])
    const totals = await Effect.runPromise(
      Effect.scoped(Effect.gen(function*() {
        const channel = yield* Channel.open(namespace)
        return { count: yield* channel.get("count"), items: yield* channel.get("items") }
      })).pipe(Effect.provide(RedisChannel.layer({ url, prefix: "test:xproc:" })))
    )
    assert.strictEqual(totals.count, 600)
    const items = totals.items as ReadonlyArray<string>
    assert.strictEqual(items.length, 600)
    assert.strictEqual(new Set(items).size, 600)
  }, 60_000)
})
