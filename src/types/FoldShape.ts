import type { ByTask, FlowShape, Shaped } from "./FlowShape.js"

/** A flow, as the fold reads it: its shape. */
interface AnyFlow {
  readonly "~shape": FlowShape
}

/**
 * How a parallel group treats its members' failures, as far as types go:
 * `"strict"` (every member's result is certain afterwards), `"lenient"` (any
 * member may have failed: every result may be absent), or the union of the
 * critical task ids (members holding one are certain, the others may be absent).
 */
type PolicyKind = "strict" | "lenient" | { readonly critical: string }

/** What a member contributes to what is certain after a group with policy `P`: all of `X`, or nothing. */
type MemberCertain<P, Ids extends string, X> = P extends "strict" ? X
  : P extends { readonly critical: infer C extends string } ? ([Extract<Ids, C>] extends [never] ? never : X)
  : never

/**
 * The shape of flows composed one after another (`"sequence"`: each flow's
 * needs are met by the flows before it) or side by side (a parallel group with
 * policy `P`: no member sees a sibling's result or writes, so a member's needs
 * stay needs of the group; afterwards every member's result is available, or
 * may be absent under a lenient policy).
 *
 * The tuple of flows is folded with one accumulator per field, every step a
 * few eager union operations in tail position, so no type nests once per
 * flow. The tuple is cut sixteen flows at a time (`[a, …, p, ...rest]`) and
 * each chunk is walked by position: taking one flow at a time
 * (`[first, ...infer rest]`) would build a new tuple per flow, which
 * TypeScript then checks against the array type, methods and all. An array
 * of unknown length (`chain(first, ...rest)`) is folded as a repeated flow:
 * its tasks, errors, services and needs all count, none of its results is
 * certain, and the flows fixed after it are.
 *
 * **Example**
 *
 * ```ts
 * import type { FoldShape } from "./FoldShape.js"
 * import type { Task } from "effect-graflow"
 *
 * type S = FoldShape<"sequence", [Task.Task<"a", number>, Task.Task<"b", string>]>
 * // { ids: "a" | "b"; results: Task.Entry<"a", number> | Task.Entry<"b", string>; … }
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type FoldShape<Mode extends "sequence" | PolicyKind, Flows extends ReadonlyArray<unknown>> = Shaped<
  Complete<
    Fold<Mode, Flows, never, never, never, never, never, never, never, never, never, never, never>,
    Flows[number] extends infer F ? F extends { readonly "~shape": infer S extends FlowShape } ? S : never : never,
    Mode extends "sequence" ? never : true
  >
>

/**
 * The fields that do not depend on the order of the flows, read once from the
 * union of their shapes instead of being carried through every step of the
 * fold: the fold's per-step cost is its number of accumulators.
 */
type Complete<Folded, All extends FlowShape, Group extends true> = Folded extends {
  readonly lits: infer Lits extends string
  readonly certain: infer Certain extends FlowShape["certain"]
  readonly present: infer Present extends string
  readonly results: infer Results extends FlowShape["results"]
  readonly writes: infer Writes extends string
  readonly needs: infer Needs extends FlowShape["needs"]
  readonly wants: infer Wants extends FlowShape["wants"]
  readonly reads: infer Reads extends FlowShape["reads"]
  readonly dups: infer Dups extends string
  readonly skips: infer Skips extends true
  readonly stops: infer Stops extends true
} ? {
    readonly ids: All["ids"]
    readonly lits: Lits
    readonly certain: Certain
    readonly present: Present
    readonly results: Results
    readonly writes: Writes
    readonly needs: Needs
    readonly wants: Wants
    readonly reads: Reads
    readonly jumps: All["jumps"]
    readonly dups: Dups
    readonly invalid: All["invalid"]
    readonly channels: All["channels"]
    readonly skips: Skips
    readonly stops: Stops
    readonly groups: All["groups"] | Group
    readonly failures: All["failures"]
    readonly cancels: All["cancels"]
    readonly services: All["services"]
    readonly input: All["input"]
    readonly awaits: All["awaits"]
  }
  : never

/** The shape of the flows of an array of unknown length (`Array<F>`), taken as one repeated flow. */
type Spread<Small extends ReadonlyArray<unknown>> = Small[number] extends infer F
  ? F extends AnyFlow ? F["~shape"] : never
  : never

/**
 * An array of unknown length split into the array itself and the flows fixed
 * after it (`[...Array<F>, G, H]` gives `Array<F>` and `[G, H]`): the flows
 * after it run, in order, whatever the array's length.
 */
type Trailing<Small extends ReadonlyArray<unknown>, After extends ReadonlyArray<unknown> = readonly []> =
  Small extends readonly [...infer Init, infer Last] ? Trailing<Init, readonly [Last, ...After]> : readonly [Small, After]

/** The next position in a chunk: a lookup, not a tuple (a tuple per step is what the fold avoids). */
interface Next {
  0: 1
  1: 2
  2: 3
  3: 4
  4: 5
  5: 6
  6: 7
  7: 8
  8: 9
  9: 10
  10: 11
  11: 12
  12: 13
  13: 14
  14: 15
  15: 16
  16: 16
}

/**
 * The accumulated fields of a fold when it ends. The steps below carry them as
 * eleven type parameters, listed in each step, rather than as one instance of
 * this interface: packed into one accumulator, TypeScript's check of the fold
 * against `FlowShape` (where `Flows` is still generic, in Flow.ts) recurses
 * through the steps without end ("excessive stack depth"), measured with
 * TypeScript 6.0.3.
 */
interface Folded<
  Lits extends string,
  Certain,
  Present extends string,
  Results,
  Writes extends string,
  Needs,
  Wants,
  Reads,
  Dups extends string,
  Skips extends true,
  Stops extends true
> {
  readonly lits: Lits
  readonly certain: Certain
  readonly present: Present
  readonly results: Results
  readonly writes: Writes
  readonly needs: Needs
  readonly wants: Wants
  readonly reads: Reads
  readonly dups: Dups
  readonly skips: Skips
  readonly stops: Stops
}

// How the fold walks a tuple, in a sequence and in a group alike: sixteen
// flows at a time (`[a, …, p, ...rest]`), and within those sixteen by position
// (`Small[I]`, with `I` counted through `Next`). Matching `[first, ...infer
// more]` once per flow would build the rest of the tuple once per flow, and
// TypeScript checks each of those new tuples against the array type,
// instantiating the array's methods: that alone was a fifth of a long chain's
// cost. A tuple whose length is not known (an array spread into it) is walked
// flow by flow up to the array, the array is folded as one repeated flow, then
// the flows fixed after it follow.

// ---------------------------------------------------------------------------
// the fold, in sequence or side by side
// ---------------------------------------------------------------------------

/**
 * What an array's flows add to a need accumulator (`needs`, `wants`, `reads`):
 * in a sequence, what the flows before it do not meet (`Met`); in a group, all
 * of it (no member sees a sibling's result or writes).
 */
type Unmet<Mode, Needs, Met> = Mode extends "sequence" ? Exclude<Needs, ByTask<Met, string>> : Needs

type Fold<
  Mode,
  Flows extends ReadonlyArray<unknown>,
  Lits extends string,
  Certain,
  Present extends string,
  Results,
  Writes extends string,
  Needs,
  Wants,
  Reads,
  Dups extends string,
  Skips extends true,
  Stops extends true
> = Flows extends readonly [
  infer F0,
  infer F1,
  infer F2,
  infer F3,
  infer F4,
  infer F5,
  infer F6,
  infer F7,
  infer F8,
  infer F9,
  infer F10,
  infer F11,
  infer F12,
  infer F13,
  infer F14,
  infer F15,
  ...infer Rest
] ? Chunk<
    Mode,
    readonly [F0, F1, F2, F3, F4, F5, F6, F7, F8, F9, F10, F11, F12, F13, F14, F15],
    Rest,
    0,
    Lits,
    Certain,
    Present,
    Results,
    Writes,
    Needs,
    Wants,
    Reads,
    Dups,
    Skips,
    Stops
  >
  : number extends Flows["length"]
    ? Flows extends readonly [infer F, ...infer More]
      ? Chunk<Mode, readonly [F], More, 0, Lits, Certain, Present, Results, Writes, Needs, Wants, Reads, Dups, Skips, Stops>
    // An array of unknown length: any number of its flows, in an order we do not
    // know, none of them certain; then the flows fixed after it, in order.
    : Trailing<Flows> extends readonly [infer Head extends ReadonlyArray<unknown>, infer Tail extends ReadonlyArray<unknown>]
      ? Spread<Head> extends infer S extends FlowShape ? Chunk<
          Mode,
          Tail,
          readonly [],
          0,
          Lits | S["lits"],
          Certain,
          Present,
          Results | S["results"],
          Writes,
          Needs | Unmet<Mode, S["needs"], Certain>,
          Wants | Unmet<Mode, S["wants"], Results>,
          Reads | Unmet<Mode, S["reads"], Writes>,
          Dups | S["dups"] | Extract<S["lits"], Lits>,
          Skips | S["skips"],
          Stops | S["stops"]
        >
      : never
    : never
  : Chunk<Mode, Flows, readonly [], 0, Lits, Certain, Present, Results, Writes, Needs, Wants, Reads, Dups, Skips, Stops>

/** One chunk of flows, walked by position (the mode is looked at once per chunk, not once per field). */
type Chunk<
  Mode,
  Small extends ReadonlyArray<unknown>,
  Rest extends ReadonlyArray<unknown>,
  I extends keyof Next,
  Lits extends string,
  Certain,
  Present extends string,
  Results,
  Writes extends string,
  Needs,
  Wants,
  Reads,
  Dups extends string,
  Skips extends true,
  Stops extends true
> = Mode extends "sequence"
  ? SeqChunk<Small, Rest, I, Lits, Certain, Present, Results, Writes, Needs, Wants, Reads, Dups, Skips, Stops>
  : ParChunk<Mode, Small, Rest, I, Lits, Certain, Present, Results, Writes, Needs, Wants, Reads, Dups, Skips, Stops>

// The two steps: a flow after the ones before it, and a member next to the others.

type SeqChunk<
  Small extends ReadonlyArray<unknown>,
  Rest extends ReadonlyArray<unknown>,
  I extends keyof Next,
  Lits extends string,
  Certain,
  Present extends string,
  Results,
  Writes extends string,
  Needs,
  Wants,
  Reads,
  Dups extends string,
  Skips extends true,
  Stops extends true
> = I extends Small["length"]
  ? Rest extends readonly [] ? Folded<Lits, Certain, Present, Results, Writes, Needs, Wants, Reads, Dups, Skips, Stops>
  : Fold<"sequence", Rest, Lits, Certain, Present, Results, Writes, Needs, Wants, Reads, Dups, Skips, Stops>
  : Small[I] extends { readonly "~shape": infer S extends FlowShape } ? SeqChunk<
      Small,
      Rest,
      Next[I],
      Lits | S["lits"],
      Certain | ([Skips] extends [never] ? S["certain"] : never),
      Present | ([Skips | Stops] extends [never] ? S["present"] : never),
      Results | S["results"],
      Writes | ([Skips] extends [never] ? S["writes"] : never),
      Needs | Exclude<S["needs"], ByTask<Certain, string>>,
      Wants | Exclude<S["wants"], ByTask<Results, string>>,
      Reads | Exclude<S["reads"], ByTask<Writes, string>>,
      Dups | S["dups"] | Extract<S["lits"], Lits>,
      Skips | S["skips"],
      Stops | S["stops"]
    >
  : never

type ParChunk<
  P,
  Small extends ReadonlyArray<unknown>,
  Rest extends ReadonlyArray<unknown>,
  I extends keyof Next,
  Lits extends string,
  Certain,
  Present extends string,
  Results,
  Writes extends string,
  Needs,
  Wants,
  Reads,
  Dups extends string,
  Skips extends true,
  Stops extends true
> = I extends Small["length"]
  ? Rest extends readonly [] ? Folded<Lits, Certain, Present, Results, Writes, Needs, Wants, Reads, Dups, Skips, Stops>
  : Fold<P, Rest, Lits, Certain, Present, Results, Writes, Needs, Wants, Reads, Dups, Skips, Stops>
  : Small[I] extends { readonly "~shape": infer S extends FlowShape } ? ParChunk<
      P,
      Small,
      Rest,
      Next[I],
      Lits | S["lits"],
      Certain | MemberCertain<P, S["ids"], S["certain"]>,
      Present | MemberCertain<P, S["ids"], S["present"]>,
      Results | S["results"],
      Writes | MemberCertain<P, S["ids"], S["writes"]>,
      Needs | S["needs"],
      Wants | S["wants"],
      Reads | S["reads"],
      Dups | S["dups"] | Extract<S["lits"], Lits>,
      Skips | S["skips"],
      Stops | S["stops"]
    >
  : never
