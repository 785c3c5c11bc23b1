/**
 * The typed errors of channel operations. Every one is tagged, names the key it
 * is about, and is raised before anything is written: a failed operation leaves
 * the channel as it was.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * A path inside a value, as in Effect's schema issues: `["config"]["batchSize"]`.
 *
 * **Example**
 *
 * ```ts
 * import type { ChannelError } from "effect-graflow"
 *
 * const issue: ChannelError.Issue = { path: ["config", "batchSize"], message: "Expected number" }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export const Issue = Schema.Struct({
  path: Schema.Array(Schema.Union([Schema.String, Schema.Number])),
  message: Schema.String
})

/**
 * One problem found in a value, with where it is.
 *
 * @category models
 * @since 0.1.0
 */
export type Issue = typeof Issue.Type

const renderPath = (path: ReadonlyArray<string | number>): string =>
  path.length === 0 ? "" : ` at ${path.map((p) => typeof p === "number" ? `[${p}]` : `[${JSON.stringify(p)}]`).join("")}`

const renderIssues = (issues: ReadonlyArray<Issue>): string =>
  issues.map((issue) => `${issue.message}${renderPath(issue.path)}`).join("; ")

/**
 * The backend failed: Redis unreachable, a dropped connection, a command error.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Channel } from "effect-graflow"
 *
 * const program = Effect.gen(function*() {
 *   const channel = yield* Channel.open("demo")
 *   yield* channel.set("k", 1)
 * }).pipe(Effect.catchTag("ChannelError", (e) => Effect.logError(e.message)))
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class ChannelError extends Schema.TaggedError<ChannelError>()("ChannelError", {
  op: Schema.String,
  key: Schema.optional(Schema.String),
  cause: Schema.Defect()
}) {
  override get message(): string {
    const key = this.key === undefined ? "" : ` on key ${JSON.stringify(this.key)}`
    const cause = this.cause instanceof Error ? this.cause.message : JSON.stringify(this.cause)
    return `channel ${this.op}${key} failed: ${cause}`
  }
}

/**
 * `get` without a default found no live value under the key (never written,
 * deleted, or expired).
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Channel } from "effect-graflow"
 *
 * const program = Effect.gen(function*() {
 *   const channel = yield* Channel.open("demo")
 *   return yield* channel.get("missing").pipe(Effect.catchTag("KeyNotFoundError", () => Effect.succeed(0)))
 * })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class KeyNotFoundError extends Schema.TaggedError<KeyNotFoundError>()("KeyNotFoundError", {
  key: Schema.String
}) {
  override get message(): string {
    return `channel key ${JSON.stringify(this.key)} has no value (never written, deleted or expired); use get(key, default) to read it with a default`
  }
}

/**
 * A value cannot be stored: it is not a JSON value (a function, a class
 * instance, a cycle, `NaN`…) or it fails the key's schema. Nothing was written.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Channel } from "effect-graflow"
 *
 * const program = Effect.gen(function*() {
 *   const channel = yield* Channel.open("demo")
 *   const error = yield* Effect.flip(channel.set("when", new Date()))
 *   if (error._tag === "InvalidValueError") return error.issues
 *   // [{ path: [], message: "an instance of Date is not a plain object; …" }]
 * })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class InvalidValueError extends Schema.TaggedError<InvalidValueError>()("InvalidValueError", {
  key: Schema.String,
  issues: Schema.Array(Issue)
}) {
  override get message(): string {
    return `cannot store the value for channel key ${JSON.stringify(this.key)}: ${renderIssues(this.issues)}`
  }
}

/**
 * A stored value does not decode with the schema it is read through (it was
 * written by an untyped writer, or by another program).
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Channel } from "effect-graflow"
 *
 * const program = Effect.gen(function*() {
 *   const channel = yield* Channel.open("demo")
 *   yield* channel.set("count", "three")
 *   const error = yield* Effect.flip(channel.typed(Schema.Number).get("count"))
 *   return error._tag // "ChannelDecodeError"
 * })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class ChannelDecodeError extends Schema.TaggedError<ChannelDecodeError>()("ChannelDecodeError", {
  key: Schema.String,
  issues: Schema.Array(Issue)
}) {
  override get message(): string {
    return `the value stored under channel key ${JSON.stringify(this.key)} does not match its schema: ${
      renderIssues(this.issues)
    }`
  }
}

/**
 * A list operation on a value that is not a list, or `atomicAdd` on a value
 * that is not a number. Nothing was written.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Channel } from "effect-graflow"
 *
 * const program = Effect.gen(function*() {
 *   const channel = yield* Channel.open("demo")
 *   yield* channel.set("status", "ok")
 *   const error = yield* Effect.flip(channel.append("status", "more"))
 *   if (error._tag === "WrongTypeError") return error.actual // "string"
 * })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class WrongTypeError extends Schema.TaggedError<WrongTypeError>()("WrongTypeError", {
  key: Schema.String,
  op: Schema.String,
  expected: Schema.Literals(["list", "number"]),
  actual: Schema.String
}) {
  override get message(): string {
    return `channel ${this.op} on key ${JSON.stringify(this.key)} needs a ${this.expected}, but the key holds ${
      this.actual === "undefined" ? "undefined" : `a ${this.actual}`
    }`
  }
}

/**
 * A TTL that is not a positive, finite duration. Nothing was written.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Channel } from "effect-graflow"
 *
 * const program = Effect.gen(function*() {
 *   const channel = yield* Channel.open("demo")
 *   return yield* Effect.flip(channel.set("k", 1, { ttl: 0 })) // InvalidTtlError
 * })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class InvalidTtlError extends Schema.TaggedError<InvalidTtlError>()("InvalidTtlError", {
  key: Schema.String,
  ttl: Schema.String
}) {
  override get message(): string {
    return `invalid TTL ${this.ttl} for channel key ${
      JSON.stringify(this.key)
    }: a TTL must be a positive, finite duration (omit it for a key that does not expire)`
  }
}

/**
 * `lock` could not acquire the key's lock within its timeout.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Channel } from "effect-graflow"
 *
 * const program = Effect.gen(function*() {
 *   const channel = yield* Channel.open("demo")
 *   return yield* channel.lock("counter", channel.atomicAdd("counter", 1), { timeout: "1 second" })
 * }).pipe(Effect.catchTag("LockTimeoutError", () => Effect.succeed(-1)))
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class LockTimeoutError extends Schema.TaggedError<LockTimeoutError>()("LockTimeoutError", {
  key: Schema.String,
  timeout: Schema.String
}) {
  override get message(): string {
    return `could not acquire the lock on channel key ${JSON.stringify(this.key)} within ${this.timeout}`
  }
}

/**
 * A write to a key that the engine owns: keys ending in `.__result__` hold task
 * results and are written only by the engine. Nothing was written.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Channel } from "effect-graflow"
 *
 * const program = Effect.gen(function*() {
 *   const channel = yield* Channel.open("demo")
 *   return yield* Effect.flip(channel.set("fetch.__result__", 1)) // ReservedKeyError
 * })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class ReservedKeyError extends Schema.TaggedError<ReservedKeyError>()("ReservedKeyError", {
  key: Schema.String,
  op: Schema.String
}) {
  override get message(): string {
    return `channel ${this.op} on key ${
      JSON.stringify(this.key)
    } is not allowed: keys ending in ".__result__" hold task results and only the engine writes them`
  }
}
