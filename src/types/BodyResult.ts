import type { Effect } from "effect"

/**
 * The result of a task body that returns an Effect or a plain value: the
 * Effect's success type, or the value's type.
 *
 * **Example**
 *
 * ```ts
 * import type { Effect } from "effect"
 * import type { BodySuccess } from "effect-graflow/types/BodyResult"
 *
 * type A = BodySuccess<Effect.Effect<number, "e">> // number
 * type B = BodySuccess<string>                     // string
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type BodySuccess<Out> = Out extends Effect.Effect<infer A, infer _E, infer _R> ? A : Out

/**
 * The errors of a task body: the Effect's error type, or `never` for a plain value.
 *
 * **Example**
 *
 * ```ts
 * import type { Effect } from "effect"
 * import type { BodyError } from "effect-graflow/types/BodyResult"
 *
 * type E = BodyError<Effect.Effect<number, "e">> // "e"
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type BodyError<Out> = Out extends Effect.Effect<infer _A, infer E, infer _R> ? E : never

/**
 * The services a task body needs: the Effect's requirements, or `never` for a plain value.
 *
 * **Example**
 *
 * ```ts
 * import type { Effect } from "effect"
 * import type { BodyServices } from "effect-graflow/types/BodyResult"
 *
 * type R = BodyServices<Effect.Effect<number, never, "Db">> // "Db"
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type BodyServices<Out> = Out extends Effect.Effect<infer _A, infer _E, infer R> ? R : never
