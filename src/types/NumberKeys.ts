/**
 * The keys among `Keys` whose value type in `T` is `number` (any number, not a
 * union of literals): the keys `atomicAdd` accepts.
 *
 * **Example**
 *
 * ```ts
 * import type { NumberKeys } from "./NumberKeys.js"
 *
 * type K = NumberKeys<{ logs: ReadonlyArray<string>; total: number }, "logs" | "total"> // "total"
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type NumberKeys<T, Keys extends keyof T> = Keys extends unknown
  ? T[Keys] extends number ? number extends T[Keys] ? Keys : never : never
  : never
