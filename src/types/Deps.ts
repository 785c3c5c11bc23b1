import type { AnyEntry } from "./Entry.js"

/**
 * An entry of `after` as these types read it: a task or a `Task.optional`
 * one, with its result entry (`~entry`) and the record a reader gets (`~dep`).
 * Every `Task.AfterEntry` is one.
 */
interface AfterLike {
  readonly _tag: "Task" | "Optional"
  readonly "~entry": AnyEntry
  readonly "~dep": object
}

// These look at the entries' tags and shapes, never `E extends Any`: a structural
// check against the whole task interface per entry costs more than the rest of a
// task's type, and grew with every task before it.

// Entries are read through the `~entry` property every `after` entry has: an
// indexed access, where an `infer` pattern would build new object types per use.
/** The entries of the required `after` tasks: each task's own entry (the same type object). */
export type NeedsOf<After extends ReadonlyArray<AfterLike>> = After[number] extends infer E extends AfterLike
  ? E extends { readonly _tag: "Optional" } ? never : E["~entry"]
  : never
/** The entries of the `Task.optional` tasks of `after`. */
export type WantsOf<After extends ReadonlyArray<AfterLike>> = After[number] extends infer E extends AfterLike
  ? E extends { readonly _tag: "Optional" } ? E["~entry"] : never
  : never

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
export type Deps<After extends ReadonlyArray<AfterLike>> = After extends readonly [] ? { readonly [K in NoDeps]: never }
  // Each entry carries its own record (`~dep`, made once per task): one or two
  // entries are read directly (a mapped type over them would be rebuilt for
  // every inference pass of every task), more are mapped into one record.
  : After extends readonly [infer Only extends DepOf] ? Only["~dep"]
  : After extends readonly [infer First extends DepOf, infer Second extends DepOf] ? First["~dep"] & Second["~dep"]
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
type AllDeps<E> = {
  readonly [D in E as D extends DepOf ? keyof D["~dep"] : never]: D extends DepOf ? D["~dep"][keyof D["~dep"]] : never
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
