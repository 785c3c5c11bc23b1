/**
 * Each helper of src/types (and the id helpers of Task) on its own: tuples,
 * arrays of unknown length, `any`, `unknown`, `never` and unions.
 */
import type { Effect, Option } from "effect"
import { expectType } from "tsd"
import type { Flow, Task } from "effect-graflow"
import type { BodyError, BodyReturn, BodyServices, BodySuccess, PromiseMessage, ResultProblem } from "effect-graflow/types/BodyResult"
import type {
  ElementFor,
  ListKey,
  NoListKey,
  NoNumberKey,
  NoReads,
  NoWrites,
  NumberKey,
  PresentKey,
  ValueFor,
  WritableKey
} from "effect-graflow/types/ChannelKeys"
import type { ElementOf } from "effect-graflow/types/ElementOf"
import type { EmptyShape, FlowShape } from "effect-graflow/types/FlowShape"
import type { FoldShape } from "effect-graflow/types/FoldShape"
import type { JsonIssue } from "effect-graflow/types/JsonIssue"
import type { ListKeys } from "effect-graflow/types/ListKeys"
import type { NumberKeys } from "effect-graflow/types/NumberKeys"
import type { ResultsOf } from "effect-graflow/types/ResultsOf"
import type { CheckedName, WorkflowProblems } from "effect-graflow/types/WorkflowProblems"

declare const is: <T>() => T

// ---------------------------------------------------------------------------
// BodyResult
// ---------------------------------------------------------------------------

interface Db {
  readonly db: true
}
expectType<number>(is<BodySuccess<number>>())
expectType<number>(is<BodySuccess<Effect.Effect<number, "e", Db>>>())
expectType<"e">(is<BodyError<Effect.Effect<number, "e", Db>>>())
expectType<Db>(is<BodyServices<Effect.Effect<number, "e", Db>>>())
expectType<never>(is<BodyError<number>>())
// a union of values and Effects: each part from its member
expectType<string | number>(is<BodySuccess<string | Effect.Effect<number, "e">>>())
expectType<"e">(is<BodyError<string | Effect.Effect<number, "e">>>())
// any: an unknown result, no errors, no services
expectType<unknown>(is<BodySuccess<any>>())
expectType<never>(is<BodyError<any>>())
expectType<never>(is<BodyServices<any>>())
// never: nothing
expectType<never>(is<BodySuccess<never>>())
// BodyReturn: a Promise gets the message; anything else, itself
expectType<{ n: number }>(is<BodyReturn<{ n: number }>>())
expectType<PromiseMessage>(is<BodyReturn<Promise<number>>>())
expectType<PromiseMessage>(is<BodyReturn<PromiseLike<number>>>())
expectType<any>(is<BodyReturn<any>>())
// ResultProblem: never for JSON, the task and the path otherwise
expectType<never>(is<ResultProblem<"t", { n: number; tags: Array<string> }>>())
expectType<
  `the result of task "t" is not JSON: at ["at"]: a Date (use Schema.Date); give the task a \`result\` schema (result: Schema.…) to store it, or return JSON`
>(is<ResultProblem<"t", { at: Date }>>())
expectType<never>(is<ResultProblem<"t", never>>())
expectType<never>(is<ResultProblem<"t", unknown>>())

// ---------------------------------------------------------------------------
// JsonIssue
// ---------------------------------------------------------------------------

expectType<never>(is<JsonIssue<string | number | boolean | null>>())
expectType<never>(is<JsonIssue<{ a: { b: Array<{ c: string }> }; d?: number }>>())
expectType<never>(is<JsonIssue<readonly [1, "two", { three: 3 }]>>())
expectType<never>(is<JsonIssue<any>>())
expectType<never>(is<JsonIssue<unknown>>())
expectType<never>(is<JsonIssue<never>>())
expectType<never>(is<JsonIssue<void>>() as never)
expectType<"a bigint (use Schema.BigInt)">(is<JsonIssue<bigint>>())
expectType<"a Map">(is<JsonIssue<Map<string, number>>>())
expectType<"a Set">(is<JsonIssue<ReadonlySet<string>>>())
expectType<"a function">(is<JsonIssue<() => void>>())
expectType<"a Promise">(is<JsonIssue<Promise<1>>>())
expectType<"binary data (use Schema.Uint8Array)">(is<JsonIssue<Uint8Array>>())
expectType<"an object with methods (a class instance, an Option…), not a plain object">(is<JsonIssue<Option.Option<number>>>())
// where: object keys and list elements, in a union only the bad member
expectType<`at ["when"]: a Date (use Schema.Date)`>(is<JsonIssue<{ when: Date | string }>>())
expectType<`at [number]["id"]: a bigint (use Schema.BigInt)`>(is<JsonIssue<ReadonlyArray<{ id: bigint }>>>())
expectType<`at [number]: a Date (use Schema.Date)`>(is<JsonIssue<readonly [string, Date]>>())
expectType<`at [number]: undefined in a list (JSON would make it null)`>(is<JsonIssue<Array<number | undefined>>>())
// an optional property may be undefined (it is left out)
expectType<never>(is<JsonIssue<{ note?: string | undefined }>>())
// recursive types cost five levels
interface Tree {
  readonly value: number
  readonly children: ReadonlyArray<Tree>
}
expectType<never>(is<JsonIssue<Tree>>())

// ---------------------------------------------------------------------------
// ElementOf, ListKeys, NumberKeys, ChannelKeys
// ---------------------------------------------------------------------------

expectType<number>(is<ElementOf<ReadonlyArray<number>>>())
expectType<1 | "two">(is<ElementOf<readonly [1, "two"]>>())
expectType<never>(is<ElementOf<string>>())
expectType<never>(is<ElementOf<never>>())
expectType<string | boolean>(is<ElementOf<ReadonlyArray<string> | Array<boolean>>>())

interface Keys {
  readonly tags: ReadonlyArray<string>
  readonly pair: readonly [number, number]
  readonly count: number
  readonly level: 1 | 2
  readonly label: string
}
expectType<"tags">(is<ListKeys<Keys, keyof Keys>>()) // a tuple cannot grow
expectType<never>(is<ListKeys<Keys, never>>())
expectType<"count">(is<NumberKeys<Keys, keyof Keys>>()) // a literal union cannot be added to
expectType<never>(is<NumberKeys<Keys, "label">>())

expectType<"count" | "label">(is<WritableKey<"count" | "label">>())
expectType<"count">(is<PresentKey<"count">>())
expectType<NoReads>(is<PresentKey<never>>())
expectType<NoWrites>(is<WritableKey<never>>())
expectType<"tags">(is<ListKey<Keys, "tags" | "count">>())
expectType<NoListKey>(is<ListKey<Keys, "count">>())
expectType<"count">(is<NumberKey<Keys, "count" | "label">>())
expectType<NoNumberKey>(is<NumberKey<Keys, "label">>())
// a union of keys takes a value that fits every one of them
expectType<number>(is<ValueFor<Keys, "count">>())
expectType<1 | 2>(is<ValueFor<Keys, "count" | "level">>())
expectType<never>(is<ValueFor<Keys, "count" | "label">>())
expectType<string>(is<ElementFor<Keys, "tags">>())

// ---------------------------------------------------------------------------
// ResultsOf
// ---------------------------------------------------------------------------

type EntryA = Task.Entry<"a", number>
type EntryB = Task.Entry<"b", string>
expectType<{ readonly a: number; readonly b: string }>(is<ResultsOf<EntryA | EntryB>>())
expectType<{ readonly a: number; readonly b?: string }>(is<ResultsOf<EntryA | EntryB, "b">>())
expectType<{}>(is<ResultsOf<never>>())
// a computed id: an index signature (reading it gives undefined too)
expectType<{ readonly [x: string]: number; readonly b: number }>(is<ResultsOf<Task.Entry<string, number> | Task.Entry<"b", number>>>())

// ---------------------------------------------------------------------------
// LiteralId, IdProblems
// ---------------------------------------------------------------------------

expectType<"fetch">(is<Task.LiteralId<"fetch">>())
expectType<never>(is<Task.LiteralId<string>>())
expectType<never>(is<Task.LiteralId<`fetch-${string}`>>())
expectType<never>(is<Task.LiteralId<"a" | "b">>())
expectType<never>(is<Task.LiteralId<never>>())
expectType<never>(is<Task.IdProblems<"fetch">>())
expectType<never>(is<Task.IdProblems<string>>())
expectType<
  | `task id "a" is one of a union of ids: a task has one id; make one task per id`
  | `task id "b" is one of a union of ids: a task has one id; make one task per id`
>(is<Task.IdProblems<"a" | "b">>())
expectType<`task id "x.__result__" ends in ".__result__", the suffix of the keys that hold results`>(
  is<Task.IdProblems<"x.__result__">>()
)

// ---------------------------------------------------------------------------
// FoldShape
// ---------------------------------------------------------------------------

type A = Task.Task<"a", number>
type B = Task.Task<"b", string>
type NeedsA = Task.Task<"needsA", number, never, never, Task.DeclaredIo<EntryA, never, never, never, {}, never, never, never>>
type Jumper = Task.Task<"jumper", void, never, never, Task.DeclaredIo<never, never, never, never, {}, "a", true, never>>

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

// ---------------------------------------------------------------------------
// WorkflowProblems, CheckedName
// ---------------------------------------------------------------------------

expectType<never>(is<WorkflowProblems<Seq, {}, never>>())
expectType<"w">(is<CheckedName<"w", Seq, {}, never>>())
expectType<`task "needsA" reads the result of "a", which does not certainly run before it`>(
  is<WorkflowProblems<FoldShape<"sequence", readonly [NeedsA, A]>, {}, never>>()
)
expectType<`invalid workflow: task "needsA" reads the result of "a", which does not certainly run before it`>(
  is<CheckedName<"w", FoldShape<"sequence", readonly [NeedsA, A]>, {}, never>>()
)
expectType<
  | `task id "a" is used more than once`
  | `task "needsA" reads the result of "a", which does not certainly run before it`
>(is<WorkflowProblems<FoldShape<"sequence", readonly [NeedsA, A, A]>, {}, never>>())
// a read with an initial value is met
type ReadsConfig = Task.Task<"r", void, never, never, Task.DeclaredIo<never, never, "config", never, { readonly config: number }, never, never, never>>
expectType<`task "r" reads channel key "config", which no task certainly writes before it and which has no initial value`>(
  is<WorkflowProblems<FoldShape<"sequence", readonly [ReadsConfig]>, { readonly config: number }, never>>()
)
expectType<never>(is<WorkflowProblems<FoldShape<"sequence", readonly [ReadsConfig]>, { readonly config: number }, "config">>())
// a channel key of another type than the workflow's
expectType<`channel key "config" has another type in a task than in the workflow's channels`>(
  is<WorkflowProblems<FoldShape<"sequence", readonly [ReadsConfig]>, { readonly config: string }, "config">>()
)
// the empty shape has no problems
expectType<never>(is<WorkflowProblems<EmptyShape, {}, never>>())
