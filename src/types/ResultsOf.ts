import type { Simplify } from "type-fest"
import type { AnyEntry } from "./Entry.js"

/**
 * The results record of a workflow, from its entries (`Task.Entry<id, result>`):
 * `{ readonly fetch: { data: number[] }; readonly process: number }`. The
 * results of the `Maybe` ids (a lenient group's members, tasks after a jump or
 * a terminate, the tasks of an array) are optional; a task with a computed id
 * gives an index signature.
 *
 * **Example**
 *
 * ```ts
 * import type { Task } from "effect-graflow"
 * import type { ResultsOf } from "./ResultsOf.js"
 *
 * type R = ResultsOf<Task.Entry<"a", number> | Task.Entry<"b", string>, "b">
 * // { readonly a: number; readonly b?: string }
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type ResultsOf<Entries extends AnyEntry, Maybe extends string = never> = [Maybe] extends [never]
  ? { readonly [Entry in Entries as Entry["id"]]: Entry["result"] }
  : Simplify<
    & { readonly [Entry in Entries as Entry["id"] extends Maybe ? never : Entry["id"]]: Entry["result"] }
    & { readonly [Entry in Entries as Entry["id"] extends Maybe ? Entry["id"] : never]?: Entry["result"] }
  >
