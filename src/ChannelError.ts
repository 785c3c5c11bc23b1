/**
 * The typed errors of channel operations. Every one is tagged, names the key it
 * is about, and is raised before anything is written: a failed operation leaves
 * the channel as it was.
 *
 * @since 0.1.0
 */
import * as internal from "./internal/channelError.js"

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
export const Issue: typeof internal.Issue = internal.Issue

/**
 * One problem found in a value, with where it is.
 *
 * @category models
 * @since 0.1.0
 */
export interface Issue extends internal.Issue {}

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
export const ChannelError: typeof internal.ChannelError = internal.ChannelError

/**
 * The type of {@link ChannelError} errors.
 *
 * @category errors
 * @since 0.1.0
 */
export interface ChannelError extends internal.ChannelError {}

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
export const KeyNotFoundError: typeof internal.KeyNotFoundError = internal.KeyNotFoundError

/**
 * The type of {@link KeyNotFoundError} errors.
 *
 * @category errors
 * @since 0.1.0
 */
export interface KeyNotFoundError extends internal.KeyNotFoundError {}

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
export const InvalidValueError: typeof internal.InvalidValueError = internal.InvalidValueError

/**
 * The type of {@link InvalidValueError} errors.
 *
 * @category errors
 * @since 0.1.0
 */
export interface InvalidValueError extends internal.InvalidValueError {}

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
export const ChannelDecodeError: typeof internal.ChannelDecodeError = internal.ChannelDecodeError

/**
 * The type of {@link ChannelDecodeError} errors.
 *
 * @category errors
 * @since 0.1.0
 */
export interface ChannelDecodeError extends internal.ChannelDecodeError {}

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
export const WrongTypeError: typeof internal.WrongTypeError = internal.WrongTypeError

/**
 * The type of {@link WrongTypeError} errors.
 *
 * @category errors
 * @since 0.1.0
 */
export interface WrongTypeError extends internal.WrongTypeError {}

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
export const InvalidTtlError: typeof internal.InvalidTtlError = internal.InvalidTtlError

/**
 * The type of {@link InvalidTtlError} errors.
 *
 * @category errors
 * @since 0.1.0
 */
export interface InvalidTtlError extends internal.InvalidTtlError {}

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
export const LockTimeoutError: typeof internal.LockTimeoutError = internal.LockTimeoutError

/**
 * The type of {@link LockTimeoutError} errors.
 *
 * @category errors
 * @since 0.1.0
 */
export interface LockTimeoutError extends internal.LockTimeoutError {}

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
export const ReservedKeyError: typeof internal.ReservedKeyError = internal.ReservedKeyError

/**
 * The type of {@link ReservedKeyError} errors.
 *
 * @category errors
 * @since 0.1.0
 */
export interface ReservedKeyError extends internal.ReservedKeyError {}

/**
 * `Channel.open` was given a namespace that is not a non-empty string (from
 * plain JavaScript, or a cast). Nothing was opened.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Channel } from "effect-graflow"
 *
 * const program = Effect.gen(function*() {
 *   const error = yield* Effect.flip(Channel.open(""))
 *   return error._tag // "InvalidNamespaceError"
 * }).pipe(Effect.scoped)
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export const InvalidNamespaceError: typeof internal.InvalidNamespaceError = internal.InvalidNamespaceError

/**
 * The type of {@link InvalidNamespaceError} errors.
 *
 * @category errors
 * @since 0.1.0
 */
export interface InvalidNamespaceError extends internal.InvalidNamespaceError {}
