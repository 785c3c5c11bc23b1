/**
 * The keys among `Keys` whose value type in `T` is a list of any length (not
 * a tuple): the keys `append`/`prepend` accept.
 *
 * **Example**
 *
 * ```ts
 * import type { ListKeys } from "./ListKeys.js"
 *
 * type K = ListKeys<{ logs: ReadonlyArray<string>; total: number }, "logs" | "total"> // "logs"
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type ListKeys<T, Keys extends keyof T> = Keys extends unknown
  ? T[Keys] extends ReadonlyArray<infer A> ? Array<A> extends T[Keys] ? Keys : never : never
  : never
