/**
 * RedisChannel under faults and adversarial input, each on a throwaway
 * redis-server of its own: a keyspace full of unrelated keys, retention,
 * prefixes that extend each other, locks whose commands are in flight when the
 * caller gives up or the connection drops, bad URLs and credentials, and a
 * server that stops answering (SIGSTOP).
 */
import { assert, describe, expect, it } from "@effect/vitest"
import { Cause, ConfigProvider, Deferred, Effect, Exit, Fiber, Layer, Logger, Option, Scope } from "effect"
import { Redis } from "ioredis"
import { createServer, type Server } from "node:net"
import { inspect } from "node:util"
import { Channel, Task, Workflow } from "../src/index.js"
import * as RedisChannel from "../src/RedisChannel.js"
import { acquireClient, commandTimeoutOfClient } from "../src/internal/redis/connection.js"
import { adminClient, type RedisServer, throwawayServer } from "./support/redis.js"

const server = throwawayServer
const admin = (s: RedisServer) => adminClient(s.url)

const scans = (redis: Redis) =>
  Effect.promise(async () => {
    const stats = String(await redis.info("commandstats"))
    return Number(/cmdstat_scan:calls=(\d+)/.exec(stats)?.[1] ?? 0)
  })

describe("RedisChannel: cost independent of the database", () => {
  it.live("keys, entries, clear and a run's end read the namespace's index, never the keyspace", () =>
    Effect.gen(function*() {
      const s = yield* server(["--enable-debug-command", "local"])
      const redis = yield* admin(s)
      // Unrelated data, as a shared Redis has.
      yield* Effect.promise(() => redis.call("DEBUG", "POPULATE", "50000", "unrelated"))
      const layer = RedisChannel.layer({ url: s.url, prefix: "idx:" })
      const before = yield* scans(redis)
      const out = yield* Effect.scoped(Effect.gen(function*() {
        const channel = yield* Channel.open("ns")
        yield* channel.set("a", 1)
        yield* channel.append("l", "x")
        yield* channel.set("gone", 1, { ttl: 1 })
        yield* Effect.sleep("5 millis")
        const keys = [...(yield* channel.keys())].sort()
        yield* channel.clear()
        return { keys, after: yield* channel.keys() }
      })).pipe(Effect.provide(layer))
      assert.deepStrictEqual(out, { keys: ["a", "l"], after: [] })
      const run = yield* Workflow.run(Workflow.make("w", Task.make("t", (ctx) => ctx.untyped.set("k", 1))))
        .pipe(Effect.provide(layer))
      assert.deepStrictEqual(run.channel, { k: 1 })
      assert.strictEqual(yield* scans(redis), before)
    }), 60_000)

  it.live("the index forgets keys that expired; a key deleted by another program is listed no more", () =>
    Effect.gen(function*() {
      const s = yield* server()
      const redis = yield* admin(s)
      yield* Effect.scoped(Effect.gen(function*() {
        const channel = yield* Channel.open("ns")
        for (let i = 0; i < 100; i++) yield* channel.set(`cache:${i}`, i, { ttl: 1 })
        yield* Effect.sleep("10 millis")
        yield* channel.set("kept", 1)
        // A write with a TTL drops the index entries of keys that have expired: the index does not grow with
        // them (only writes with a TTL add entries that expire).
        yield* channel.set("fresh", 1, { ttl: "1 hour" })
        assert.strictEqual(yield* Effect.promise(() => redis.zcard("gf:{ns}:i:")), 2)
        yield* channel.delete("fresh")
        yield* channel.set("other", 2)
        yield* Effect.promise(() => redis.del("gf:{ns}:k:other"))
        assert.deepStrictEqual(yield* channel.keys(), ["kept"])
        // Its entry is kept (a key missing for a moment — a cluster's slot moving — must not leave the index for
        // good): it goes with the namespace's retention.
        assert.strictEqual(yield* Effect.promise(() => redis.zcard("gf:{ns}:i:")), 2)
      })).pipe(Effect.provide(RedisChannel.layer({ url: s.url, prefix: "gf:" })))
    }))
})

describe("RedisChannel: retention", () => {
  it.live("by default a finished run's keys, results, index and record expire after a day", () =>
    Effect.gen(function*() {
      const s = yield* server()
      const redis = yield* admin(s)
      yield* Workflow.run(Workflow.make("w", Task.make("t", (ctx) => Effect.as(ctx.untyped.set("k", 1), "done"))), {
        runId: "r"
      }).pipe(Effect.provide(RedisChannel.layer({ url: s.url, prefix: "ret:" })))
      const keys = (yield* Effect.promise(() => redis.keys("ret:*"))).sort()
      // And the workflow's index of runs (listRuns), which lasts as long as its runs.
      expect(keys).toEqual(["ret::runs:w", "ret:{w/r}:i:", "ret:{w/r}:k:k", "ret:{w/r}:k:t.__result__", "ret:{w/r}:run:"])
      for (const key of keys) {
        const ttl = yield* Effect.promise(() => redis.pttl(key))
        expect(ttl).toBeGreaterThan(86_400_000 - 60_000)
        expect(ttl).toBeLessThanOrEqual(86_400_000)
      }
    }))

  it.live("a key with a shorter TTL keeps it; the layer's retention and the run's override apply", () =>
    Effect.gen(function*() {
      const s = yield* server()
      const redis = yield* admin(s)
      const workflow = Workflow.make("w", Task.make("t", (ctx) => ctx.untyped.set("short", 1, { ttl: "1 minute" })))
      const deleting = RedisChannel.layer({ url: s.url, prefix: "del:", retention: "delete" })
      yield* Workflow.run(workflow, { runId: "r" }).pipe(Effect.provide(deleting))
      expect(yield* Effect.promise(() => redis.keys("del:*"))).toEqual([])
      yield* Workflow.run(workflow, { runId: "kept", retention: "keep" }).pipe(Effect.provide(deleting))
      expect(yield* Effect.promise(() => redis.pttl("del:{w/kept}:k:t.__result__"))).toBe(-1)
      const weekly = RedisChannel.layer({ url: s.url, prefix: "week:", retention: { expireAfter: "7 days" } })
      yield* Workflow.run(workflow, { runId: "r" }).pipe(Effect.provide(weekly))
      expect(yield* Effect.promise(() => redis.pttl("week:{w/r}:k:t.__result__"))).toBeGreaterThan(6 * 86_400_000)
      expect(yield* Effect.promise(() => redis.pttl("week:{w/r}:k:short"))).toBeLessThanOrEqual(60_000)
      yield* Workflow.deleteRun(workflow, "r").pipe(Effect.provide(weekly))
      expect(yield* Effect.promise(() => redis.keys("week:*"))).toEqual([])
    }))
})

describe("RedisChannel: prefixes and names", () => {
  it.live("a prefix that extends another never sees, reads or clears the other's keys", () =>
    Effect.gen(function*() {
      const s = yield* server()
      const use = <A, E>(prefix: string, body: (channel: Channel.Untyped) => Effect.Effect<A, E>) =>
        Effect.scoped(Effect.flatMap(Channel.open(prefix === "g:" ? "a" : "x"), body)).pipe(
          Effect.provide(RedisChannel.layer({ url: s.url, prefix }))
        )
      // Without escaping, "g:" + "a" + ":k:" + "x:k:y" and "g:a:k:" + "x" + ":k:" + "y" would be one key.
      yield* use("g:", (ch) => Effect.andThen(ch.set("x:k:y", "outer"), ch.set("k", "outer k")))
      yield* use("g:a:k:", (ch) => Effect.andThen(ch.set("y", "inner"), ch.set("k", "inner k")))
      assert.deepStrictEqual(yield* use("g:", (ch) => Effect.map(ch.keys(), (keys) => [...keys].sort())), ["k", "x:k:y"])
      assert.deepStrictEqual(yield* use("g:a:k:", (ch) => Effect.map(ch.keys(), (keys) => [...keys].sort())), ["k", "y"])
      yield* use("g:", (ch) => ch.clear())
      assert.deepStrictEqual(yield* use("g:a:k:", (ch) => ch.get("y")), "inner")
      assert.deepStrictEqual(yield* use("g:a:k:", (ch) => ch.get("k")), "inner k")
      // "g" is "g:": a prefix always ends in ":".
      yield* use("g:a:k:", (ch) => ch.set("z", 1))
      assert.deepStrictEqual(
        yield* Effect.scoped(Effect.flatMap(Channel.open("x"), (ch) => ch.get("z"))).pipe(
          Effect.provide(RedisChannel.layer({ url: s.url, prefix: "g:a:k" }))
        ),
        1
      )
    }))
})

/** DEBUG SLEEP stalls the server, as a slow or overloaded one would. */
const debuggable = ["--enable-debug-command", "local"]

describe("RedisChannel: locks are never held by nobody", () => {
  it.live("an acquisition interrupted while its SET NX is in flight releases the lock it took", () =>
    Effect.gen(function*() {
      const s = yield* server(debuggable)
      const redis = yield* admin(s)
      yield* Effect.scoped(Effect.gen(function*() {
        const channel = yield* Channel.open("ns")
        // The server sleeps: the SET NX below waits in its queue, then runs after all.
        const sleeping = Effect.promise(() => redis.call("DEBUG", "SLEEP", "0.4"))
        const stall = yield* Effect.forkChild(sleeping)
        yield* Effect.sleep("50 millis")
        const acquiring = yield* channel.lock("k", Effect.succeed("never"), { timeout: "5 seconds" }).pipe(Effect.forkChild)
        yield* Effect.sleep("50 millis")
        yield* Fiber.interrupt(acquiring)
        yield* Fiber.join(stall)
        // With the ghost lock, this would wait for the whole 30 s lease.
        const started = Date.now()
        assert.strictEqual(yield* channel.lock("k", Effect.succeed("mine"), { timeout: "2 seconds" }), "mine")
        expect(Date.now() - started).toBeLessThan(1000)
      })).pipe(Effect.provide(RedisChannel.layer({ url: s.url, prefix: "lk:" })))
    }), 30_000)

  it.live("an acquisition whose timeout passes while its SET NX is in flight gets the answer: the lock, released after", () =>
    Effect.gen(function*() {
      const s = yield* server(debuggable)
      const redis = yield* admin(s)
      yield* Effect.scoped(Effect.gen(function*() {
        const channel = yield* Channel.open("ns")
        const stall = yield* Effect.forkChild(Effect.promise(() => redis.call("DEBUG", "SLEEP", "0.3")))
        yield* Effect.sleep("50 millis")
        assert.strictEqual(yield* channel.lock("k", Effect.succeed("taken"), { timeout: "20 millis" }), "taken")
        yield* Fiber.join(stall)
        assert.strictEqual(yield* channel.lock("k", Effect.succeed("free"), { timeout: 0 }), "free")
        assert.deepStrictEqual(yield* Effect.promise(() => redis.keys("lk:*:l:*")), [])
      })).pipe(Effect.provide(RedisChannel.layer({ url: s.url, prefix: "lk:" })))
    }), 30_000)

  it.live("an unlock that fails on a dropped connection is retried until it gets through", () =>
    Effect.gen(function*() {
      const s = yield* server()
      const redis = yield* admin(s)
      const name = "graflow-unlock"
      const killConnection = Effect.promise(async () => {
        const list = String(await redis.client("LIST"))
        const id = list.split("\n").find((line) => line.includes(`name=${name}`))?.match(/id=(\d+)/)?.[1]
        if (id !== undefined) await redis.call("CLIENT", "KILL", "ID", id)
      })
      const holderLayer = RedisChannel.layer({ url: s.url, prefix: "lk:", redis: { connectionName: name } })
      const otherLayer = RedisChannel.layer({ url: s.url, prefix: "lk:" })
      const inside = yield* Deferred.make<void>()
      const killed = yield* Deferred.make<void>()
      const holder = yield* Effect.scoped(Effect.gen(function*() {
        const channel = yield* Channel.open("ns")
        yield* channel.lock("k", Effect.andThen(Deferred.succeed(inside, undefined), Deferred.await(killed)))
        // Stay connected while the release retries in the background.
        yield* Effect.sleep("2 seconds")
      })).pipe(Effect.provide(holderLayer), Effect.forkChild)
      yield* Deferred.await(inside)
      yield* killConnection
      yield* Deferred.succeed(killed, undefined)
      const started = Date.now()
      const got = yield* Effect.scoped(Effect.flatMap(Channel.open("ns"), (channel) =>
        channel.lock("k", Effect.succeed("mine"), { timeout: "5 seconds" }))).pipe(Effect.provide(otherLayer))
      assert.strictEqual(got, "mine")
      // The lease is 30 s: the lock was released as soon as the holder's connection was back.
      expect(Date.now() - started).toBeLessThan(3000)
      yield* Fiber.join(holder)
    }), 30_000)
})

/** Everything a failed connect shows to people and tools: the message, Cause.pretty, inspect, JSON, the log. */
const everythingShown = (layer: Layer.Layer<Channel.Channel, unknown>) =>
  Effect.gen(function*() {
    const lines: Array<string> = []
    const capture = Logger.make((options) => {
      lines.push(String(Logger.formatLogFmt.log(options)))
    })
    const exit = yield* Effect.exit(Effect.scoped(Layer.build(layer)))
    assert.isTrue(Exit.isFailure(exit))
    if (!Exit.isFailure(exit)) return { message: "", shown: "" }
    yield* Effect.logError("connect failed", exit.cause).pipe(Effect.provide(Logger.layer([capture])))
    const error = Cause.findErrorOption(exit.cause)
    const message = Option.isSome(error) && error.value instanceof Error ? error.value.message : ""
    const shown = [message, Cause.pretty(exit.cause), inspect(exit.cause, { depth: 20 }), JSON.stringify(exit.cause), ...lines]
      .join("\n")
    return { message, shown }
  })

const silentServer = Effect.acquireRelease(
  Effect.promise(() =>
    new Promise<Server>((resolve) => {
      // It reads (so it sees the client close) and never writes.
      const s = createServer((socket) => socket.resume())
      s.listen(0, "127.0.0.1", () => resolve(s))
    })
  ),
  (s) => Effect.promise(() => new Promise<void>((resolve) => s.close(() => resolve())))
)

describe("RedisChannel: connect failures say why, and never show credentials", () => {
  const fast = { connectTimeout: 500 }

  it.live("a malformed URL", () =>
    Effect.gen(function*() {
      const { message, shown } = yield* everythingShown(RedisChannel.layer({ url: "redis://user:secret@127.0.0.1:notaport" }))
      expect(message).toBe(
        `channel connect failed: invalid Redis URL "redis://user:***@127.0.0.1:notaport": it does not parse (check the port and special characters)`
      )
      expect(shown).not.toContain("secret")
      const scheme = yield* everythingShown(RedisChannel.layer({ url: "http://u:secret@127.0.0.1:1" }))
      expect(scheme.message).toContain("the scheme must be redis:// or rediss://")
      expect(scheme.shown).not.toContain("secret")
    }))

  it.live("a refused connection and an unknown host", () =>
    Effect.gen(function*() {
      const refused = yield* everythingShown(RedisChannel.layer({ url: "redis://:secret@127.0.0.1:1", redis: fast }))
      expect(refused.message).toBe("channel connect failed: connection refused (no Redis listening at redis://:***@127.0.0.1:1)")
      expect(refused.shown).not.toContain("secret")
      const unknown = yield* everythingShown(RedisChannel.layer({ url: "redis://:secret@nosuchhost.invalid:6379", redis: fast }))
      expect(unknown.message).toBe("channel connect failed: unknown host in redis://:***@nosuchhost.invalid:6379")
      expect(unknown.shown).not.toContain("secret")
    }))

  it.live("a wrong password (ioredis's error carries the AUTH arguments: they are not shown)", () =>
    Effect.gen(function*() {
      const s = yield* server(["--requirepass", "right-password"])
      const { message, shown } = yield* everythingShown(
        RedisChannel.layer({ url: `redis://default:secret@127.0.0.1:${s.port}`, redis: fast })
      )
      expect(message).toContain("authentication failed")
      expect(message).toContain("WRONGPASS")
      expect(shown).not.toContain("secret")
      const none = yield* everythingShown(RedisChannel.layer({ url: s.url, redis: fast }))
      expect(none.message).toContain("authentication failed")
    }))

  it.live("a server that accepts the connection and never answers", () =>
    Effect.gen(function*() {
      const silent = yield* silentServer
      const address = silent.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      const { message, shown } = yield* everythingShown(
        RedisChannel.layer({ url: `redis://:secret@127.0.0.1:${port}`, commandTimeout: "300 millis", redis: fast })
      )
      expect(message).toBe(
        `channel connect failed: redis://:***@127.0.0.1:${port} accepted the connection but did not answer within 300 ms (commandTimeout)`
      )
      expect(shown).not.toContain("secret")
    }), 30_000)

  it.live("REDIS_URL is read as a secret", () =>
    Effect.gen(function*() {
      const config = ConfigProvider.layer(ConfigProvider.fromUnknown({ REDIS_URL: "redis://:secret@127.0.0.1:1" }))
      const { message, shown } = yield* everythingShown(RedisChannel.layerConfig.pipe(Layer.provide(config)))
      expect(message).toContain("connection refused")
      expect(shown).not.toContain("secret")
    }))
})

describe("RedisChannel: a server that stops answering", () => {
  it.live("every operation and a run fail with ChannelError after the command timeout, instead of waiting forever", () =>
    Effect.gen(function*() {
      const s = yield* server()
      const layer = RedisChannel.layer({ url: s.url, prefix: "stop:", commandTimeout: "200 millis" })
      yield* Effect.scoped(Effect.gen(function*() {
        const channel = yield* Channel.open("ns")
        yield* channel.set("k", 1)
        process.kill(s.pid, "SIGSTOP")
        const started = Date.now()
        const ops: ReadonlyArray<Effect.Effect<unknown, unknown>> = [channel.get("k"), channel.set("k", 2), channel.append("l", 1), channel.keys()]
        for (const op of ops) {
          const error = yield* Effect.flip(op)
          expect(error).toMatchObject({ _tag: "ChannelError" })
          expect((error as Error).message).toContain("did not answer within 200 ms")
        }
        // Reads and sets are not retried after a timeout: four operations, four timeouts.
        expect(Date.now() - started).toBeLessThan(4 * 200 + 1500)
        // Sets made at once (one script call) each fail with their own key.
        const together = yield* Effect.all(["x", "y", "z"].map((key) => Effect.flip(channel.set(key, key))), { concurrency: "unbounded" })
        expect(together.map((error) => [error._tag, error.key])).toEqual([["ChannelError", "x"], ["ChannelError", "y"], ["ChannelError", "z"]])
        const run = yield* Effect.flip(Workflow.run(Workflow.make("w", Task.make("t", (ctx) => ctx.untyped.get("k")))))
        expect(run._tag === "TaskFailed" || run._tag === "ChannelError").toBe(true)
        process.kill(s.pid, "SIGCONT")
        // Once the server answers again, so does the channel (the set given up on may have been applied).
        expect([1, 2]).toContain(yield* channel.get("k"))
      })).pipe(Effect.provide(layer))
    }), 30_000)

  it.live("each command has its own deadline: one sent later fails later, one answered in time never fails", () =>
    Effect.gen(function*() {
      const s = yield* server()
      const layer = RedisChannel.layer({ url: s.url, prefix: "stop:", commandTimeout: "300 millis" })
      yield* Effect.scoped(Effect.gen(function*() {
        const channel = yield* Channel.open("ns")
        // Many commands answered in time first: none of them fails later.
        for (let i = 0; i < 2000; i++) yield* channel.set(`k${i % 10}`, i)
        process.kill(s.pid, "SIGSTOP")
        const timed = (op: Effect.Effect<unknown, unknown>) =>
          Effect.gen(function*() {
            const sent = Date.now()
            const error = yield* Effect.flip(op)
            return { sent, failed: Date.now(), error }
          })
        const first = yield* Effect.forkChild(timed(channel.get("k1")))
        yield* Effect.sleep("150 millis") // the second command is sent 150 ms after the first
        const second = yield* Effect.forkChild(timed(channel.get("k2")))
        const a = yield* Fiber.join(first)
        const b = yield* Fiber.join(second)
        process.kill(s.pid, "SIGCONT")
        for (const { sent, failed, error } of [a, b]) {
          expect(error).toMatchObject({ _tag: "ChannelError" })
          expect(failed - sent).toBeGreaterThanOrEqual(299)
          expect(failed - sent).toBeLessThan(300 + 250)
        }
        // The second failed at its own deadline, not with the first.
        expect(b.failed - a.failed).toBeGreaterThanOrEqual(100)
        expect(yield* channel.get("k9")).toBe(1999)
      })).pipe(Effect.provide(layer))
    }), 30_000)

  it.live("every layer names its command timeout in a timeout's message (with checkpoints too)", () =>
    Effect.gen(function*() {
      const s = yield* server()
      for (const layer of [
        RedisChannel.layer({ url: s.url, prefix: "stop:", commandTimeout: "200 millis" }),
        RedisChannel.layerWithCheckpoints({ url: s.url, prefix: "stop2:", commandTimeout: "200 millis" })
      ]) {
        const message = yield* Effect.scoped(Effect.gen(function*() {
          const channel = yield* Channel.open("ns")
          yield* channel.set("k", 1)
          process.kill(s.pid, "SIGSTOP")
          const error = yield* Effect.flip(channel.get("k"))
          process.kill(s.pid, "SIGCONT")
          return error.message
        })).pipe(Effect.provide(layer))
        expect(message).toContain("did not answer within 200 ms (commandTimeout)")
      }
    }), 30_000)
})

describe("RedisChannel: our own client's command timeout (one timer for all its commands)", () => {
  /** The commands a client of ours still holds (sent, and not yet let go of). */
  const held = (client: Redis): number => {
    const inFlight: unknown = Reflect.get(client, "inFlight")
    const head: unknown = Reflect.get(client, "head")
    return Array.isArray(inFlight) && typeof head === "number" ? inFlight.length - head : Number.NaN
  }

  it.live("says its timeout, lets go of answered commands (and their replies) soon after, and takes any duration", () =>
    Effect.gen(function*() {
      const s = yield* server()
      const scope = yield* Scope.make()
      const client = yield* acquireClient(s.url, { commandTimeout: 5_000 }).pipe(Scope.provide(scope))
      expect(commandTimeoutOfClient(client)).toBe(5_000)
      const big = "x".repeat(1 << 20)
      yield* Effect.promise(() => Promise.all(Array.from({ length: 16 }, (_, i) => client.set(`big${i}`, big))))
      yield* Effect.promise(() => Promise.all(Array.from({ length: 16 }, (_, i) => client.get(`big${i}`))))
      // Not until the timeout (5 s): within a sweep (0.1 s).
      yield* Effect.sleep("400 millis")
      expect(held(client)).toBe(0)
      yield* Scope.close(scope, Exit.void)

      // A timeout longer than a timer can wait (2^31 - 1 ms) is a bound like any other: no warning, no early failure.
      const warnings: Array<string> = []
      const listen = (warning: Error) => warnings.push(warning.name)
      process.on("warning", listen)
      const long = yield* Scope.make()
      const patient = yield* acquireClient(s.url, { commandTimeout: 40 * 24 * 3600 * 1000 }).pipe(Scope.provide(long))
      yield* Effect.promise(() => patient.set("k", "v"))
      expect(yield* Effect.promise(() => patient.get("k"))).toBe("v")
      yield* Effect.sleep("200 millis")
      process.off("warning", listen)
      yield* Scope.close(long, Exit.void)
      expect(warnings).not.toContain("TimeoutOverflowWarning")
    }), 30_000)
})
