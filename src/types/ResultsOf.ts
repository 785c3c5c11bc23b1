/**
 * The results record of a workflow, from its `readonly [id, result]` entries:
 * `{ readonly fetch: { data: number[] }; readonly process: number }`.
 *
 * **Example**
 *
 * ```ts
 * import type { ResultsOf } from "effect-graflow/types/ResultsOf"
 *
 * type R = ResultsOf<readonly ["a", number] | readonly ["b", string]> // { readonly a: number; readonly b: string }
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type ResultsOf<Entries extends readonly [string, unknown]> = {
  readonly [Entry in Entries as Entry[0]]: Entry[1]
}
