import type { Effect } from "effect"
import type { JsonIssue } from "./JsonIssue.js"

/**
 * The result of a task body that returns an Effect or a plain value: the
 * Effect's success type, or the value's type. A body typed `any` (a
 * `JSON.parse`, an untyped library) gives `unknown`: nothing is claimed about it.
 *
 * **Example**
 *
 * ```ts
 * import type { Effect } from "effect"
 * import type { BodySuccess } from "./BodyResult.js"
 *
 * type A = BodySuccess<Effect.Effect<number, "e">> // number
 * type B = BodySuccess<string>                     // string
 * type C = BodySuccess<any>                        // unknown
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type BodySuccess<Out> = BodyParts<Out>[0]

/**
 * The success, errors and services of a body's result at once (each of the
 * three types above reads one: one evaluation per body instead of three).
 * `unknown extends X` holds for `any` and `unknown`, which give the same
 * parts here; it checks `X` with the same permissive instantiation as the
 * `Effect` match after it (cached on `X`), where type-fest's `IsAny<X>`
 * (`0 extends 1 & X`) builds and walks a new intersection per body.
 */
type BodyParts<Out> = unknown extends Out ? readonly [unknown, never, never]
  : Out extends Effect.Effect<infer A, infer E, infer R> ? readonly [unknown extends A ? unknown : Stored<A>, E, R]
  : readonly [Stored<Out>, never, never]

/**
 * A result as it is stored and read back: a list's `undefined` (or `void`)
 * items are `null` — a tuple of `void`s (`Effect.all([Effect.void, …])`) is
 * stored as JSON stores it. One level: a deeper one is reported by
 * `Workflow.make` (`ResultProblem`), as in a channel value.
 */
type Stored<A> = A extends ReadonlyArray<unknown> ? undefined extends A[number] ? NullItems<A> : A : A

type NullItems<L extends ReadonlyArray<unknown>> = { [K in keyof L]: undefined extends L[K] ? Exclude<L[K], undefined | void> | null : L[K] }

/**
 * The errors of a task body: the Effect's error type, or `never` for a plain
 * value (and for a body typed `any`, which is not an Effect the types know of).
 *
 * **Example**
 *
 * ```ts
 * import type { Effect } from "effect"
 * import type { BodyError } from "./BodyResult.js"
 *
 * type E = BodyError<Effect.Effect<number, "e">> // "e"
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type BodyError<Out> = BodyParts<Out>[1]

/**
 * The services a task body needs: the Effect's requirements, or `never` for a
 * plain value (and for a body typed `any`).
 *
 * **Example**
 *
 * ```ts
 * import type { Effect } from "effect"
 * import type { BodyServices } from "./BodyResult.js"
 *
 * type R = BodyServices<Effect.Effect<number, never, "Db">> // "Db"
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type BodyServices<Out> = BodyParts<Out>[2]

/**
 * What is wrong with the result type `A` of task `Id` stored without a
 * `result` schema, in words (reported by `Workflow.make`), or `never`: a
 * body that returned a Promise (the engine runs Effects, and a Promise's
 * failures would be untyped), a result JSON cannot hold (a `Date`, a `Map`, a
 * `bigint`, a function, a class instance…), with where it is. Checked here,
 * where the result's type is known, not where the task is made: there a check
 * would reject generic helpers (`<A>(a: A) => Task.make(id, () => a)`).
 *
 * **Example**
 *
 * ```ts
 * import type { ResultProblem } from "./BodyResult.js"
 *
 * type Ok = ResultProblem<"t", number>       // never
 * type Bad = ResultProblem<"t", { at: Date }> // 'the result of task "t" is not JSON: at ["at"]: a Date …'
 * type Async = ResultProblem<"t", Promise<number>> // 'task "t" returned a Promise: wrap it with Effect.tryPromise…'
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type ResultProblem<Id extends string, A> = [Extract<A, PromiseLike<unknown>>] extends [never] ? JsonProblem<Id, A>
  : `task "${Id}" returned a Promise: wrap it with Effect.tryPromise({ try: () => …, catch: (e) => … }) so that its failure is typed`

type JsonProblem<Id extends string, A> = JsonIssue<A> extends infer Issue ? Issue extends string
    ? `the result of task "${Id}" is not JSON: ${Issue}; give the task a \`result\` schema (result: Schema.…) to store it, or return JSON`
  : never
  : never
