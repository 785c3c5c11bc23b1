/**
 * The atoms of a flow's shape: a task's result as the checks see it
 * ({@link Entry}: an id and a result type) and a request a task may wait for
 * ({@link Await}: a name and a response type). Re-exported by `Task`.
 *
 * @internal
 */

/**
 * A task's result as the checks see it: its id and its result type, invariant
 * in the result type (`in out`), so that an entry satisfies a need only when
 * the result types are the same (a wider result under the same id would
 * otherwise pass as the narrower one). An interface rather than a tuple: two
 * entries compare by their type arguments, where tuples compare member by
 * member, array methods included.
 *
 * **Example**
 *
 * ```ts
 * import type { Task } from "effect-graflow"
 *
 * type E = Task.Entry<"fetch", number>
 * type Id = E["id"]         // "fetch"
 * type Result = E["result"] // number
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export interface Entry<Id extends string, in out A> {
  readonly id: Id
  readonly result: A
}


/**
 * Any entry: what every `Entry<Id, A>` is assignable to.
 *
 * @category type-level
 * @since 0.1.0
 */
export interface AnyEntry {
  readonly id: string
  readonly result: unknown
}


/**
 * A request a task may wait for (human in the loop): its name and the type of
 * its response. Invariant in the response type, like {@link Entry}.
 *
 * **Example**
 *
 * ```ts
 * import type { Task } from "effect-graflow"
 *
 * type Approval = Task.Await<"approval", { readonly approved: boolean }>
 * type Name = Approval["name"] // "approval"
 * ```
 *
 * @category type-level
 * @since 0.2.0
 */
export interface Await<Name extends string, in out A> {
  readonly name: Name
  readonly value: A
}


/**
 * Any request: what every `Await<Name, A>` is assignable to.
 *
 * @category type-level
 * @since 0.2.0
 */
export interface AnyAwait {
  readonly name: string
  readonly value: unknown
}


/**
 * The run's input as a flow's shape carries it: the `Task.input` task that
 * takes it, and its type (one per `Task.input` task, so that a workflow with
 * two is told so).
 *
 * **Example**
 *
 * ```ts
 * import type { RunInput } from "./Entry.js"
 *
 * type OrderInput = RunInput<"order", { readonly id: string }>
 * ```
 *
 * @category type-level
 * @since 0.3.0
 */
export interface RunInput<Id extends string, out A> {
  readonly id: Id
  readonly input: A
}

/**
 * The type of the run's input, from a shape's `input` (`unknown` for a flow
 * typed `Flow.Any`, which may take one; `never`: it takes none).
 *
 * **Example**
 *
 * ```ts
 * import type { InputOf, RunInput } from "./Entry.js"
 *
 * type In = InputOf<RunInput<"order", { readonly id: string }>> // { readonly id: string }
 * ```
 *
 * @category type-level
 * @since 0.3.0
 */
export type InputOf<S> = unknown extends S ? unknown : S extends RunInput<string, infer A> ? A : never
