/**
 * The channel conformance suite: the behaviour every backend must have, written
 * once and run against each backend (MemoryChannel with TestClock, RedisChannel
 * on a real redis-server with real, short expiries).
 */
import { assert, describe, expect, it } from "@effect/vitest"
import { Cause, Deferred, Duration, Effect, Exit, Fiber, type Layer, Option, Schema, type Scope } from "effect"
import { TestClock } from "effect/testing"
import { randomUUID } from "node:crypto"
import { Channel, ChannelBackend } from "../../src/index.js"
import { MAX_DEPTH } from "../../src/internal/json.js"

export interface Subject {
  readonly name: string
  /** A layer of the backend; it is built once per test. */
  readonly layer: Layer.Layer<Channel.Channel, unknown>
  /** "test": time is TestClock (memory); "live": real time (a real server). */
  readonly clock: "test" | "live"
}

interface Env {
  /** Lets `d` pass: TestClock.adjust, or a real wait for a server-side expiry. */
  readonly advance: (d: Duration.Input) => Effect.Effect<void>
  /** Opens another namespace of the same backend. */
  readonly open: (namespace: string) => Effect.Effect<Channel.Untyped, unknown, Channel.Channel | Scope.Scope>
  /** The raw store of the channel under test (to write result keys as the engine does). */
  readonly store: ChannelBackend.ChannelStore
  /** A namespace name unique to this test, with `suffix` appended. */
  readonly unique: (suffix: string) => string
}

type Body = (channel: Channel.Untyped, env: Env) => Effect.Effect<void, unknown, Channel.Channel | Scope.Scope>

const sorted = (keys: ReadonlyArray<string>) => [...keys].sort()

export const channelConformance = (subject: Subject) => {
  const live = subject.clock === "live"
  /** TTLs the suite uses: exact in test time, short but with margin in real time. */
  const ttl = live ? 200 : 1000
  const margin = live ? 150 : 1

  const test = (name: string, body: Body, timeout?: number) => {
    const run = live ? it.live : it.effect
    run(
      name,
      () =>
        Effect.gen(function*() {
          const base = `conformance/${randomUUID()}`
          const backend = yield* Channel.Channel
          const store = yield* backend.open(base)
          const channel = yield* Channel.open(base)
          const env: Env = {
            advance: (d) => live ? Effect.sleep(d) : TestClock.adjust(d),
            open: (namespace) => Channel.open(namespace),
            store,
            unique: (suffix) => `${base}${suffix}`
          }
          yield* body(channel, env)
        }).pipe(Effect.provide(subject.layer)),
      timeout
    )
  }

  describe(`channel conformance: ${subject.name}`, () => {
    describe("get and set", () => {
      test("get of a missing key fails with KeyNotFoundError naming the key", (ch) =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(ch.get("nope"))
          assert.strictEqual(error._tag, "KeyNotFoundError")
          assert.strictEqual(error.key, "nope")
        }))

      test("get with a default returns the default untouched, whatever it is", (ch) =>
        Effect.gen(function*() {
          const fallback = { not: "validated", fn: () => 1 }
          assert.strictEqual(yield* ch.get("nope", fallback), fallback)
          assert.strictEqual(yield* ch.get("nope", undefined), undefined)
          assert.strictEqual(yield* ch.get("nope", 0), 0)
          assert.deepStrictEqual(yield* ch.getOption("nope"), Option.none())
        }))

      test("set with null options (plain JavaScript) is a set without options", (ch) =>
        Effect.gen(function*() {
          // As plain JavaScript calls it: the types allow no null.
          const written: unknown = Reflect.apply(ch.set, ch, ["plain", 1, null])
          assert.isTrue(Effect.isEffect(written))
          if (Effect.isEffect(written)) yield* Effect.asVoid(Effect.orDie(written as Effect.Effect<unknown, unknown>))
          assert.strictEqual(yield* ch.get("plain"), 1)
        }))

      test("set then get round-trips JSON values", (ch) =>
        Effect.gen(function*() {
          const values: ReadonlyArray<unknown> = [
            "user_123",
            95.5,
            -3,
            0,
            true,
            false,
            null,
            [],
            {},
            [1, "two", null, [3], { four: 4 }],
            { name: "Alice", age: 30, tags: ["a", "b"], nested: { deep: { deeper: [true] } } },
            "",
            "üñí©ødé ✓ 😀"
          ]
          for (const [i, value] of values.entries()) {
            yield* ch.set(`k${i}`, value)
            assert.deepStrictEqual(yield* ch.get(`k${i}`), value)
            assert.deepStrictEqual(yield* ch.getOption(`k${i}`), Option.some(value))
          }
        }))

      test("a key set to undefined or null exists, and get returns it, not the default", (ch) =>
        Effect.gen(function*() {
          yield* ch.set("u", undefined)
          yield* ch.set("n", null)
          assert.isTrue(yield* ch.exists("u"))
          assert.isTrue(yield* ch.exists("n"))
          assert.strictEqual(yield* ch.get("u", "D"), undefined)
          assert.strictEqual(yield* ch.get("n", "D"), null)
          assert.deepStrictEqual(yield* ch.getOption("u"), Option.some(undefined))
        }))

      test("set overwrites; what get returns is a frozen snapshot the writer cannot change", (ch) =>
        Effect.gen(function*() {
          const value = { a: [1], b: { c: 2 } }
          yield* ch.set("k", value)
          value.a.push(99)
          value.b.c = 99
          const read = yield* ch.get("k")
          assert.deepStrictEqual(read, { a: [1], b: { c: 2 } })
          assert.isTrue(Object.isFrozen(read))
          yield* ch.set("k", "replaced")
          assert.strictEqual(yield* ch.get("k"), "replaced")
        }))

      test("-0 is stored as 0 (JSON has one zero)", (ch) =>
        Effect.gen(function*() {
          yield* ch.set("z", -0)
          assert.isTrue(Object.is(yield* ch.get("z"), 0))
        }))

      test("exists and delete report whether the key had a value", (ch) =>
        Effect.gen(function*() {
          assert.isFalse(yield* ch.exists("k"))
          yield* ch.set("k", 1)
          assert.isTrue(yield* ch.exists("k"))
          assert.isTrue(yield* ch.delete("k"))
          assert.isFalse(yield* ch.delete("k"))
          assert.isFalse(yield* ch.exists("k"))
          yield* ch.append("l", 1)
          assert.isTrue(yield* ch.exists("l"))
          assert.isTrue(yield* ch.delete("l"))
          assert.isFalse(yield* ch.exists("l"))
        }))

      test("keys lists the live keys, result keys left out; clear keeps the results", (ch, env) =>
        Effect.gen(function*() {
          assert.deepStrictEqual(yield* ch.keys(), [])
          yield* ch.set("k3", 1)
          yield* ch.set("k1", 1)
          yield* ch.append("k2", 1)
          yield* env.store.set("task.__result__", 42, undefined)
          assert.deepStrictEqual(sorted(yield* ch.keys()), ["k1", "k2", "k3"])
          assert.strictEqual(yield* ch.get("task.__result__"), 42)
          yield* ch.delete("k3")
          assert.deepStrictEqual(sorted(yield* ch.keys()), ["k1", "k2"])
          yield* ch.clear()
          assert.deepStrictEqual(yield* ch.keys(), [])
          assert.isFalse(yield* ch.exists("k1"))
          assert.isFalse(yield* ch.exists("k2"))
          assert.strictEqual(yield* ch.get("task.__result__"), 42)
        }))

      test("entries lists the live keys with their values, lists as arrays", (_ch, env) =>
        Effect.gen(function*() {
          yield* env.store.set("a", { x: 1 }, undefined)
          yield* env.store.append("b", "one", undefined)
          yield* env.store.append("b", "two", undefined)
          yield* env.store.set("t.__result__", 1, undefined)
          const entries = [...(yield* env.store.entries)].sort(([a], [b]) => a.localeCompare(b))
          assert.deepStrictEqual(entries, [["a", { x: 1 }], ["b", ["one", "two"]]])
        }))

      test("keys with odd characters work and are listed as written", (ch) =>
        Effect.gen(function*() {
          const odd = ["a:b", "*", "a*", "?", "[x]", "[", "]", "\\", "back\\slash*", "sp ace", "ünï", "", "{}", "a.b", "%"]
          for (const key of odd) yield* ch.set(key, key)
          for (const key of odd) assert.strictEqual(yield* ch.get(key), key)
          assert.deepStrictEqual(sorted(yield* ch.keys()), sorted(odd))
          assert.isTrue(yield* ch.delete("*"))
          assert.strictEqual(yield* ch.get("a*"), "a*")
          assert.strictEqual((yield* ch.keys()).length, odd.length - 1)
        }))

      test("keys that differ only in lone surrogates, or only by an escape, stay apart and list as written", (ch) =>
        Effect.gen(function*() {
          // UTF-8 cannot hold a lone surrogate: sent as is, both would become U+FFFD and one key.
          const keys = ["\uD800", "\uDBFF", "\uDC00", "\uFFFD", "x\uD800y", "😀", "\uD83D", "a:b", "a%3Ab", "a%b", "%25", "%u0041", "A"]
          for (const [i, key] of keys.entries()) yield* ch.set(key, i)
          for (const [i, key] of keys.entries()) assert.strictEqual(yield* ch.get(key), i)
          assert.deepStrictEqual(sorted(yield* ch.keys()), sorted(keys))
          assert.isTrue(yield* ch.delete("\uD800"))
          assert.strictEqual(yield* ch.get("\uDBFF"), 1)
          yield* ch.append("\uDC00list", "x")
          assert.strictEqual(yield* ch.atomicAdd("\uDC01n", 2), 2)
          assert.deepStrictEqual(yield* ch.get("\uDC00list"), ["x"])
        }))

      test("an object key \"__proto__\" is data: kept, and never the prototype of what is read", (ch) =>
        Effect.gen(function*() {
          const value: unknown = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}')
          yield* ch.set("k", value)
          yield* ch.append("list", value)
          for (const read of [yield* ch.get("k"), ((yield* ch.get("list")) as ReadonlyArray<unknown>)[0]]) {
            assert.isTrue(typeof read === "object" && read !== null)
            if (typeof read !== "object" || read === null) return
            assert.strictEqual(Object.getPrototypeOf(read), Object.prototype)
            assert.deepStrictEqual(Object.keys(read), ["__proto__", "a"])
            assert.deepStrictEqual(Object.getOwnPropertyDescriptor(read, "__proto__")?.value, { polluted: true })
            assert.isUndefined(Reflect.get(read, "polluted"))
          }
        }))
    })

    describe("bad input: a typed error, and nothing written", () => {
      const bad: ReadonlyArray<readonly [string, unknown, ReadonlyArray<string | number>]> = [
        ["a function", () => 1, []],
        ["a Date", new Date(0), []],
        ["a Map", new Map(), []],
        ["a class instance", new (class Point {
          x = 1
        })(), []],
        ["NaN", Number.NaN, []],
        ["Infinity", Number.POSITIVE_INFINITY, []],
        ["a bigint", 10n, []],
        ["a symbol", Symbol("s"), []],
        ["undefined in an array", [1, undefined], [1]],
        ["an array hole", [1, , 3], [1]], // eslint-disable-line no-sparse-arrays
        ["a nested function", { config: { onDone: () => 1 } }, ["config", "onDone"]]
      ]
      for (const [what, value, path] of bad) {
        test(`set of ${what} fails with InvalidValueError at ${JSON.stringify(path)}; the old value stays`, (ch) =>
          Effect.gen(function*() {
            yield* ch.set("k", "old")
            const error = yield* Effect.flip(ch.set("k", value))
            assert.strictEqual(error._tag, "InvalidValueError")
            if (error._tag !== "InvalidValueError") return
            assert.strictEqual(error.key, "k")
            assert.deepStrictEqual(error.issues[0]?.path, path)
            assert.strictEqual(yield* ch.get("k"), "old")
            const appended = yield* Effect.flip(ch.append("list", value))
            assert.strictEqual(appended._tag, "InvalidValueError")
            assert.isFalse(yield* ch.exists("list"))
          }))
      }

      const nested = (depth: number): unknown => {
        let value: unknown = 1
        for (let i = 0; i < depth; i++) value = { v: value }
        return value
      }

      test(`a value nested up to ${MAX_DEPTH} levels is stored; deeper fails with InvalidValueError, never a throw`, (ch) =>
        Effect.gen(function*() {
          yield* ch.set("deep", nested(MAX_DEPTH))
          const read = yield* ch.get("deep")
          let depth = 0
          for (let v: unknown = read; typeof v === "object" && v !== null; v = Reflect.get(v, "v")) depth++
          assert.strictEqual(depth, MAX_DEPTH)
          for (const levels of [MAX_DEPTH + 1, 5000, 100_000]) {
            const error = yield* Effect.flip(ch.set("too-deep", nested(levels)))
            assert.strictEqual(error._tag, "InvalidValueError")
            expect(error.message).toContain("nested more than")
            assert.strictEqual((yield* Effect.flip(ch.append("too-deep", nested(levels))))._tag, "InvalidValueError")
          }
          // A stored snapshot nested inside new levels is measured too.
          const error = yield* Effect.flip(ch.set("too-deep", { wrap: read }))
          assert.strictEqual(error._tag, "InvalidValueError")
          // So is a part of one (a value read is a snapshot as a whole; its parts are measured when stored).
          const part = Reflect.get(read as object, "v")
          assert.strictEqual((yield* Effect.flip(ch.set("too-deep", { a: { b: part } })))._tag, "InvalidValueError")
          yield* ch.set("part", { a: part })
          assert.isFalse(yield* ch.exists("too-deep"))
        }))

      test("a list made by appending to an array set whole keeps its items' depth", (ch) =>
        Effect.gen(function*() {
          // The array holds MAX_DEPTH levels; appending turns it into a list (on memory, a list of its items).
          yield* ch.set("l", [nested(MAX_DEPTH - 1)])
          yield* ch.append("l", 1)
          const list = yield* ch.get("l")
          const error = yield* Effect.flip(ch.set("too-deep", { wrap: list }))
          assert.strictEqual(error._tag, "InvalidValueError")
          expect(error.message).toContain("nested more than")
          assert.strictEqual((yield* Effect.flip(ch.append("l", list)))._tag, "InvalidValueError")
          assert.isFalse(yield* ch.exists("too-deep"))
          assert.lengthOf(list as ReadonlyArray<unknown>, 2)
        }))

      test("a getter or Proxy that throws while the value is read fails with InvalidValueError naming the path", (ch) =>
        Effect.gen(function*() {
          const getter = { ok: 1, nested: { get bad(): number {
            throw new Error("no access")
          } } }
          const proxy = new Proxy({}, {
            ownKeys: () => {
              throw new Error("trap")
            }
          })
          for (const [value, path] of [[getter, ["nested", "bad"]], [proxy, []]] as const) {
            // The call itself never throws: the failure is in the Effect.
            const set = ch.set("k", value)
            const error = yield* Effect.flip(set)
            assert.strictEqual(error._tag, "InvalidValueError")
            if (error._tag !== "InvalidValueError") return
            assert.deepStrictEqual(error.issues[0]?.path, path)
            assert.strictEqual((yield* Effect.flip(ch.append("l", value)))._tag, "InvalidValueError")
          }
          assert.deepStrictEqual(yield* ch.keys(), [])
        }))

      test("a cycle fails with InvalidValueError", (ch) =>
        Effect.gen(function*() {
          const cyclic: { self?: unknown } = {}
          cyclic.self = cyclic
          const error = yield* Effect.flip(ch.set("k", cyclic))
          assert.strictEqual(error._tag, "InvalidValueError")
          assert.isFalse(yield* ch.exists("k"))
        }))

      test("an object property whose value is undefined is left out, as JSON.stringify does", (ch) =>
        Effect.gen(function*() {
          yield* ch.set("k", { a: { b: undefined, c: 1 }, d: undefined })
          const read = yield* ch.get("k")
          assert.deepStrictEqual(read, { a: { c: 1 } })
          assert.isFalse(Object.hasOwn((read as { a: object }).a, "b"))
        }))

      test("a shared (non-cyclic) reference is fine", (ch) =>
        Effect.gen(function*() {
          const shared = { v: 1 }
          yield* ch.set("k", { a: shared, b: shared })
          assert.deepStrictEqual(yield* ch.get("k"), { a: { v: 1 }, b: { v: 1 } })
        }))

      test("writes to result keys fail with ReservedKeyError", (ch, env) =>
        Effect.gen(function*() {
          yield* env.store.set("t.__result__", 1, undefined)
          for (
            const attempt of [
              ch.set("t.__result__", 2),
              ch.append("t.__result__", 2),
              ch.prepend("t.__result__", 2),
              ch.atomicAdd("t.__result__", 1),
              ch.delete("t.__result__")
            ]
          ) {
            const error = yield* Effect.flip(attempt)
            assert.strictEqual(error._tag, "ReservedKeyError")
          }
          assert.strictEqual(yield* ch.get("t.__result__"), 1)
        }))

      test("invalid TTLs fail with InvalidTtlError and write nothing", (ch) =>
        Effect.gen(function*() {
          const ttls: ReadonlyArray<Duration.Input> = [0, -1, Number.NaN, "Infinity", Duration.infinity, "-5 seconds"]
          for (const bad of ttls) {
            const error = yield* Effect.flip(ch.set("k", 1, { ttl: bad }))
            assert.strictEqual(error._tag, "InvalidTtlError")
            const appended = yield* Effect.flip(ch.append("l", 1, { ttl: bad }))
            assert.strictEqual(appended._tag, "InvalidTtlError")
          }
          assert.deepStrictEqual(yield* ch.keys(), [])
        }))

      test("a TTL beyond Number.MAX_SAFE_INTEGER ms fails with InvalidTtlError before anything is written", (ch) =>
        Effect.gen(function*() {
          const tooLong = Number.MAX_SAFE_INTEGER + 2
          yield* ch.set("k", "old")
          yield* ch.set("array", [1])
          yield* ch.append("list", "a")
          for (const attempt of [ch.set("k", "new", { ttl: tooLong }), ch.set("array", [1, 2], { ttl: tooLong })]) {
            assert.strictEqual((yield* Effect.flip(attempt))._tag, "InvalidTtlError")
          }
          for (const attempt of [ch.append("list", "b", { ttl: tooLong }), ch.prepend("list", "b", { ttl: Duration.days(2e11) })]) {
            assert.strictEqual((yield* Effect.flip(attempt))._tag, "InvalidTtlError")
          }
          assert.strictEqual(yield* ch.get("k"), "old")
          assert.deepStrictEqual(yield* ch.get("array"), [1])
          assert.deepStrictEqual(yield* ch.get("list"), ["a"])
          // The bound itself is accepted.
          yield* ch.set("k", "new", { ttl: Number.MAX_SAFE_INTEGER })
          assert.strictEqual(yield* ch.append("list", "b", { ttl: Number.MAX_SAFE_INTEGER }), 2)
          assert.strictEqual(yield* ch.get("k"), "new")
        }))

      test("Channel.open with a namespace that is not a non-empty string fails with InvalidNamespaceError", (_ch, env) =>
        Effect.gen(function*() {
          for (const bad of ["", undefined, null, 42]) {
            // plain JavaScript, or a cast, can pass these
            const error = yield* Effect.flip(env.open(bad as string))
            expect(error).toMatchObject({ _tag: "InvalidNamespaceError" })
            expect(String((error as Error).message)).toContain("non-empty string")
          }
        }))
    })

    describe("lists", () => {
      test("append adds at the tail (FIFO) and returns the new length", (ch) =>
        Effect.gen(function*() {
          assert.strictEqual(yield* ch.append("logs", "Log entry 1"), 1)
          assert.strictEqual(yield* ch.append("logs", "Log entry 2"), 2)
          assert.strictEqual(yield* ch.append("logs", "Log entry 3"), 3)
          assert.deepStrictEqual(yield* ch.get("logs"), ["Log entry 1", "Log entry 2", "Log entry 3"])
        }))

      test("prepend adds at the head (LIFO) and returns the new length", (ch) =>
        Effect.gen(function*() {
          assert.strictEqual(yield* ch.prepend("stack", "First"), 1)
          assert.strictEqual(yield* ch.prepend("stack", "Second"), 2)
          assert.strictEqual(yield* ch.prepend("stack", "Third"), 3)
          assert.deepStrictEqual(yield* ch.get("stack"), ["Third", "Second", "First"])
        }))

      test("append and prepend mix; list items may be any JSON value", (ch) =>
        Effect.gen(function*() {
          yield* ch.append("l", "middle")
          yield* ch.prepend("l", { first: true })
          yield* ch.append("l", ["last", null])
          assert.deepStrictEqual(yield* ch.get("l"), [{ first: true }, "middle", ["last", null]])
        }))

      test("a list written with set accepts append, and set replaces a list", (ch) =>
        Effect.gen(function*() {
          yield* ch.set("lst", [1, 2])
          assert.strictEqual(yield* ch.append("lst", 3), 3)
          assert.strictEqual(yield* ch.prepend("lst", 0), 4)
          assert.deepStrictEqual(yield* ch.get("lst"), [0, 1, 2, 3])
          yield* ch.set("lst", "scalar")
          assert.strictEqual(yield* ch.get("lst"), "scalar")
        }))

      test("a list read is a snapshot: later appends do not change it", (ch) =>
        Effect.gen(function*() {
          yield* ch.append("l", 1)
          const before = yield* ch.get("l")
          yield* ch.append("l", 2)
          assert.deepStrictEqual(before, [1])
          assert.isTrue(Object.isFrozen(before))
        }))

      test("append or prepend on a value that is not a list fails with WrongTypeError and changes nothing", (ch) =>
        Effect.gen(function*() {
          const values: ReadonlyArray<readonly [unknown, string]> = [
            ["s", "string"],
            [1, "number"],
            [{ a: 1 }, "object"],
            [null, "null"],
            [true, "boolean"],
            [undefined, "undefined"]
          ]
          for (const [value, kind] of values) {
            yield* ch.set("k", value)
            for (const op of [ch.append("k", "x"), ch.prepend("k", "x")]) {
              const error = yield* Effect.flip(op)
              assert.strictEqual(error._tag, "WrongTypeError")
              if (error._tag !== "WrongTypeError") return
              assert.strictEqual(error.actual, kind)
              assert.strictEqual(error.expected, "list")
            }
            assert.deepStrictEqual(yield* ch.get("k"), value)
          }
        }))

      test("undefined cannot be a list item", (ch) =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(ch.append("l", undefined))
          assert.strictEqual(error._tag, "InvalidValueError")
          assert.isFalse(yield* ch.exists("l"))
        }))
    })

    describe("atomicAdd", () => {
      test("creates the key at 0, adds, and returns the new number", (ch) =>
        Effect.gen(function*() {
          assert.strictEqual(yield* ch.atomicAdd("c"), 1)
          assert.strictEqual(yield* ch.atomicAdd("c", 2.5), 3.5)
          assert.strictEqual(yield* ch.atomicAdd("c", -0.5), 3)
          assert.strictEqual(yield* ch.atomicAdd("d", -2), -2)
          assert.strictEqual(yield* ch.get("c"), 3)
        }))

      test("adds with JavaScript's number arithmetic on every backend", (ch) =>
        Effect.gen(function*() {
          yield* ch.set("f", 0.1)
          assert.strictEqual(yield* ch.atomicAdd("f", 0.2), 0.1 + 0.2)
          yield* ch.set("big", 2 ** 53)
          assert.strictEqual(yield* ch.atomicAdd("big", 1), 2 ** 53 + 1)
          yield* ch.set("tiny", 1e-300)
          assert.strictEqual(yield* ch.atomicAdd("tiny", 1e-300), 2e-300)
          assert.strictEqual(yield* ch.get("f"), 0.1 + 0.2)
        }))

      test("on a value that is not a number fails with WrongTypeError and changes nothing", (ch) =>
        Effect.gen(function*() {
          const values: ReadonlyArray<readonly [unknown, string]> = [
            ["5", "string"],
            [true, "boolean"],
            [{ n: 1 }, "object"],
            [[1], "list"],
            [null, "null"]
          ]
          for (const [value, kind] of values) {
            yield* ch.set("k", value)
            const error = yield* Effect.flip(ch.atomicAdd("k", 1))
            assert.strictEqual(error._tag, "WrongTypeError")
            if (error._tag !== "WrongTypeError") return
            assert.strictEqual(error.actual, kind)
            assert.deepStrictEqual(yield* ch.get("k"), value)
          }
          yield* ch.append("l", 1)
          const onList = yield* Effect.flip(ch.atomicAdd("l", 1))
          assert.strictEqual(onList._tag, "WrongTypeError")
        }))

      test("a delta that is not a finite number, or an overflow, fails with InvalidValueError", (ch) =>
        Effect.gen(function*() {
          yield* ch.set("k", 1)
          for (const delta of [Number.NaN, Number.POSITIVE_INFINITY]) {
            const error = yield* Effect.flip(ch.atomicAdd("k", delta))
            assert.strictEqual(error._tag, "InvalidValueError")
          }
          yield* ch.set("max", Number.MAX_VALUE)
          const overflow = yield* Effect.flip(ch.atomicAdd("max", Number.MAX_VALUE))
          assert.strictEqual(overflow._tag, "InvalidValueError")
          assert.strictEqual(yield* ch.get("max"), Number.MAX_VALUE)
          assert.strictEqual(yield* ch.get("k"), 1)
        }))
    })

    describe("TTL", () => {
      test("a key set with a TTL is present before it passes and absent for every read after", (ch, env) =>
        Effect.gen(function*() {
          yield* ch.set("p", true, { ttl: ttl })
          yield* ch.set("stay", 1)
          if (!live) {
            yield* env.advance(ttl - 1)
            assert.isTrue(yield* ch.exists("p"))
            yield* env.advance(1)
          } else {
            assert.isTrue(yield* ch.exists("p"))
            yield* env.advance(ttl + margin)
          }
          assert.isFalse(yield* ch.exists("p"))
          assert.strictEqual(yield* ch.get("p", "d"), "d")
          assert.strictEqual((yield* Effect.flip(ch.get("p")))._tag, "KeyNotFoundError")
          assert.deepStrictEqual(yield* ch.keys(), ["stay"])
          assert.isFalse(yield* ch.delete("p"))
        }))

      test("set without a TTL removes an old TTL", (ch, env) =>
        Effect.gen(function*() {
          yield* ch.set("t", 1, { ttl })
          yield* ch.set("t", 2)
          yield* env.advance(ttl + margin)
          assert.strictEqual(yield* ch.get("t"), 2)
        }))

      test("set with a TTL replaces the old TTL", (ch, env) =>
        Effect.gen(function*() {
          yield* ch.set("t", 1)
          yield* ch.set("t", 2, { ttl })
          yield* env.advance(ttl + margin)
          assert.isFalse(yield* ch.exists("t"))
        }))

      test("append with a TTL refreshes the expiry of the whole list; without one keeps it", (ch, env) =>
        Effect.gen(function*() {
          const step = live ? Math.round(ttl * 0.6) : 600
          yield* ch.append("sliding", 1, { ttl })
          yield* ch.append("kept", 1, { ttl })
          yield* env.advance(step)
          yield* ch.append("sliding", 2, { ttl })
          yield* ch.append("kept", 2)
          yield* env.advance(step)
          assert.deepStrictEqual(yield* ch.get("sliding"), [1, 2])
          assert.isFalse(yield* ch.exists("kept"))
          yield* env.advance(ttl + margin)
          assert.isFalse(yield* ch.exists("sliding"))
        }))

      test("prepend with a TTL sets the expiry of the list", (ch, env) =>
        Effect.gen(function*() {
          yield* ch.prepend("l", 1)
          yield* ch.prepend("l", 2, { ttl })
          yield* env.advance(ttl + margin)
          assert.isFalse(yield* ch.exists("l"))
        }))

      test("atomicAdd keeps the TTL", (ch, env) =>
        Effect.gen(function*() {
          yield* ch.set("c", 1, { ttl })
          assert.strictEqual(yield* ch.atomicAdd("c", 1), 2)
          yield* env.advance(ttl + margin)
          assert.isFalse(yield* ch.exists("c"))
        }))

      test("an expired key is absent for append and atomicAdd: they start anew", (ch, env) =>
        Effect.gen(function*() {
          yield* ch.append("l", "old", { ttl })
          yield* ch.set("c", 10, { ttl })
          yield* env.advance(ttl + margin)
          assert.strictEqual(yield* ch.append("l", "new"), 1)
          assert.deepStrictEqual(yield* ch.get("l"), ["new"])
          assert.strictEqual(yield* ch.atomicAdd("c", 1), 1)
          yield* env.advance(ttl + margin)
          assert.strictEqual(yield* ch.get("c"), 1)
        }))

      test("delete removes the TTL with the key", (ch, env) =>
        Effect.gen(function*() {
          yield* ch.set("t", 1, { ttl })
          assert.isTrue(yield* ch.delete("t"))
          yield* ch.set("t", 5)
          yield* env.advance(ttl + margin)
          assert.strictEqual(yield* ch.get("t"), 5)
        }))

      test("a fractional-millisecond TTL is rounded up to whole milliseconds", (ch, env) =>
        Effect.gen(function*() {
          yield* ch.set("t", 1, { ttl: live ? ttl + 0.4 : 0.4 })
          if (!live) {
            assert.isTrue(yield* ch.exists("t"))
            yield* env.advance(1)
          } else {
            yield* env.advance(ttl + margin)
          }
          assert.isFalse(yield* ch.exists("t"))
        }))
    })

    describe("namespaces", () => {
      test("two namespaces never see each other's keys, even when names share a prefix or glob characters", (ch, env) =>
        Effect.gen(function*() {
          const names = ["", ":b", "*", "?", "[a]", "\\", ":*", "\uD800", "\uDBFF", "%3Ab", "/x", "%2Fx"]
          const channels = yield* Effect.forEach(names, (suffix) => env.open(env.unique(suffix)))
          for (const [i, channel] of channels.entries()) {
            yield* channel.set("k", i)
            yield* channel.set(`only${i}`, i)
          }
          for (const [i, channel] of channels.entries()) {
            assert.strictEqual(yield* channel.get("k"), i)
            assert.deepStrictEqual(sorted(yield* channel.keys()), sorted(["k", `only${i}`]))
          }
          yield* channels[2]!.clear()
          assert.deepStrictEqual(yield* channels[2]!.keys(), [])
          assert.strictEqual(yield* channels[0]!.get("k"), 0)
          assert.strictEqual(yield* channels[1]!.get("k"), 1)
          assert.strictEqual(yield* ch.get("k"), 0)
        }))
    })

    describe("concurrency", () => {
      test("1000 concurrent appends keep 1000 items", (ch) =>
        Effect.gen(function*() {
          const lengths = yield* Effect.forEach(
            Array.from({ length: 1000 }, (_, i) => i),
            (i) => ch.append("items", i),
            { concurrency: "unbounded" }
          )
          const items = yield* ch.get("items")
          assert.isTrue(Array.isArray(items))
          assert.deepStrictEqual([...(items as ReadonlyArray<number>)].sort((a, b) => a - b), lengths.map((_, i) => i))
          assert.deepStrictEqual([...lengths].sort((a, b) => a - b), lengths.map((_, i) => i + 1))
        }), 30_000)

      test("500 concurrent atomicAdds give the exact sum", (ch) =>
        Effect.gen(function*() {
          yield* Effect.forEach(Array.from({ length: 500 }, (_, i) => i), (i) => ch.atomicAdd("sum", i), {
            concurrency: "unbounded",
            discard: true
          })
          assert.strictEqual(yield* ch.get("sum"), (499 * 500) / 2)
        }), 30_000)

      test("a lock-protected read-modify-write loses nothing", (ch) =>
        Effect.gen(function*() {
          yield* ch.set("total", 0)
          const increment = ch.lock(
            "total",
            Effect.gen(function*() {
              const n = yield* ch.get("total")
              yield* Effect.yieldNow
              yield* ch.set("total", (n as number) + 1)
            })
          )
          yield* Effect.forEach(Array.from({ length: 100 }), () => increment, { concurrency: "unbounded", discard: true })
          assert.strictEqual(yield* ch.get("total"), 100)
        }), 30_000)

      test("locks are per key: holding one does not block another", (ch) =>
        Effect.gen(function*() {
          const out = yield* ch.lock("a", ch.lock("b", Effect.succeed("both")))
          assert.strictEqual(out, "both")
        }))

      test("a lock with timeout 0 takes a free lock, and fails at once on a held one", (ch) =>
        Effect.gen(function*() {
          assert.strictEqual(yield* ch.lock("k", Effect.succeed("free"), { timeout: 0 }), "free")
          const acquired = yield* Deferred.make<void>()
          const release = yield* Deferred.make<void>()
          const holder = yield* ch.lock("k", Effect.andThen(Deferred.succeed(acquired, undefined), Deferred.await(release)))
            .pipe(Effect.forkChild)
          yield* Deferred.await(acquired)
          const error = yield* Effect.flip(ch.lock("k", Effect.succeed("held"), { timeout: 0 }))
          assert.strictEqual(error._tag, "LockTimeoutError")
          yield* Deferred.succeed(release, undefined)
          yield* Fiber.join(holder)
          assert.strictEqual(yield* ch.lock("k", Effect.succeed("free again"), { timeout: "0 millis" }), "free again")
        }), 30_000)

      test("a lock timeout that is no duration of 0 or more is a TypeError, and nothing runs", (ch) =>
        Effect.gen(function*() {
          let ran = 0
          for (const timeout of [Number.NaN, -1, "soon"]) {
            const exit = yield* Effect.exit(ch.lock("k", Effect.sync(() => ran++), { timeout: timeout as never }))
            assert.isTrue(Exit.isFailure(exit))
            if (!Exit.isFailure(exit)) continue
            const defect = Cause.squash(exit.cause)
            assert.instanceOf(defect, TypeError)
            assert.match((defect as TypeError).message, /^Channel\.lock: the timeout must be a duration of 0 or more, not /)
          }
          assert.strictEqual(ran, 0)
        }))

      test("lock is reentrant for the holder", (ch) =>
        Effect.gen(function*() {
          const out = yield* ch.lock("k", ch.lock("k", Effect.succeed("inner"), { timeout: 50 }), { timeout: 50 })
          assert.strictEqual(out, "inner")
        }))

      test("waiting longer than the timeout fails with LockTimeoutError; the holder is unaffected", (ch, env) =>
        Effect.gen(function*() {
          const timeout = live ? 200 : 1000
          const acquired = yield* Deferred.make<void>()
          const release = yield* Deferred.make<void>()
          const holder = yield* ch.lock(
            "k",
            Deferred.succeed(acquired, undefined).pipe(Effect.andThen(Deferred.await(release)), Effect.as("held"))
          ).pipe(Effect.forkChild)
          yield* Deferred.await(acquired)
          const waiter = yield* ch.lock("k", Effect.succeed("never"), { timeout }).pipe(Effect.flip, Effect.forkChild)
          if (!live) {
            yield* Effect.yieldNow
            yield* TestClock.adjust(timeout)
          }
          const error = yield* Fiber.join(waiter)
          assert.strictEqual(error._tag, "LockTimeoutError")
          yield* Deferred.succeed(release, undefined)
          assert.strictEqual(yield* Fiber.join(holder), "held")
          assert.strictEqual(yield* ch.lock("k", Effect.succeed("free again"), { timeout }), "free again")
          yield* env.advance(0)
        }), 30_000)

      test("a waiter gets the lock as soon as the holder releases it", (ch) =>
        Effect.gen(function*() {
          const acquired = yield* Deferred.make<void>()
          const release = yield* Deferred.make<void>()
          const order: Array<string> = []
          const holder = yield* ch.lock(
            "k",
            Deferred.succeed(acquired, undefined).pipe(
              Effect.andThen(Deferred.await(release)),
              Effect.andThen(Effect.sync(() => order.push("holder done")))
            )
          ).pipe(Effect.forkChild)
          yield* Deferred.await(acquired)
          const waiter = yield* ch.lock("k", Effect.sync(() => order.push("waiter in"))).pipe(Effect.forkChild)
          yield* Deferred.succeed(release, undefined)
          yield* Fiber.join(holder)
          yield* Fiber.join(waiter)
          assert.deepStrictEqual(order, ["holder done", "waiter in"])
        }), 30_000)

      test("a lock is released when its holder fails or is interrupted", (ch) =>
        Effect.gen(function*() {
          const failed = yield* Effect.exit(ch.lock("k", Effect.fail("boom")))
          assert.isTrue(Exit.isFailure(failed))
          assert.strictEqual(yield* ch.lock("k", Effect.succeed(1), { timeout: 100 }), 1)
          const acquired = yield* Deferred.make<void>()
          const fiber = yield* ch.lock("k", Deferred.succeed(acquired, undefined).pipe(Effect.andThen(Effect.never)))
            .pipe(Effect.forkChild)
          yield* Deferred.await(acquired)
          yield* Fiber.interrupt(fiber)
          assert.strictEqual(yield* ch.lock("k", Effect.succeed(2), { timeout: 100 }), 2)
        }), 30_000)
    })

    describe("typed views", () => {
      class Person extends Schema.Class<Person>("Person")({ name: Schema.String, born: Schema.Date }) {}
      const Metrics = Schema.Struct({ count: Schema.Int, status: Schema.String, timestamp: Schema.Number })

      test("typed(schema) decodes reads and checks writes", (ch) =>
        Effect.gen(function*() {
          const metrics = ch.typed(Metrics)
          yield* metrics.set("m", { count: 100, status: "success", timestamp: 1.5 })
          expect(yield* metrics.get("m")).toEqual({ count: 100, status: "success", timestamp: 1.5 })
          const bad = yield* Effect.flip(metrics.set("m", { count: 1.5, status: "x", timestamp: 0 }))
          assert.strictEqual(bad._tag, "InvalidValueError")
          if (bad._tag !== "InvalidValueError") return
          assert.deepStrictEqual(bad.issues[0]?.path, ["count"])
          expect(yield* metrics.get("m")).toEqual({ count: 100, status: "success", timestamp: 1.5 })
        }))

      test("data that fails the schema is a ChannelDecodeError naming the key and path, never a default", (ch) =>
        Effect.gen(function*() {
          yield* ch.set("m", { count: "many", status: "x", timestamp: 0 })
          const error = yield* Effect.flip(ch.typed(Metrics).get("m"))
          assert.strictEqual(error._tag, "ChannelDecodeError")
          if (error._tag !== "ChannelDecodeError") return
          assert.strictEqual(error.key, "m")
          assert.deepStrictEqual(error.issues[0]?.path, ["count"])
          const withDefault = yield* Effect.flip(ch.typed(Metrics).get("m", null))
          assert.strictEqual(withDefault._tag, "ChannelDecodeError")
        }))

      test("Dates, bigints and classes round-trip through the schema's JSON form", (ch) =>
        Effect.gen(function*() {
          const people = ch.typed(Person)
          yield* people.set("ada", new Person({ name: "Ada", born: new Date("1815-12-10T00:00:00.000Z") }))
          const ada = yield* people.get("ada")
          assert.instanceOf(ada, Person)
          assert.strictEqual(ada.born.toISOString(), "1815-12-10T00:00:00.000Z")
          assert.deepStrictEqual(yield* ch.get("ada"), { name: "Ada", born: "1815-12-10T00:00:00.000Z" })
          const big = ch.typed(Schema.BigInt)
          yield* big.set("n", 2n ** 70n)
          assert.strictEqual(yield* big.get("n"), 2n ** 70n)
        }))

      test("typed lists encode each appended element", (ch) =>
        Effect.gen(function*() {
          const dates = ch.typed(Schema.Array(Schema.Date))
          yield* dates.append("d", new Date(0))
          yield* dates.prepend("d", new Date(1000))
          const read = yield* dates.get("d")
          assert.deepStrictEqual(read.map((d) => d.getTime()), [1000, 0])
          const ints = ch.typed(Schema.Array(Schema.Int))
          const bad = yield* Effect.flip(ints.append("i", 1.5))
          assert.strictEqual(bad._tag, "InvalidValueError")
          assert.isFalse(yield* ch.exists("i"))
        }))

      test("schema evolution: an optional field with a default reads older data", (ch) =>
        Effect.gen(function*() {
          yield* ch.set("profile", { name: "Alice" })
          const V2 = Schema.Struct({
            name: Schema.String,
            premium: Schema.Boolean.pipe(Schema.optionalKey, Schema.withDecodingDefaultKey(Effect.succeed(false)))
          })
          expect(yield* ch.typed(V2).get("profile")).toEqual({ name: "Alice", premium: false })
        }))

      test("a typed atomicAdd whose sum fails the schema changes nothing, on a missing key too", (ch) =>
        Effect.gen(function*() {
          const ints = ch.typed(Schema.Int)
          yield* ints.set("n", 1)
          const error = yield* Effect.flip(ints.atomicAdd("n", 0.5))
          assert.strictEqual(error._tag, "InvalidValueError")
          assert.strictEqual(yield* ints.get("n"), 1)
          const missing = yield* Effect.flip(ints.atomicAdd("absent", 1.5))
          assert.strictEqual(missing._tag, "InvalidValueError")
          assert.isFalse(yield* ch.exists("absent"))
          const bounded = ch.typed(Schema.Number.check(Schema.isLessThanOrEqualTo(10)))
          assert.strictEqual(yield* bounded.atomicAdd("b", 10), 10)
          assert.strictEqual((yield* Effect.flip(bounded.atomicAdd("b", 1)))._tag, "InvalidValueError")
          assert.strictEqual(yield* ch.get("b"), 10)
          assert.strictEqual(yield* ints.atomicAdd("n", 2), 3)
          yield* ch.append("list", 1)
          assert.strictEqual((yield* Effect.flip(ints.atomicAdd("list", 1)))._tag, "WrongTypeError")
          yield* ch.set("text", "1")
          assert.strictEqual((yield* Effect.flip(ints.atomicAdd("text", 1)))._tag, "WrongTypeError")
        }))

      test("concurrent typed atomicAdds on a checked number schema are exact; a rejected one in between changes nothing", (ch) =>
        Effect.gen(function*() {
          const ints = ch.typed(Schema.Int)
          const adds = Array.from({ length: 100 }, (_, i) => i % 10 === 0 ? 0.5 : 1)
          const exits = yield* Effect.forEach(adds, (delta) => Effect.exit(ints.atomicAdd("n", delta)), { concurrency: "unbounded" })
          assert.strictEqual(exits.filter(Exit.isFailure).length, 10)
          assert.strictEqual(yield* ints.get("n"), 90)
        }), 30_000)

      test("a struct value with a key its schema does not declare fails with InvalidValueError; nothing written", (ch) =>
        Effect.gen(function*() {
          const Point = Schema.Struct({ x: Schema.Number, y: Schema.Number })
          const points = ch.typed(Point)
          yield* points.set("p", { x: 1, y: 2 })
          const extra = { x: 3, y: 4, z: 5 }
          const error = yield* Effect.flip(points.set("p", extra))
          assert.strictEqual(error._tag, "InvalidValueError")
          if (error._tag !== "InvalidValueError") return
          assert.deepStrictEqual(error.issues[0]?.path, ["z"])
          assert.deepStrictEqual(yield* points.get("p"), { x: 1, y: 2 })
          const list = ch.typed(Schema.Array(Point))
          assert.strictEqual((yield* Effect.flip(list.append("ps", extra)))._tag, "InvalidValueError")
          assert.isFalse(yield* ch.exists("ps"))
        }))

      test("a typed write whose getter throws fails with InvalidValueError, never a throw or a defect", (ch) =>
        Effect.gen(function*() {
          const points = ch.typed(Schema.Struct({ x: Schema.Number }))
          const bad = { get x(): number {
            throw new Error("no access")
          } }
          const error = yield* Effect.flip(points.set("p", bad))
          assert.strictEqual(error._tag, "InvalidValueError")
          assert.isFalse(yield* ch.exists("p"))
        }))
    })

    describe("retention and drop", () => {
      test("retain Delete removes every key of the namespace, results included", (ch, env) =>
        Effect.gen(function*() {
          yield* ch.set("a", 1)
          yield* ch.append("l", 1, { ttl: ttl * 10 })
          yield* env.store.set("t.__result__", 1, undefined)
          yield* env.store.retain({ _tag: "Delete" })
          assert.deepStrictEqual(yield* ch.keys(), [])
          assert.isFalse(yield* ch.exists("t.__result__"))
        }))

      test("retain Keep changes nothing", (ch, env) =>
        Effect.gen(function*() {
          yield* ch.set("a", 1)
          yield* env.store.retain({ _tag: "Keep" })
          assert.strictEqual(yield* ch.get("a"), 1)
        }))

      test("retain Expire makes every key expire by then; a key with a shorter TTL keeps it", (ch, env) =>
        Effect.gen(function*() {
          yield* ch.set("forever", 1)
          yield* ch.set("short", 2, { ttl })
          yield* ch.set("long", 3, { ttl: ttl * 100 })
          yield* env.store.set("t.__result__", 4, undefined)
          yield* env.store.retain({ _tag: "Expire", millis: ttl * 3 })
          assert.deepStrictEqual(sorted(yield* ch.keys()), ["forever", "long", "short"])
          yield* env.advance(ttl + margin)
          assert.deepStrictEqual(sorted(yield* ch.keys()), ["forever", "long"])
          yield* env.advance(ttl * 2)
          assert.deepStrictEqual(yield* ch.keys(), [])
          assert.isFalse(yield* ch.exists("t.__result__"))
        }), 30_000)

      test("Channel.drop removes a namespace's keys, results included, and no other namespace's", (ch, env) =>
        Effect.gen(function*() {
          const other = yield* env.open(env.unique("/other"))
          yield* other.set("a", 1)
          yield* ch.set("a", 2)
          yield* env.store.set("t.__result__", 1, undefined)
          yield* Channel.drop(ch.namespace)
          assert.deepStrictEqual(yield* ch.keys(), [])
          assert.isFalse(yield* ch.exists("t.__result__"))
          assert.strictEqual(yield* other.get("a"), 1)
          assert.strictEqual((yield* Effect.flip(Channel.drop("")))._tag, "InvalidNamespaceError")
        }))
    })

    describe("dump and restore (checkpoints)", () => {
      const byKey = (entries: ReadonlyArray<ChannelBackend.DumpEntry>) => [...entries].sort((a, b) => a.key < b.key ? -1 : 1)

      test("dump reads every live key, results included, with its value and remaining TTL", (ch, env) =>
        Effect.gen(function*() {
          yield* ch.set("plain", { a: [1, 2] })
          yield* ch.set("none", undefined)
          yield* ch.append("list", "x")
          yield* ch.append("list", "y")
          yield* ch.set("empty", [])
          yield* ch.set("gone", 1, { ttl })
          yield* ch.set("ttl", "v", { ttl: ttl * 100 })
          yield* env.store.set("t.__result__", [3], undefined)
          yield* env.advance(ttl + margin)
          const dumped = byKey(yield* env.store.dump)
          assert.deepStrictEqual(dumped.map((e) => e.key), ["empty", "list", "none", "plain", "t.__result__", "ttl"])
          assert.deepStrictEqual(dumped.map((e) => e.value), [[], ["x", "y"], undefined, { a: [1, 2] }, [3], "v"])
          const remaining = dumped.find((e) => e.key === "ttl")!.ttl!
          assert.isTrue(remaining <= ttl * 100 - ttl && remaining > ttl * 90, `remaining ${remaining}`)
          assert.deepStrictEqual(dumped.filter((e) => e.key !== "ttl").map((e) => e.ttl), [undefined, undefined, undefined, undefined, undefined])
        }), 30_000)

      test("restore replaces every key, results included, and TTLs count on from the restore", (ch, env) =>
        Effect.gen(function*() {
          yield* ch.set("before", 1)
          yield* env.store.set("old.__result__", 1, undefined)
          yield* env.store.restore([
            { key: "a", value: { n: 1 }, ttl: undefined },
            { key: "items", value: ["p", "q"], ttl: undefined },
            { key: "empty", value: [], ttl: undefined },
            { key: "u", value: undefined, ttl: undefined },
            { key: "short", value: 2, ttl },
            { key: "t.__result__", value: "r", ttl: undefined }
          ], undefined)
          assert.deepStrictEqual(sorted(yield* ch.keys()), ["a", "empty", "items", "short", "u"])
          assert.isFalse(yield* ch.exists("before"))
          assert.isFalse(yield* ch.exists("old.__result__"))
          assert.strictEqual(yield* env.store.get("t.__result__"), "r")
          assert.deepStrictEqual(yield* ch.get("items"), ["p", "q"])
          assert.strictEqual(yield* ch.append("items", "r"), 3)
          assert.strictEqual(yield* ch.append("empty", "first"), 1)
          assert.isTrue(yield* ch.exists("u"))
          yield* env.advance(ttl + margin)
          assert.isFalse(yield* ch.exists("short"))
          assert.deepStrictEqual(sorted(yield* ch.keys()), ["a", "empty", "items", "u"])
        }), 30_000)

      test("a restore of thousands of keys, values among lists and TTLs, gives every one back and lists them all", (ch, env) =>
        Effect.gen(function*() {
          // Past the 2,000 values a batched write takes at once (Redis), lists and TTLs in between.
          const entries = Array.from({ length: 4_500 }, (_, i) =>
            i % 500 === 7
              ? { key: `list${i}`, value: [i, `${i}`], ttl: undefined }
              : i % 500 === 9
              ? { key: `ttl${i}`, value: i, ttl: 60_000 }
              : { key: `v:${i}`, value: i % 3 === 0 ? { n: i } : i, ttl: undefined })
          yield* env.store.restore(entries, undefined)
          const dumped = byKey(yield* env.store.dump)
          assert.deepStrictEqual(dumped.map((e) => [e.key, e.value]), byKey(entries).map((e) => [e.key, e.value]))
          assert.deepStrictEqual(dumped.filter((e) => e.ttl !== undefined).map((e) => e.key), byKey(entries).filter((e) => e.ttl !== undefined).map((e) => e.key))
          assert.strictEqual((yield* ch.keys()).length, 4_500)
          assert.strictEqual(yield* ch.append("list7", "more"), 3)
          assert.deepStrictEqual(yield* ch.get("v:3"), { n: 3 })
        }), 60_000)

      test("a restore given one key twice keeps the last entry, with its TTL", (_ch, env) =>
        Effect.gen(function*() {
          // A checkpoint is any JSON the decoder accepts: nothing makes its channel's keys unique.
          yield* env.store.restore([
            { key: "a", value: 1, ttl: undefined },
            { key: "a", value: 2, ttl: 60_000 },
            { key: "b", value: [1], ttl: undefined },
            { key: "b", value: 3, ttl: undefined }
          ], undefined)
          const dumped = byKey(yield* env.store.dump)
          assert.deepStrictEqual(dumped.map((e) => [e.key, e.value]), [["a", 2], ["b", 3]])
          assert.isDefined(dumped[0]!.ttl)
          assert.isUndefined(dumped[1]!.ttl)
        }))

      test("a second expiring retention keeps the shorter TTL the first one gave", (ch, env) =>
        Effect.gen(function*() {
          yield* ch.set("forever", 1)
          yield* ch.set("day", 2, { ttl: "1 day" })
          yield* env.store.retain({ _tag: "Expire", millis: 60_000 })
          yield* env.store.retain({ _tag: "Expire", millis: 3_600_000 })
          const ttls = (yield* env.store.dump).map((e) => e.ttl ?? Infinity)
          assert.strictEqual(ttls.length, 2)
          for (const ttl of ttls) assert.isAtMost(ttl, 60_000)
        }))

      test("a dump restored elsewhere gives the same contents", (ch, env) =>
        Effect.gen(function*() {
          yield* ch.set("k", { deep: ["v"] })
          yield* ch.append("l", 1)
          yield* env.store.set("x.__result__", null, undefined)
          const dumped = yield* env.store.dump
          const backend = yield* Channel.Channel
          const copy = yield* backend.open(env.unique("/copy"))
          yield* copy.restore(dumped, undefined)
          assert.deepStrictEqual(byKey(yield* copy.dump), byKey(dumped))
        }))
    })

    describe("responses (human in the loop)", () => {
      test("a queued response is taken at once, oldest first; none in time gives undefined", (ch, env) =>
        Effect.gen(function*() {
          const backend = yield* Channel.Channel
          yield* env.store.run.claim("driver", { durable: false })
          assert.deepStrictEqual(yield* backend.respond(ch.namespace, "approval", { ok: true }), { _tag: "Queued" })
          yield* backend.respond(ch.namespace, "approval", { ok: false })
          assert.deepStrictEqual(yield* env.store.awaitResponse("approval", 0), { ok: true })
          assert.deepStrictEqual(yield* env.store.awaitResponse("approval", undefined), { ok: false })
          assert.strictEqual(yield* env.store.awaitResponse("approval", 0), undefined)
          const waited = yield* Effect.forkChild(env.store.awaitResponse("approval", ttl))
          yield* env.advance(ttl + margin)
          assert.strictEqual(yield* Fiber.join(waited), undefined)
        }), 30_000)

      test("a waiter gets a response sent after it started waiting; names and namespaces are apart", (ch, env) =>
        Effect.gen(function*() {
          const backend = yield* Channel.Channel
          yield* env.store.run.claim("driver", { durable: false })
          const waiting = yield* Effect.forkChild(env.store.awaitResponse("approval", undefined))
          yield* backend.respond(ch.namespace, "other", 1)
          // A namespace with no run takes no response: nothing is queued there.
          assert.deepStrictEqual(yield* backend.respond(env.unique("/elsewhere"), "approval", 2), { _tag: "Refused", record: undefined })
          yield* backend.respond(ch.namespace, "approval", "yes")
          assert.strictEqual(yield* Fiber.join(waiting), "yes")
          assert.strictEqual(yield* env.store.awaitResponse("other", 0), 1)
        }), 30_000)

      test("a wait with a timeout gets a response that comes while it waits, before its timeout", (ch, env) =>
        Effect.gen(function*() {
          const backend = yield* Channel.Channel
          yield* env.store.run.claim("driver", { durable: false })
          // A long timeout, the answer a little later: the wait is taken by the answer, not by the clock
          // (on a cluster, the wait's connection to the node of the list is made while it waits).
          const waiting = yield* Effect.forkChild(env.store.awaitResponse("approval", 20 * ttl))
          yield* env.advance(margin)
          yield* backend.respond(ch.namespace, "approval", "in time")
          assert.strictEqual(yield* Fiber.join(waiting), "in time")
        }), 30_000)

      test("an interrupted wait takes nothing; responses survive restore and go with drop", (ch, env) =>
        Effect.gen(function*() {
          const backend = yield* Channel.Channel
          yield* env.store.run.claim("driver", { durable: false })
          const waiting = yield* Effect.forkChild(env.store.awaitResponse("approval", undefined))
          yield* Effect.yieldNow
          yield* Fiber.interrupt(waiting)
          yield* backend.respond(ch.namespace, "approval", "kept")
          yield* env.store.restore([], undefined)
          assert.strictEqual(yield* env.store.awaitResponse("approval", 0), "kept")
          yield* backend.respond(ch.namespace, "approval", "dropped")
          yield* backend.drop(ch.namespace)
          assert.strictEqual(yield* env.store.awaitResponse("approval", 0), undefined)
          // Dropped with its namespace: the run's record is gone, and a response is refused.
          assert.deepStrictEqual(yield* backend.respond(ch.namespace, "approval", "late"), { _tag: "Refused", record: undefined })
        }), 30_000)
    })

    describe("a run's lease and record", () => {
      test("a second driver waits for the first to end; the record says how each ended", (ch, env) =>
        Effect.gen(function*() {
          const backend = yield* Channel.Channel
          assert.strictEqual(yield* backend.runRecord(ch.namespace), undefined)
          yield* env.store.run.claim("first", { durable: true })
          const running = yield* backend.runRecord(ch.namespace)
          assert.strictEqual(running?.status, "running")
          assert.strictEqual(running?.durable, true)
          assert.strictEqual(running?.endedAt, undefined)
          const second = yield* Effect.forkChild(env.store.run.claim("second", { durable: false }))
          yield* Effect.yieldNow
          assert.isUndefined(second.pollUnsafe())
          // The first keeps its lease; the second cannot renew one it does not hold.
          assert.isTrue(yield* env.store.run.renew("first"))
          assert.isFalse(yield* env.store.run.renew("second"))
          yield* env.store.run.end("first", { status: "suspended", waitingFor: ["approval"] })
          yield* Fiber.join(second)
          assert.strictEqual((yield* backend.runRecord(ch.namespace))?.status, "running")
          // Only the latest driver's end counts: the first's is ignored now.
          yield* env.store.run.end("first", { status: "failed", waitingFor: [] })
          assert.strictEqual((yield* backend.runRecord(ch.namespace))?.status, "running")
          yield* env.store.run.end("second", { status: "completed", waitingFor: [] })
          const ended = yield* backend.runRecord(ch.namespace)
          assert.strictEqual(ended?.status, "completed")
          assert.strictEqual(ended?.durable, false)
          assert.isNumber(ended?.endedAt)
        }), 30_000)

      test("responses are taken by a running, a suspended, or a failed durable run; refused by an ended one", (ch, env) =>
        Effect.gen(function*() {
          const backend = yield* Channel.Channel
          const outcome = (status: Exclude<ChannelBackend.RunStatus, "running">, durable: boolean) =>
            Effect.gen(function*() {
              yield* env.store.run.claim("d", { durable })
              yield* env.store.run.end("d", { status, waitingFor: status === "suspended" ? ["approval"] : [] })
              const said = yield* backend.respond(ch.namespace, "approval", status)
              return said._tag === "Queued" ? "queued" : `refused: ${said.record?.status}`
            })
          assert.strictEqual(yield* outcome("suspended", false), "queued")
          assert.strictEqual(yield* outcome("failed", true), "queued")
          assert.strictEqual(yield* outcome("interrupted", true), "queued")
          assert.strictEqual(yield* outcome("failed", false), "refused: failed")
          assert.strictEqual(yield* outcome("completed", true), "refused: completed")
          assert.strictEqual(yield* outcome("terminated", false), "refused: terminated")
          // What was refused was never queued.
          assert.strictEqual(yield* env.store.awaitResponse("approval", 0), "suspended")
          assert.strictEqual(yield* env.store.awaitResponse("approval", 0), "failed")
          assert.strictEqual(yield* env.store.awaitResponse("approval", 0), "interrupted")
          assert.strictEqual(yield* env.store.awaitResponse("approval", 0), undefined)
        }), 30_000)
    })
  })
}

