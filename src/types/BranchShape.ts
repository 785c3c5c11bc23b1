/**
 * What a branch (`Flow.branch`) is to the checks: which patterns of ts-pattern
 * surely match a value (for `.exhaustive()`), the source seen narrowed inside
 * a case, and the shape of the whole branch — in every case certain, in some
 * case optional.
 *
 * @internal
 */
import type { Matcher } from "ts-pattern/types"
import type { Entry } from "./Entry.js"
import type { ByTask, EmptyShape, FlowShape, Shaped } from "./FlowShape.js"
import type { FoldShape } from "./FoldShape.js"

type Primitive = string | number | boolean | bigint | symbol | null | undefined

/** A key of `O` whose value is `never`, if any. */
type NeverField<O> = { [K in keyof O]-?: [O[K]] extends [never] ? K : never }[keyof O]

/**
 * The values a ts-pattern pattern surely matches, as a type: what a case
 * takes out of the values left for the cases after it. A literal is itself;
 * `P.string`, `P.number`… their type; `P.union(…)` the union of its patterns';
 * an object pattern the object of its fields' (none when one field's is none);
 * a guard (`P.when`, `P.number.gt(…)`), `P.not`, `P.optional`, a list pattern:
 * none — the check stays on the safe side, and such a case needs an
 * `.otherwise(…)` after it (what ts-pattern splits further, a union nested in
 * a field, is not split here either).
 *
 * @internal
 */
export type Excluded<Pat> = Pat extends Primitive ? Pat
  // The input and the selections of a pattern do not matter here.
  : Pat extends Matcher<infer _Input, infer Narrowed, infer Kind, infer _Selections, infer Surely>
    ? Kind extends "default" ? Surely : Kind extends "or" ? Narrowed extends ReadonlyArray<infer Each> ? Excluded<Each> : never : never
  : Pat extends ReadonlyArray<unknown> ? never
  : Pat extends object ? { readonly [K in keyof Pat]: Excluded<Pat[K]> } extends infer O ? [NeverField<O>] extends [never] ? O : never : never
  : never

/** The shape of the source seen narrowed to `A` in a case: its entry, certain; nothing else. */
interface NarrowedShape<SrcId extends string, A> extends Omit<EmptyShape, "certain"> {
  readonly certain: Entry<SrcId, A>
}

/**
 * A case's shape: its flow after the source narrowed to the case (so a task of
 * the case reading the source through the case's handle reads it narrowed).
 *
 * @internal
 */
export type CaseShape<SrcId extends string, A, F extends { readonly "~shape": FlowShape }> = FoldShape<"sequence", readonly [{ readonly "~shape": NarrowedShape<SrcId, A> }, F]>

/** The fields that hold in every case (certain, present, written), and the ids of all, with the ids two cases share. */
type Cases<
  List extends ReadonlyArray<FlowShape>,
  Certain,
  Present extends string,
  Writes extends string,
  Lits extends string,
  Dups extends string
> = List extends readonly [infer C extends FlowShape, ...infer Rest extends ReadonlyArray<FlowShape>] ? Cases<
    Rest,
    Extract<Certain, C["certain"]>,
    Extract<Present, C["present"]>,
    Extract<Writes, C["writes"]>,
    Lits | C["lits"],
    Dups | C["dups"] | Extract<C["lits"], Lits>
  >
  : { readonly certain: Certain; readonly present: Present; readonly writes: Writes; readonly lits: Lits; readonly dups: Dups }

/**
 * The shape of a branch `Id` on the result of task `SrcId` (read as `Src`,
 * its entry: the branch needs it) with the cases `List`: every case's tasks,
 * errors, services and requests; certain afterwards (and present in the
 * output, and written) only what every case makes so; a task id in two cases
 * is a duplicate.
 *
 * @internal
 */
export type BranchShape<Id extends string, SrcId extends string, Src, List extends ReadonlyArray<FlowShape>> = Shaped<
  Complete<Id, SrcId, Src, Cases<List, List[0]["certain"], List[0]["present"], List[0]["writes"], Id, never>, List[number]>
>

type Complete<Id extends string, SrcId extends string, Src, Every, All extends FlowShape> = Every extends {
  readonly certain: infer Certain
  readonly present: infer Present extends string
  readonly writes: infer Writes extends string
  readonly lits: infer Lits extends string
  readonly dups: infer Dups extends string
} ? {
    readonly ids: All["ids"]
    readonly lits: Lits
    // The source's narrowed entries are the cases' own: after the branch, the source is what it was.
    readonly certain: Exclude<Certain, { readonly id: SrcId }>
    readonly present: Present
    readonly results: All["results"]
    readonly writes: Writes
    readonly needs: All["needs"] | ByTask<Src, Id>
    readonly wants: All["wants"]
    readonly reads: All["reads"]
    readonly jumps: All["jumps"]
    readonly dups: Dups
    readonly invalid: All["invalid"]
    readonly channels: All["channels"]
    readonly skips: All["skips"]
    readonly stops: All["stops"]
    readonly groups: All["groups"]
    readonly failures: All["failures"]
    readonly cancels: All["cancels"]
    readonly services: All["services"]
    readonly input: All["input"]
    readonly awaits: All["awaits"]
  }
  : never
