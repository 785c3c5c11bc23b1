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
import type { MemberOutcome } from "./WorkflowError.js"

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
  readonly _tag: "Task" | "Sequence" | "Parallel"
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
export const chain = <const Flows extends readonly [Any, ...Array<Any>]>(
  ...flows: Flows
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
export const parallel = <const Flows extends readonly [Any, ...Array<Any>]>(
  ...flows: Flows
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
  const Flows extends readonly [Any, ...Array<Any>],
  const P extends Policy<Shape<Flows[number]>["ids"]>
>(
  options: GroupOptions<P> & GroupOptions<Policy<Shape<Flows[number]>["ids"]>>,
  ...flows: Flows
): Parallel<FoldShape<KindOf<P>, Flows>> =>
  new Composite<"Parallel", FoldShape<KindOf<P>, Flows>>("Parallel", flows, {
    name: options?.name,
    policy: toPolicy(options?.policy),
    failFast: options?.failFast === true
  })

