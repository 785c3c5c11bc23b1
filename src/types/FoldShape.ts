import type { Flow } from "../Flow.js"

/**
 * How a parallel group treats its members' failures, as far as types go:
 * `"strict"` (every member's result is certain afterwards), `"lenient"` (any
 * member may have failed: every result may be absent), or the union of the
 * critical task ids (members holding one are certain, the others may be absent).
 *
 * **Example**
 *
 * ```ts
 * import type { PolicyKind } from "effect-graflow/types/FoldShape"
 *
 * const strict: PolicyKind = "strict"
 * const critical: PolicyKind = { critical: "fetch" }
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type PolicyKind = "strict" | "lenient" | { readonly critical: string }

/**
 * The literal members of a union of ids: a task made with a computed id (type
 * `string`) cannot be checked for duplicates at compile time (`Workflow.make`
 * checks it when it runs).
 */
type Literal<Ids extends string> = Ids extends string ? string extends Ids ? never : Ids : never

/** The ids of a member that are certain after a group with policy `P`. */
type MemberCertain<P, Ids extends string, Certain extends string> = P extends "strict" ? Certain
  : P extends { readonly critical: infer C extends string } ? ([Extract<Ids, C>] extends [never] ? never : Certain)
  : never

/**
 * The shape of flows composed one after another (`"sequence"`: each flow's
 * needs are met by the flows before it) or side by side (a parallel group with
 * policy `P`: no member sees a sibling's result or writes, so a member's needs
 * stay needs of the group; afterwards every member's result is available, or
 * may be absent under a lenient policy).
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
  Mode extends "sequence" | PolicyKind,
  Flows extends ReadonlyArray<unknown>,
  Ids extends string = never,
  Certain extends string = never,
  Results = never,
  Writes extends string = never,
  Needs = never,
  Wants = never,
  Reads = never,
  Jumps = never,
  Dups extends string = never,
  Channels = never,
  Cut extends true = never,
  Groups extends true = never,
  E = never,
  R = never
> = Flows extends readonly [infer Head, ...infer Rest]
  ? Head extends Flow<infer S> ? FoldShape<
      Mode,
      Rest,
      Ids | S["ids"],
      Certain | (
        Mode extends "sequence" ? ([Cut] extends [never] ? Exclude<S["ids"], S["maybe"]> : never)
          : MemberCertain<Mode, S["ids"], Exclude<S["ids"], S["maybe"]>>
      ),
      Results | S["results"],
      Writes | S["writes"],
      Needs | (Mode extends "sequence" ? Exclude<S["needs"], readonly [Certain, string]> : S["needs"]),
      Wants | (Mode extends "sequence" ? Exclude<S["wants"], readonly [Ids, string]> : S["wants"]),
      Reads | (Mode extends "sequence" ? Exclude<S["reads"], readonly [Writes, string]> : S["reads"]),
      Jumps | S["jumps"],
      Dups | S["dups"] | Extract<Literal<S["ids"]>, Ids>,
      Channels | S["channels"],
      Cut | S["cut"],
      Groups | S["groups"],
      E | S["error"],
      R | S["services"]
    >
  : never
  : {
    readonly ids: Ids
    readonly maybe: Exclude<Ids, Certain>
    readonly results: Results
    readonly writes: Writes
    readonly needs: Needs
    readonly wants: Wants
    readonly reads: Reads
    readonly jumps: Jumps
    readonly dups: Dups
    readonly channels: Channels
    readonly cut: Cut
    readonly groups: Mode extends "sequence" ? Groups : true
    readonly error: E
    readonly services: R
  }
