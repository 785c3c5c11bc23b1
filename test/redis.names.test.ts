/**
 * How RedisChannel names things in Redis (src/internal/redis.ts), tested on its
 * own: the key and namespace encoding is lossless and leaves no ":" inside a
 * part, so (prefix, namespace, key) → Redis key is one-to-one; URLs lose their
 * password before they reach a message.
 */
import { describe, expect, it } from "vitest"
import { redactUrl } from "../src/internal/redis/seeds.js"
import { decodeSegment, encodeSegment, namespaceBase, namespaceKeys, normalizePrefix, queueOf } from "../src/internal/redis/keys.js"

/** Random strings over an alphabet full of what is special: separators, escapes, surrogates alone and paired. */
const alphabet = [":", "%", "{", "}", "7", "B", "3", "A", "u", "D", "8", "0", "a", "/", "*", "\uD800", "\uDBFF", "\uDC00", "😀", "\uFFFD", "é", "k"]
const random = (seed: number) => {
  let state = seed
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648
  return () => Array.from({ length: Math.floor(next() * 8) }, () => alphabet[Math.floor(next() * alphabet.length)]).join("")
}

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

describe("Redis names", () => {
  it("encodeSegment is lossless, leaves no ':' and no lone surrogate, and keeps ordinary text as it is", () => {
    const gen = random(42)
    const seen = new Map<string, string>()
    for (let i = 0; i < 20_000; i++) {
      const text = gen()
      const encoded = encodeSegment(text)
      expect(decodeSegment(encoded)).toBe(text)
      expect(encoded).not.toContain(":")
      expect(encoded).not.toMatch(/[{}]/)
      expect(encoded).not.toMatch(loneSurrogate)
      const before = seen.get(encoded)
      if (before !== undefined) expect(before).toBe(text)
      seen.set(encoded, text)
    }
    expect(encodeSegment("user_42.profile")).toBe("user_42.profile")
    expect(encodeSegment("a:b%c\uD800d😀")).toBe("a%3Ab%25c%uD800d😀")
    expect(encodeSegment("run-{t-1}")).toBe("run-%7Bt-1%7D")
  })

  it("every key of a namespace has the namespace as its hash tag, whatever the names hold", () => {
    // Redis hashes the text between the first "{" and the first "}" after it.
    const tagOf = (key: string) => {
      const open = key.indexOf("{")
      const close = key.indexOf("}", open + 1)
      return open === -1 || close === -1 || close === open + 1 ? key : key.slice(open + 1, close)
    }
    const gen = random(11)
    for (const prefix of ["", "g:", "app:env:"]) {
      for (let i = 0; i < 2_000; i++) {
        const namespace = gen() || "n"
        const key = gen()
        const keys = namespaceKeys(prefix, namespace)
        const all = [keys.index, keys.journal, keys.responseNames, keys.runRecord, keys.runLease, keys.data(key), keys.lock(key), keys.responses(key)]
        for (const redisKey of all) expect(tagOf(redisKey)).toBe(encodeSegment(namespace))
      }
    }
  })

  it("a prefix or queue with a brace is refused in words; a queue's prefix is a hash tag of its own", () => {
    expect(() => normalizePrefix("app:{eu}:")).toThrow(/contains a brace: the keys' hash tags .* are made by effect-graflow; remove the braces/)
    expect(() => queueOf({ prefix: "{x}" })).toThrow(/the prefix "\{x\}" contains a brace/)
    expect(() => queueOf({ queue: "{etl}" })).toThrow(/the queue "\{etl\}" must be a non-empty name without braces or ':'/)
    expect(queueOf({})).toEqual({ prefix: "{graflow::bull:effect-graflow}", name: "effect-graflow" })
    expect(queueOf({ prefix: "etl", queue: "nightly" })).toEqual({ prefix: "{etl::bull:nightly}", name: "nightly" })
  })

  it("no two (prefix, namespace, key) triples share a Redis key", () => {
    const prefixes = ["", "g:", "g:a:", "g:a:k:", "g:x", "x:"].map(normalizePrefix)
    const gen = random(7)
    const owner = new Map<string, string>()
    for (const prefix of prefixes) {
      for (let i = 0; i < 2_000; i++) {
        const namespace = gen() || "n"
        const key = gen()
        const redisKey = `${namespaceBase(prefix, namespace)}k:${encodeSegment(key)}`
        const triple = JSON.stringify([prefix, namespace, key])
        const before = owner.get(redisKey)
        if (before !== undefined) expect(before).toBe(triple)
        owner.set(redisKey, triple)
      }
    }
  })

  it("redactUrl replaces the password (or a lone user-info part) with ***", () => {
    expect(redactUrl("redis://user:secret@127.0.0.1:6379/2")).toBe("redis://user:***@127.0.0.1:6379/2")
    expect(redactUrl("redis://:secret@host")).toBe("redis://:***@host")
    expect(redactUrl("rediss://secret@host:6380")).toBe("rediss://***@host:6380")
    expect(redactUrl("redis://user:p@ss@host")).toBe("redis://user:***@host")
    expect(redactUrl("redis://127.0.0.1:6399/?password=s3cret&db=2")).toBe("redis://127.0.0.1:6399/?password=***&db=2")
    expect(redactUrl("redis://h:1/?db=1&Password=s3cret")).toBe("redis://h:1/?db=1&Password=***")
    expect(redactUrl("redis://user:pa/ss@host:1")).toBe("redis://user:***@host:1")
    expect(redactUrl("redis://127.0.0.1:6379")).toBe("redis://127.0.0.1:6379")
  })
})
