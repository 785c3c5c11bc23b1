import type { Await } from "./Entry.js"

/** What an `awaits` option is, as far as these types go: a schema (its `Type`) per request name. */
interface AwaitSchemas {
  readonly [name: string]: { readonly Type: unknown }
}

/**
 * The response types of an `awaits` option, by name: what `ctx.waitFor(name)` gives.
 *
 * @internal
 */
export type AwaitTypes<Aw extends AwaitSchemas> = { readonly [K in keyof Aw & string]: Aw[K]["Type"] }


/**
 * The requests of an `awaits` option, as a union of {@link Await}s.
 *
 * @internal
 */
export type AwaitsOf<Aw extends AwaitSchemas> = { [K in keyof Aw & string]: Await<K, Aw[K]["Type"]> }[keyof Aw & string]

