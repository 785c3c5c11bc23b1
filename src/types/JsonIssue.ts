/**
 * Why a type is not one of JSON's, in words with where (`at ["when"]: a Date`),
 * or `never` when it is: null, booleans, numbers, strings, arrays and plain
 * objects of them (an optional property may be `undefined`: it is left out).
 * What the types cannot see is checked when the value is written: a class
 * instance with data fields only, `NaN`, a cycle. `any` and `unknown` pass
 * (nothing is known about them), and the walk stops after five levels of
 * nesting, so a recursive type costs what five levels cost.
 *
 * **Example**
 *
 * ```ts
 * import type { JsonIssue } from "./JsonIssue.js"
 *
 * type A = JsonIssue<{ n: number; tags: string[] }> // never
 * type B = JsonIssue<{ at: Date }>                  // 'at ["at"]: a Date'
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type JsonIssue<A> = [A] extends [PlainJson] ? never : Walk<A, "", []>

/**
 * The common case in one assignability check: a type made of JSON's types, its objects anonymous (an object
 * literal's type; an interface or a class instance has no implicit index signature, so it takes the walk), an
 * optional property's `undefined` allowed, no symbol-keyed member. Only what the walk below finds nothing
 * wrong with passes here; everything else is walked, for the message. (For a 100-task workflow returning
 * structs, the walk cost about 14,000 instantiations; this check about 2,000.)
 */
type PlainJson =
  | null
  | boolean
  | number
  | string
  | ReadonlyArray<PlainJson>
  | { readonly [key: string]: PlainJson | undefined; readonly [key: symbol]: never }

type Scalar = string | number | boolean | null

type Walk<A, Path extends string, Depth extends ReadonlyArray<0>> = 0 extends 1 & A ? never
  : unknown extends A ? never
  : A extends Scalar ? never
  : Kind<A> extends infer K extends string ? [K] extends [never] ? Nested<A, Path, Depth> : At<Path, K>
  : never

type At<Path extends string, What extends string> = Path extends "" ? What : `at ${Path}: ${What}`

type Kind<A> = A extends bigint ? "a bigint (use Schema.BigInt)"
  : A extends symbol ? "a symbol"
  : A extends (...args: ReadonlyArray<never>) => unknown ? "a function"
  : A extends Date ? "a Date (use Schema.Date)"
  : A extends ReadonlyMap<unknown, unknown> ? "a Map"
  : A extends ReadonlySet<unknown> ? "a Set"
  : A extends PromiseLike<unknown> ? "a Promise"
  : A extends Uint8Array | ArrayBuffer ? "binary data (use Schema.Uint8Array)"
  : never

type Nested<A, Path extends string, Depth extends ReadonlyArray<0>> = Depth["length"] extends 5 ? never
  : A extends ReadonlyArray<infer E> ? undefined extends E ? At<`${Path}[number]`, "undefined in a list (JSON would make it null)">
    : Walk<E, `${Path}[number]`, [...Depth, 0]>
  : A extends object ? [MethodOf<A>] extends [never]
      ? { [K in keyof A & string]-?: Walk<Exclude<A[K], undefined>, `${Path}[${Quote<K>}]`, [...Depth, 0]> }[keyof A & string]
    : At<Path, "an object with methods (a class instance, an Option…), not a plain object">
  : never

/** The keys of an object's function-valued properties: a class instance or a library value, not data. */
type MethodOf<A> = { [K in keyof A]-?: A[K] extends (...args: ReadonlyArray<never>) => unknown ? K : never }[keyof A]

type Quote<K extends string> = `"${K}"`
