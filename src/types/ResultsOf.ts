import type { Simplify } from "type-fest"

/**
 * The results record of a workflow, from its `readonly [id, result, …]`
 * entries: `{ readonly fetch: { data: number[] }; readonly process: number }`.
 * The results of the `Maybe` ids (a lenient group's members, tasks after a
 * jump or a terminate) are optional.
 *
 * **Example**
 *
 * ```ts
 * import type { ResultsOf } from "effect-graflow/types/ResultsOf"
 *
 * type R = ResultsOf<readonly ["a", number] | readonly ["b", string], "b">
 * // { readonly a: number; readonly b?: string }
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type ResultsOf<Entries extends readonly [string, unknown, ...Array<unknown>], Maybe extends string = never> =
  [Maybe] extends [never] ? { readonly [Entry in Entries as Entry[0]]: Entry[1] }
    : Simplify<
      & { readonly [Entry in Entries as Entry[0] extends Maybe ? never : Entry[0]]: Entry[1] }
      & { readonly [Entry in Entries as Entry[0] extends Maybe ? Entry[0] : never]?: Entry[1] }
    >
