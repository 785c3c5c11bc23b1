/**
 * Flows: the pieces a workflow is made of, and how they compose. A task is a
 * flow; `Flow.chain(a, b, c)` runs flows one after another (Graflow's `>>`),
 * `Flow.parallel(a, b, c)` runs them concurrently on the same channel
 * (Graflow's `|`), and `Flow.parallelWith({ policy }, …)` chooses how member
 * failures are treated. Each flow's type carries its {@link FlowShape}: the
 * results it provides, the channel keys it writes, and what it still needs
 * from upstream; `Workflow.make` checks that nothing is left unmet.
 * (`Workflow.chain`, `Workflow.parallel` and `Workflow.parallelWith` are the
 * same functions.)
 *
 * @since 0.1.0
 */
import { Composite } from "./internal/plan.js"
import * as internal from "./internal/flow.js"
import { toPolicy } from "./internal/group.js"
import type { FlowShape } from "./types/FlowShape.js"
import type { FoldShape } from "./types/FoldShape.js"
import type { WrittenOut } from "./types/WrittenOut.js"
import type { ItemDoesNotSteer, WorkflowFitsElement } from "./types/ItemChecks.js"
import type { Option } from "effect"
import type { P } from "ts-pattern"
import * as internalBranch from "./internal/branch.js"
import type { BranchShape, CaseShape, Excluded } from "./types/BranchShape.js"
import type { ChannelError, InvalidValueError } from "./ChannelError.js"
import * as internalTask from "./internal/task.js"
import type * as Task from "./Task.js"
import type { ElementOf } from "./types/ElementOf.js"
import type * as Workflow from "./Workflow.js"
import type { CheckpointStoreError, MapItemsError, MemberOutcome } from "./WorkflowError.js"

export type { ByTask, EmptyShape, FlowShape } from "./types/FlowShape.js"

/**
 * The runtime marker of flows.
 *
 * **Example**
 *
 * ```ts
 * import { Flow, Task } from "effect-graflow"
 *
 * Flow.TypeId in Task.make("a", () => 1) // true
 * ```
 *
 * @category symbols
 * @since 0.1.0
 */
export const TypeId: internal.TypeId = internal.TypeId

/**
 * The runtime marker of flows.
 *
 * @category symbols
 * @since 0.1.0
 */
export type TypeId = internal.TypeId

/**
 * A composable piece of a workflow. `S` says what it provides and needs.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Flow, Task } from "effect-graflow"
 *
 * const a = Task.make("a", () => Effect.succeed(1))
 * const b = Task.make("b", () => Effect.succeed("two"))
 * const both: Flow.Flow<Flow.Shape<ReturnType<typeof Flow.parallel<[typeof a, typeof b]>>>> = Flow.parallel(a, b)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Flow<out S extends FlowShape> {
  readonly [TypeId]: TypeId
  readonly _tag: "Task" | "Sequence" | "Parallel" | "Branch" | "Workflow"
  /** Type-level only: what the flow provides and needs. */
  readonly "~shape": S
}

/**
 * Any flow.
 *
 * **Example**
 *
 * ```ts
 * import { Flow, Task } from "effect-graflow"
 *
 * const flows: ReadonlyArray<Flow.Any> = [Task.make("a", () => 1), Flow.chain(Task.make("b", () => 2))]
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Any extends Flow<FlowShape> {}

/**
 * The shape of a flow type.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Flow, Task } from "effect-graflow"
 *
 * const a = Task.make("a", () => Effect.succeed(1))
 * type Ids = Flow.Shape<typeof a>["ids"] // "a"
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type Shape<F> = F extends Flow<infer S> ? S : never

/**
 * Whether a value is a flow.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Flow, Task } from "effect-graflow"
 *
 * Flow.isFlow(Task.make("a", () => Effect.void)) // true
 * Flow.isFlow({})                                   // false
 * ```
 *
 * @category guards
 * @since 0.1.0
 */
export const isFlow = (u: unknown): u is Any => internal.isFlow(u)

/**
 * Flows that run one after another.
 *
 * **Example**
 *
 * ```ts
 * import { Flow, Task } from "effect-graflow"
 *
 * const both = Flow.chain(Task.make("a", () => 1), Task.make("b", () => 2))
 * both._tag // "Sequence"
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Sequence<out S extends FlowShape> extends Flow<S> {
  readonly _tag: "Sequence"
  readonly flows: ReadonlyArray<Any>
}

/**
 * Flows that run concurrently.
 *
 * **Example**
 *
 * ```ts
 * import { Flow, Task } from "effect-graflow"
 *
 * const group = Flow.parallel(Task.make("a", () => 1), Task.make("b", () => 2))
 * group._tag // "Parallel"
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Parallel<out S extends FlowShape> extends Flow<S> {
  readonly _tag: "Parallel"
  readonly flows: ReadonlyArray<Any>
}

/**
 * Runs flows one after another (Graflow's `a >> b >> c`): each starts when the
 * one before it has finished, and sees its results and writes.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Flow, Task } from "effect-graflow"
 *
 * const fetch = Task.make("fetch", () => Effect.succeed([1, 2, 3]))
 * const count = Task.make("count", { after: [fetch] }, (ctx) => Effect.map(ctx.getResult("fetch"), (xs) => xs.length))
 * const flow = Flow.chain(fetch, count)
 * ```
 *
 * @category composition
 * @since 0.1.0
 */
export const chain = <const Flows extends ReadonlyArray<Any>>(
  ...flows: Flows & WrittenOut<Flows>
): Sequence<FoldShape<"sequence", Flows>> => new Composite<"Sequence", FoldShape<"sequence", Flows>>("Sequence", flows)

/**
 * Runs flows concurrently on the same channel (Graflow's `a | b | c`), with
 * the strict policy: when a member fails, the others still run to their end,
 * then the group fails with a `ParallelGroupError` listing how each member
 * ended (`Flow.parallelWith({ policy: "strict", failFast: true }, …)`
 * interrupts them at the first failure instead). A member does not see its
 * siblings' results; what comes after the group sees all of them.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Flow, Task } from "effect-graflow"
 *
 * const a = Task.make("a", (ctx) => ctx.untyped.append("items", "a"))
 * const b = Task.make("b", (ctx) => ctx.untyped.append("items", "b"))
 * const both = Flow.parallel(a, b) // afterwards "items" holds both
 * ```
 *
 * @category composition
 * @since 0.1.0
 */
export const parallel = <const Flows extends ReadonlyArray<Any>>(
  ...flows: Flows & WrittenOut<Flows>
): Parallel<FoldShape<"strict", Flows>> => new Composite<"Parallel", FoldShape<"strict", Flows>>("Parallel", flows)

/**
 * How a parallel group treats member failures.
 *
 * - `"strict"` (default): the group fails when any member fails.
 * - `"best-effort"`: the group never fails; failed members have no result.
 * - `{ atLeast: n }`: the group fails when fewer than `n` members succeed.
 * - `{ critical: ids }`: the group fails when a member holding one of these
 *   task ids fails; the others may fail.
 * - a function of the members' outcomes: `true` when the group succeeds.
 *
 * Every member runs to its end before the policy decides, unless the group
 * has `failFast` (see {@link GroupOptions}) or a member cancels the run. The
 * results of members that may fail are optional in the types: read them with
 * `Task.optional(…)`.
 *
 * **Example**
 *
 * ```ts
 * import { Flow, Task } from "effect-graflow"
 *
 * const a = Task.make("a", () => 1)
 * const b = Task.make("b", () => 2)
 * const atLeastOne = Flow.parallelWith({ policy: { atLeast: 1 } }, a, b)
 * const aMatters = Flow.parallelWith({ policy: { critical: ["a"] } }, a, b)
 * const custom = Flow.parallelWith({ policy: (members) => members.some((m) => m.outcome === "succeeded") }, a, b)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type Policy<Ids extends string = string> =
  | "strict"
  | "best-effort"
  | { readonly atLeast: number }
  | { readonly critical: ReadonlyArray<Ids> }
  | ((members: ReadonlyArray<MemberOutcome<unknown>>) => boolean)

/**
 * The options of {@link parallelWith}.
 *
 * **Example**
 *
 * ```ts
 * import { Flow, Task } from "effect-graflow"
 *
 * const named = Flow.parallelWith({ policy: "best-effort", name: "enrichment" }, Task.make("a", () => 1), Task.make("b", () => 2))
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface GroupOptions<P> {
  /** How member failures are treated. */
  readonly policy: P
  /** A name for the group, in errors, spans and diagrams. */
  readonly name?: string
  /**
   * Interrupt the other members as soon as the policy cannot be met any more
   * (strict: the first failure; `{ critical }`: a critical member's failure;
   * `{ atLeast: n }`: too many failures). By default every member runs to its
   * end and the error reports them all.
   */
  readonly failFast?: boolean
}

/**
 * The type-level kind of a policy.
 *
 * **Example**
 *
 * ```ts
 * import type { Flow } from "effect-graflow"
 *
 * type K = Flow.KindOf<{ readonly critical: ReadonlyArray<"a"> }> // { readonly critical: "a" }
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type KindOf<P> = P extends "strict" ? "strict"
  : P extends { readonly critical: ReadonlyArray<infer Id extends string> } ? { readonly critical: Id }
  : "lenient"

/**
 * Runs flows concurrently with a policy for member failures (see
 * {@link Policy}). Under a lenient policy the members' results become optional
 * in the types, so a task after the group must read them with
 * `Task.optional(…)`; it sees exactly the results of the members that succeeded.
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Option } from "effect"
 * import { Flow, Task } from "effect-graflow"
 *
 * const primary = Task.make("primary", () => Effect.succeed("from primary"))
 * const mirror = Task.make("mirror", () => Effect.fail("mirror down" as const))
 * const merge = Task.make("merge", { after: [Task.optional(primary), Task.optional(mirror)] }, (ctx) =>
 *   Effect.map(ctx.getResult("mirror"), Option.getOrElse(() => "no mirror")))
 *
 * const flow = Flow.chain(Flow.parallelWith({ policy: { atLeast: 1 } }, primary, mirror), merge)
 * ```
 *
 * @category composition
 * @since 0.1.0
 */
export const parallelWith = <
  const Flows extends ReadonlyArray<Any>,
  const P extends Policy<Shape<Flows[number]>["ids"]>
>(
  options: GroupOptions<P> & GroupOptions<Policy<Shape<Flows[number]>["ids"]>>,
  ...flows: Flows & WrittenOut<Flows>
): Parallel<FoldShape<KindOf<P>, Flows>> =>
  new Composite<"Parallel", FoldShape<KindOf<P>, Flows>>("Parallel", flows, {
    name: options?.name,
    policy: toPolicy(options?.policy),
    failFast: options?.failFast === true
  })

/**
 * How a map treats its items' failures: `"strict"` (default: any failure fails
 * the map), `"best-effort"` (the map never fails; a failed item has no result),
 * `{ atLeast: n }` (the map fails when fewer than `n` items succeed).
 *
 * **Example**
 *
 * ```ts
 * import type { Flow } from "effect-graflow"
 *
 * const policy: Flow.MapPolicy = { atLeast: 90 }
 * ```
 *
 * @category models
 * @since 0.3.0
 */
export type MapPolicy = "strict" | "best-effort" | { readonly atLeast: number }

/**
 * The options of {@link map}: how many items run at once (`concurrency`,
 * default 16), how failures are treated (`policy`), and whether the items
 * still running are interrupted as soon as the policy cannot be met
 * (`failFast`; by default every item runs to its end and the error lists them).
 *
 * **Example**
 *
 * ```ts
 * import type { Flow } from "effect-graflow"
 *
 * const options: Flow.MapOptions<"best-effort"> = { concurrency: 64, policy: "best-effort" }
 * ```
 *
 * @category models
 * @since 0.3.0
 */
export interface MapOptions<P extends MapPolicy = MapPolicy> {
  readonly concurrency?: number
  readonly policy?: P
  readonly failFast?: boolean
}

/**
 * The result of a map: the items' results in the order of the list; under a
 * lenient policy each one an `Option` (none for an item that failed).
 *
 * **Example**
 *
 * ```ts
 * import type { Flow } from "effect-graflow"
 *
 * type Strict = Flow.MapResult<number, "strict">       // ReadonlyArray<number>
 * type Lenient = Flow.MapResult<number, "best-effort"> // ReadonlyArray<Option<number>>
 * ```
 *
 * @category type-level
 * @since 0.3.0
 */
export type MapResult<A, P> = [P] extends ["strict"] ? ReadonlyArray<A> : ReadonlyArray<Option.Option<A>>

/** What a map's source is: a task whose result is a list. */
interface ListSource {
  readonly "~entry": { readonly result: ReadonlyArray<unknown> }
}

/** What an item's run may fail with besides its own errors: its result not stored, its journal entry not written. */
type ItemErrors = InvalidValueError | ChannelError | CheckpointStoreError

/**
 * A step that runs an item once per element of a list computed at run time —
 * the result of `source`, a task that runs before it: the URLs a task fetched,
 * the rows of a file, the documents to embed. The item is a task template
 * (`Task.template`), called with each element as its parameters, or a
 * workflow whose input is the element (each element a sub-workflow run of its
 * own). At most `concurrency` items run at once (default 16).
 *
 * The map is a task: its result — the items' results in the order of the
 * list — is read with `ctx.getResult(id)` downstream. Its failure is
 * `TaskFailed<id, MapItemsError<…>>`, which lists each failed item by its
 * index, under the map's `policy` (see {@link MapPolicy}). In a durable run,
 * every completed item is journaled: a run continued after a crash runs only
 * the items that had not completed. In a distributed run each item is a job.
 * Progress events of an item name it `{id}[{index}]`, with its `item` index.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Flow, Task, Workflow } from "effect-graflow"
 *
 * const list = Task.make("urls", () => ["https://a.example", "https://b.example"])
 * const fetchOne = Task.template((_ctx, url: string) => Effect.succeed(url.length))
 * const fetched = Flow.map("fetched", list, fetchOne, { concurrency: 8 })
 * const total = Task.make("total", { after: [fetched] }, (ctx) =>
 *   Effect.map(ctx.getResult("fetched"), (sizes) => sizes.reduce((a, b) => a + b, 0)))
 * const crawl = Workflow.make("crawl", Flow.chain(list, fetched, total))
 * ```
 *
 * @category composition
 * @since 0.3.0
 */
export const map: {
  <
    const Id extends string,
    Src extends Task.Any & ListSource,
    A,
    E,
    R,
    I extends Task.Io,
    const P extends MapPolicy = "strict"
  >(
    id: Id,
    source: Src,
    item: Task.Template<ElementOf<Task.Result<Src>>, A, E, R, I> & ItemDoesNotSteer<I>,
    options?: MapOptions<P>
  ): Task.Task<
    Id,
    MapResult<A, P>,
    MapItemsError<E | ItemErrors>,
    R,
    Task.DeclaredIo<Src["~entry"] | I["needs"], I["wants"], I["reads"], I["writes"], I["channels"], never, never, never, never, true, never>
  >
  <
    const Id extends string,
    Src extends Task.Any & ListSource,
    Name extends string,
    Results,
    E,
    R,
    T extends object,
    In,
    Aw extends Task.AnyAwait,
    const P extends MapPolicy = "strict"
  >(
    id: Id,
    source: Src,
    item: Workflow.Workflow<Name, Results, E, R, T, In, Aw> & WorkflowFitsElement<In, Aw, ElementOf<Task.Result<Src>>>,
    options?: MapOptions<P>
  ): Task.Task<
    Id,
    MapResult<Results, P>,
    MapItemsError<Task.WorkflowStepError<E, In> | ItemErrors>,
    R,
    Task.DeclaredIo<Src["~entry"], never, never, never, {}, never, never, never, never, true, never>
  >
} = (id: string, source: unknown, item: unknown, options?: MapOptions): never => internalTask.map(id, source, item, options) as never

/**
 * A branch: the flow of the case its source's result matched.
 *
 * **Example**
 *
 * ```ts
 * import { Flow, Task } from "effect-graflow"
 *
 * const kind = Task.make("kind", () => "a" as "a" | "b")
 * const route = Flow.branch("route", kind).with("a", () => Task.make("onA", () => 1)).with("b", () => Task.make("onB", () => 2)).exhaustive()
 * route._tag // "Branch"
 * ```
 *
 * @category models
 * @since 0.3.0
 */
export interface Branch<out S extends FlowShape> extends Flow<S> {
  readonly _tag: "Branch"
}

/**
 * What `.exhaustive` is when the cases do not handle every value of the
 * source: not callable, so `.exhaustive()` is an error that names the branch
 * and the values left (add a case for them, or end with `.otherwise(…)`).
 *
 * **Example**
 *
 * ```ts
 * import type { Flow } from "effect-graflow"
 *
 * type Left = Flow.BranchMissesValues_AddACaseForThemOrEndWithOtherwise<"route", "b">["valuesLeft"] // "b"
 * ```
 *
 * @category type-level
 * @since 0.3.0
 */
export interface BranchMissesValues_AddACaseForThemOrEndWithOtherwise<Id extends string, Left> {
  readonly "the branch does not handle every value of its source: add a .with(…) for the values left, or end with .otherwise(…)": Id
  readonly valuesLeft: Left
}

/**
 * A branch being written: `.with(pattern, build)` adds a case (its flow made
 * by `build` from the source narrowed to the case), `.exhaustive()` closes it
 * when the cases handle every value (checked by the compiler), and
 * `.otherwise(build)` closes it with a flow for the values left.
 *
 * **Example**
 *
 * ```ts
 * import { Flow, Task } from "effect-graflow"
 *
 * const kind = Task.make("kind", () => "a" as "a" | "b")
 * const open: Flow.BranchBuilder<"route", typeof kind, "b", readonly [Flow.FlowShape]> =
 *   Flow.branch("route", kind).with("a", () => Task.make("onA", () => 1))
 * ```
 *
 * @category models
 * @since 0.3.0
 */
export interface BranchBuilder<Id extends string, Src extends Task.Any, Left, Cases extends ReadonlyArray<FlowShape>> {
  /**
   * A case: the values `pattern` matches (a ts-pattern pattern: literals,
   * objects, `P.string`, `P.union(…)`, `P.when(…)`…), run the flow `build`
   * makes — once, when the branch is written — from the source narrowed to
   * them: a task of the case with `after: [source]` reads the narrowed result.
   */
  with<const Pat extends P.Pattern<Task.Result<Src>>, F extends Any>(
    pattern: Pat,
    build: (source: Task.Task<Src["id"], P.narrow<Task.Result<Src>, Pat>>) => F
  ): BranchBuilder<Id, Src, Exclude<Left, Excluded<Pat>>, readonly [...Cases, CaseShape<Src["id"], P.narrow<Task.Result<Src>, Pat>, F>]>
  /**
   * Closes the branch; it compiles only when its cases handle every value of
   * the source (otherwise it is not callable, and the error names the values left).
   */
  readonly exhaustive: [Left] extends [never] ? () => Branch<BranchShape<Id, Src["id"], Src["~entry"], Cases>>
    : BranchMissesValues_AddACaseForThemOrEndWithOtherwise<Id, Left>
  /** Closes the branch with a flow for the values no case handles (the source narrowed to them). */
  otherwise<F extends Any>(
    build: (source: Task.Task<Src["id"], Left>) => F
  ): Branch<BranchShape<Id, Src["id"], Src["~entry"], readonly [...Cases, CaseShape<Src["id"], Left, F>]>>
}

/**
 * A step that chooses a flow by the result of `source` (a task that runs
 * before it), with ts-pattern's patterns: the first case whose pattern matches
 * (`isMatching`) runs, or the `otherwise`. The compiler checks that
 * `.exhaustive()` handles every value; a task of a case reads the source
 * narrowed to the case; after the branch, a result or a channel key that only
 * some cases make is optional, one that every case makes is certain. The
 * choice is recorded (`{id}.__result__`, journaled in a durable run): a resumed
 * or continued run takes the same case without matching again.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { P } from "ts-pattern"
 * import { Flow, Task, Workflow } from "effect-graflow"
 *
 * type Claim = { readonly kind: "refund"; readonly amount: number } | { readonly kind: "dispute"; readonly reason: string }
 * const classify = Task.make("classify", (): Claim => ({ kind: "refund", amount: 40 }))
 * const route = Flow.branch("route", classify)
 *   .with({ kind: "refund", amount: P.number }, (claim) =>
 *     Task.make("pay", { after: [claim] }, (ctx) => Effect.map(ctx.getResult("classify"), (c) => c.amount))) // c: the refund
 *   .with({ kind: "dispute" }, () => Task.make("escalate", () => "to a person"))
 *   .exhaustive()
 * const claims = Workflow.make("claims", Flow.chain(classify, route))
 * ```
 *
 * @category composition
 * @since 0.3.0
 */
export const branch: <const Id extends string, Src extends Task.Any>(
  id: Id,
  source: Src
) => BranchBuilder<Id, Src, Task.Result<Src>, readonly []> = (id: string, source: Task.Any): never =>
  internalBranch.branch(id, source) as never
