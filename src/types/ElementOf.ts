/**
 * The element type of a list type; `never` for a type that is not a list.
 *
 * **Example**
 *
 * ```ts
 * import type { ElementOf } from "./ElementOf.js"
 *
 * type A = ElementOf<ReadonlyArray<string>> // string
 * type B = ElementOf<number>                // never
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type ElementOf<L> = L extends ReadonlyArray<infer A> ? A : never
