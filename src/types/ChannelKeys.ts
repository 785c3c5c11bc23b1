import type { ElementOf } from "./ElementOf.js"
import type { ListKeys } from "./ListKeys.js"
import type { NumberKeys } from "./NumberKeys.js"

/**
 * What `set` and `delete` of a typed channel take as a key: one of the task's
 * `writes`, or — when it declares none — a message, so that the mistake says
 * what to do instead of `… parameter of type 'never'`.
 *
 * **Example**
 *
 * ```ts
 * import type { WritableKey } from "./ChannelKeys.js"
 *
 * type K = WritableKey<"total">  // "total"
 * type M = WritableKey<never>    // the message
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type WritableKey<Writable extends string> = [Writable] extends [never] ? NoWrites : Writable

/**
 * What `get` without a default takes as a key: one of the task's `reads` (a
 * task before it certainly wrote them, or they have an initial value), or —
 * when it declares none — a message. A key the task only declares in
 * `writes` may not have been written yet: `get(key, orElse)` and `getOption`
 * read it.
 *
 * **Example**
 *
 * ```ts
 * import type { PresentKey } from "./ChannelKeys.js"
 *
 * type K = PresentKey<"config">  // "config"
 * type M = PresentKey<never>     // the message
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type PresentKey<Present extends string> = [Present] extends [never] ? NoReads : Present

/**
 * The message `get` without a default gets in a task that declares no `reads`.
 *
 * @category type-level
 * @since 0.1.0
 */
export type NoReads =
  "get without a default needs the key in `reads: [...]` (a task before this one must write it); or read it with get(key, orElse) or getOption(key)"

/**
 * The message a write gets in a task that declares no `writes`.
 *
 * @category type-level
 * @since 0.1.0
 */
export type NoWrites = "this task declares no `writes`: add the key to `writes: [...]` to write it"

/**
 * What `append` and `prepend` take as a key: a key of the task's `writes`
 * whose schema is a list, or a message when there is none.
 *
 * **Example**
 *
 * ```ts
 * import type { ListKey } from "./ChannelKeys.js"
 *
 * type K = ListKey<{ logs: ReadonlyArray<string>; total: number }, "logs" | "total"> // "logs"
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type ListKey<T, Writable extends keyof T> = ListKeys<T, Writable> extends infer K extends Writable
  ? [K] extends [never] ? NoListKey : K
  : never

/**
 * The message `append` gets when the task writes no list key.
 *
 * @category type-level
 * @since 0.1.0
 */
export type NoListKey =
  "append and prepend need a key of the task's `writes` whose schema is a list (Schema.Array(…)); set replaces a value"

/**
 * What `atomicAdd` takes as a key: a key of the task's `writes` whose schema
 * is a number, or a message when there is none.
 *
 * **Example**
 *
 * ```ts
 * import type { NumberKey } from "./ChannelKeys.js"
 *
 * type K = NumberKey<{ logs: ReadonlyArray<string>; total: number }, "logs" | "total"> // "total"
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type NumberKey<T, Writable extends keyof T> = NumberKeys<T, Writable> extends infer K extends Writable
  ? [K] extends [never] ? NoNumberKey : K
  : never

/**
 * The message `atomicAdd` gets when the task writes no number key.
 *
 * @category type-level
 * @since 0.1.0
 */
export type NoNumberKey = "atomicAdd needs a key of the task's `writes` whose schema is a number"

/**
 * The value a write to key `K` takes. For a key of a union type (`flag ? "a" :
 * "b"`), the value must suit every one of them: the intersection of their
 * value types (a `number` for `number` and `string` keys is `never`: no value
 * suits both).
 *
 * **Example**
 *
 * ```ts
 * import type { ValueFor } from "./ChannelKeys.js"
 *
 * type A = ValueFor<{ a: number; b: string }, "a">       // number
 * type B = ValueFor<{ a: number; b: string }, "a" | "b"> // never
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type ValueFor<T, K extends keyof T> = (K extends unknown ? (value: T[K]) => void : never) extends
  (value: infer V) => void ? V
  : never

/**
 * The element `append` of key `K` takes: for a union of keys, an element every
 * one of their lists takes.
 *
 * **Example**
 *
 * ```ts
 * import type { ElementFor } from "./ChannelKeys.js"
 *
 * type E = ElementFor<{ logs: ReadonlyArray<string> }, "logs"> // string
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type ElementFor<T, K extends keyof T> = (K extends unknown ? (value: ElementOf<T[K]>) => void : never) extends
  (value: infer V) => void ? V
  : never
