/**
 * The error classes of channel operations (documented and re-exported by
 * `ChannelError.ts`). Every message is built with `format.ts`, so reading it
 * never throws.
 *
 * @internal
 */
import { Schema } from "effect"
import { describeCause, quote } from "./format.js"

export const Issue = Schema.Struct({
  path: Schema.Array(Schema.Union([Schema.String, Schema.Number])),
  message: Schema.String
})

export type Issue = typeof Issue.Type

const renderPath = (path: ReadonlyArray<string | number>): string =>
  path.length === 0 ? "" : ` at ${path.map((p) => typeof p === "number" ? `[${p}]` : `[${quote(p)}]`).join("")}`

export const renderIssues = (issues: ReadonlyArray<Issue>): string =>
  issues.map((issue) => `${issue.message}${renderPath(issue.path)}`).join("; ")

export class ChannelError extends Schema.TaggedError<ChannelError>()("ChannelError", {
  op: Schema.String,
  key: Schema.optional(Schema.String),
  cause: Schema.Defect()
}) {
  override get message(): string {
    const key = this.key === undefined ? "" : ` on key ${quote(this.key)}`
    return `channel ${this.op}${key} failed: ${describeCause(this.cause)}`
  }
}

export class KeyNotFoundError extends Schema.TaggedError<KeyNotFoundError>()("KeyNotFoundError", {
  key: Schema.String
}) {
  override get message(): string {
    return `channel key ${
      quote(this.key)
    } has no value (never written, deleted or expired); use get(key, default) to read it with a default`
  }
}

export class InvalidValueError extends Schema.TaggedError<InvalidValueError>()("InvalidValueError", {
  key: Schema.String,
  issues: Schema.Array(Issue)
}) {
  override get message(): string {
    return `cannot store the value for channel key ${quote(this.key)}: ${renderIssues(this.issues)}`
  }
}

export class ChannelDecodeError extends Schema.TaggedError<ChannelDecodeError>()("ChannelDecodeError", {
  key: Schema.String,
  issues: Schema.Array(Issue)
}) {
  override get message(): string {
    return `the value stored under channel key ${quote(this.key)} does not match its schema: ${renderIssues(this.issues)}`
  }
}

export class WrongTypeError extends Schema.TaggedError<WrongTypeError>()("WrongTypeError", {
  key: Schema.String,
  op: Schema.String,
  expected: Schema.Literals(["list", "number"]),
  actual: Schema.String
}) {
  override get message(): string {
    return `channel ${this.op} on key ${quote(this.key)} needs a ${this.expected}, but the key holds ${
      this.actual === "undefined" ? "undefined" : `a ${this.actual}`
    }`
  }
}

export class InvalidTtlError extends Schema.TaggedError<InvalidTtlError>()("InvalidTtlError", {
  key: Schema.String,
  ttl: Schema.String
}) {
  override get message(): string {
    return `invalid TTL ${this.ttl} for channel key ${
      quote(this.key)
    }: a TTL must be a positive duration of at most ${MAX_TTL_MILLIS} milliseconds (omit it for a key that does not expire)`
  }
}

/** The longest TTL every backend accepts: the largest whole number of milliseconds a JavaScript number holds exactly. */
export const MAX_TTL_MILLIS = Number.MAX_SAFE_INTEGER

export class LockTimeoutError extends Schema.TaggedError<LockTimeoutError>()("LockTimeoutError", {
  key: Schema.String,
  timeout: Schema.String
}) {
  override get message(): string {
    return `could not acquire the lock on channel key ${quote(this.key)} within ${this.timeout}`
  }
}

export class ReservedKeyError extends Schema.TaggedError<ReservedKeyError>()("ReservedKeyError", {
  key: Schema.String,
  op: Schema.String
}) {
  override get message(): string {
    return `channel ${this.op} on key ${
      quote(this.key)
    } is not allowed: keys ending in ".__result__" hold task results and only the engine writes them`
  }
}

export class InvalidNamespaceError extends Schema.TaggedError<InvalidNamespaceError>()("InvalidNamespaceError", {
  namespace: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `cannot open the channel namespace ${this.namespace}: ${this.reason}`
  }
}
