import type { Flow } from "../Flow.js"

/**
 * The shape of flows composed one after another (`"sequence"`: each flow's
 * needs are met by the flows before it) or side by side (`"parallel"`: no
 * member sees a sibling's result or writes, so a member's needs stay needs of
 * the group; after the group every member's result is available).
 *
 * A fold over the tuple with one accumulator per field: each step is a few
 * eager union operations and the recursion is in tail position, so a
 * 500-element chain type-checks in one pass, with no nesting per element.
 *
 * **Example**
 *
 * ```ts
 * import type { FoldShape } from "effect-graflow/types/FoldShape"
 * import type { Task } from "effect-graflow"
 *
 * type S = FoldShape<"sequence", [Task.Task<"a", number>, Task.Task<"b", string>]>
 * // { ids: "a" | "b"; results: readonly ["a", number] | readonly ["b", string]; … }
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type FoldShape<
  Mode extends "sequence" | "parallel",
  Flows extends ReadonlyArray<unknown>,
  Ids extends string = never,
  Results = never,
  Writes extends string = never,
  Needs = never,
  Reads = never,
  Dups extends string = never,
  Channels = never,
  E = never,
  R = never
> = Flows extends readonly [infer Head, ...infer Rest]
  ? Head extends Flow<infer S> ? FoldShape<
      Mode,
      Rest,
      Ids | S["ids"],
      Results | S["results"],
      Writes | S["writes"],
      Needs | (Mode extends "sequence" ? Exclude<S["needs"], readonly [Ids, string]> : S["needs"]),
      Reads | (Mode extends "sequence" ? Exclude<S["reads"], readonly [Writes, string]> : S["reads"]),
      Dups | S["dups"] | Extract<S["ids"], Ids>,
      Channels | S["channels"],
      E | S["error"],
      R | S["services"]
    >
  : never
  : {
    readonly ids: Ids
    readonly results: Results
    readonly writes: Writes
    readonly needs: Needs
    readonly reads: Reads
    readonly dups: Dups
    readonly channels: Channels
    readonly error: E
    readonly services: R
  }
