/**
 * FoldShape on its own: sequences, groups of each policy, duplicates, jumps, more than 16 flows, arrays of unknown length (spreads), none.
 */
import type { Flow, Task } from "effect-graflow"
import type { FlowShape } from "../../dist/types/FlowShape.js"
import type { FoldShape } from "../../dist/types/FoldShape.js"
import type { A, B, EntryA, Jumper, NeedsA } from "./support.js"
import { expectType } from "tsd"
import { is } from "./support.js"

// a sequence: what comes first meets what comes after
type Seq = FoldShape<"sequence", readonly [A, NeedsA]>
expectType<"a" | "needsA">(is<Seq["ids"]>())
expectType<never>(is<Seq["needs"]>())
expectType<EntryA | Task.Entry<"needsA", number>>(is<Seq["certain"]>())
// the wrong order leaves the need
expectType<Flow.ByTask<EntryA, "needsA">>(is<FoldShape<"sequence", readonly [NeedsA, A]>["needs"]>())
// a duplicate id
expectType<"a">(is<FoldShape<"sequence", readonly [A, A]>["dups"]>())
// after a jump nothing is certain, and the jump is recorded
type AfterJump = FoldShape<"sequence", readonly [Jumper, A, NeedsA]>
expectType<Flow.ByTask<EntryA, "needsA">>(is<AfterJump["needs"]>())
expectType<Flow.ByTask<"a", "jumper">>(is<AfterJump["jumps"]>())
expectType<true>(is<AfterJump["skips"]>())
// more than 16 flows: folded in chunks
type Many = FoldShape<"sequence", readonly [A, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, NeedsA]>
expectType<never>(is<Many["needs"]>())
expectType<"b">(is<Many["dups"]>())
// an array of unknown length: its ids and needs count, its results are not certain
type Spread = FoldShape<"sequence", readonly [B, ...Array<A>, NeedsA]>
expectType<"a" | "b" | "needsA">(is<Spread["ids"]>())
expectType<Flow.ByTask<EntryA, "needsA">>(is<Spread["needs"]>())
expectType<"b" | "needsA">(is<Spread["present"]>())
// parallel: members do not meet each other's needs; strict members are certain
type Par = FoldShape<"strict", readonly [A, NeedsA]>
expectType<Flow.ByTask<EntryA, "needsA">>(is<Par["needs"]>())
expectType<true>(is<Par["groups"]>())
expectType<EntryA | Task.Entry<"needsA", number>>(is<Par["certain"]>())
// lenient: no member is certain; critical: only the critical ones
expectType<never>(is<FoldShape<"lenient", readonly [A, B]>["certain"]>())
expectType<EntryA>(is<FoldShape<{ readonly critical: "a" }, readonly [A, B]>["certain"]>())
// any flows and none
expectType<FlowShape>(is<FoldShape<"sequence", readonly []>>() as FlowShape)
expectType<never>(is<FoldShape<"sequence", readonly []>["ids"]>())
