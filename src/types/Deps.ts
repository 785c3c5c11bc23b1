import type { AnyEntry } from "./Entry.js"

/**
 * An entry of `after` as these types read it: a task or a `Task.optional`
 * one, with the entry it requires (`~need`: a task's own entry, the same type
 * object; none for an optional one), the entry it reads if it exists
 * (`~want`: an optional one's task's entry) and the record a reader gets
 * (`~dep`). Every `Task.AfterEntry` is one.
 */
interface AfterLike {
  readonly "~need": AnyEntry
  readonly "~want": AnyEntry
  readonly "~dep": object
}

// These read the entries by indexed access, never through a conditional type
// on them (`E extends { _tag: "Optional" }`, `E extends Any`, `After extends
// readonly [infer Only]`): TypeScript evaluates a conditional type by
// instantiating its check type with two special mappers, which walks every
// type nested in a task (its result, its declarations, the entries of the
// tasks it reads, its channel record), once per task and per inference pass
// of each `Task.make`. (A structural `E extends Any` was worse still: it grew
// with every task before it.)

/** The entries of the required `after` tasks: each task's own entry (the same type object). */
export type NeedsOf<After extends ReadonlyArray<AfterLike>> = After[number]["~need"]
/** The entries of the `Task.optional` tasks of `after`. */
export type WantsOf<After extends ReadonlyArray<AfterLike>> = After[number]["~want"]

/**
 * The results a task can read, from its `after` list:
 * `{ fetch: { data: number[] }; mirror: Option<string> }` (with no `after`, a
 * record whose only key is the `Task.NoDeps` message).
 *
 * **Example**
 *
 * ```ts
 * import { Task } from "effect-graflow"
 *
 * const a = Task.make("a", () => 1)
 * const b = Task.make("b", () => "two")
 * type D = Task.Deps<[typeof a, Task.Optional<typeof b>]> // { readonly a: number } & { readonly b: Option<string> }
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export type Deps<After extends ReadonlyArray<AfterLike>> = After["length"] extends 0 ? { readonly [K in NoDeps]: never }
  // Each entry carries its own record (`~dep`, made once per task): one or two
  // entries are read directly (a mapped type over them would be rebuilt for
  // every inference pass of every task), more are mapped into one record. The
  // list is told apart by its length, not matched (see above).
  : After["length"] extends 1 ? After[0]["~dep"]
  : After["length"] extends 2 ? After[0]["~dep"] & After[1]["~dep"]
  : AllDeps<After[number]>

interface DepOf {
  readonly "~dep": object
}

/**
 * The entries' records as one record: each entry's key (its id) mapped to its value. A mapped type over the
 * union of entries, where an intersection of their records (inferred from a contravariant position) makes
 * TypeScript build, normalize and then search an intersection of N object types each time the body's context
 * is inferred: for the 500 tasks of a `Task.forEach`, completion of `getResult("` after an edit went from
 * about 600 ms to about 200 ms.
 */
type AllDeps<E extends DepOf> = {
  readonly [D in E as keyof D["~dep"]]: D["~dep"][keyof D["~dep"]]
}


/**
 * The one "result" of a task that declares no `after`: a message, so that
 * `ctx.getResult("x")` there says what to do instead of `… parameter of type
 * 'never'`.
 *
 * @category type-level
 * @since 0.1.0
 */
export type NoDeps = "this task declares no `after`: add the task whose result it reads to `after: [task]`"
