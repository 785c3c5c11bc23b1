/**
 * What a task declares, as its type records it: the declarations of a task
 * that declares nothing ({@link NoIo}), of one made with options
 * ({@link DeclaredIo}), and of an input task ({@link InputIo}). Re-exported
 * by `Task`.
 *
 * @internal
 */
import type { AnyAwait, AnyEntry, RunInput } from "./Entry.js"
import type { FlowShape } from "./FlowShape.js"

/**
 * What a task declares, as it is recorded in its type.
 *
 * - `needs`: the results it requires, as the entries of the tasks it declared
 *   in `after` (`Task.Entry`: the id and the type it reads, so a need is met
 *   only by a task of that id *and* that result type);
 * - `wants`: the same for the results it reads if they exist (`Task.optional`);
 * - `reads`: channel keys it reads (some task before it must write them);
 * - `writes`: channel keys it writes;
 * - `channels`: the value types of the keys it touches (`{}` when untyped);
 * - `goto`: ids it may jump to;
 * - `skips`: `true` when it may skip what follows it (it may jump);
 * - `stops`: `true` when it may terminate the run;
 * - `adds`: the shapes of the tasks it may add with `ctx.nextTask` (their
 *   failures and services are the task's too);
 * - `schema`: `true` when its result has a `result` schema (so it need not be JSON);
 * - `awaits`: the requests it may wait for (`Task.Await`: a name and the response's type);
 * - `input`: for a `Task.input` task, the run's input (`RunInput`: the task's id and the input's type).
 *
 * **Example**
 *
 * ```ts
 * import { Task } from "effect-graflow"
 *
 * const fetch = Task.make("fetch", () => [1, 2, 3])
 * const sum = Task.make("sum", { after: [fetch] }, (ctx) => ctx.getResult("fetch"))
 * type Declared = typeof sum extends Task.Task<string, unknown, unknown, unknown, infer I> ? I["needs"]["id"] : never // "fetch"
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Io {
  readonly needs: AnyEntry
  readonly wants: AnyEntry
  readonly reads: string
  readonly writes: string
  readonly channels: object
  readonly goto: string
  readonly skips: true
  readonly stops: true
  readonly adds: FlowShape
  readonly schema: true
  readonly awaits: AnyAwait
  readonly input: unknown
}


/**
 * The declarations of a task that declares nothing.
 *
 * **Example**
 *
 * ```ts
 * import type { Task } from "effect-graflow"
 *
 * type Plain = Task.Task<"plain", number, never, never, Task.NoIo>
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface NoIo {
  readonly needs: never
  readonly wants: never
  readonly reads: never
  readonly writes: never
  readonly channels: never
  readonly goto: never
  readonly skips: never
  readonly stops: never
  readonly adds: never
  readonly schema: never
  readonly awaits: never
  readonly input: never
}


/**
 * The declarations recorded in a task's type. Every argument is a plain union
 * (entries, keys) or the value types of the touched keys, never the types of
 * the `after` tasks themselves (an entry is the dependency's id and result
 * type): a task's type does not nest the types of the tasks before it, so a
 * chain of 500 tasks costs 500 small types, not a 500-deep one.
 *
 * **Example**
 *
 * ```ts
 * import type { Task } from "effect-graflow"
 *
 * // what `Task.make("process", { after: [fetch], reads: ["config"] }, …)` records
 * type Io = Task.DeclaredIo<Task.Entry<"fetch", number>, never, "config", never, { readonly config: { batchSize: number } }, never, never, never>
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export interface DeclaredIo<
  Needs extends AnyEntry,
  Wants extends AnyEntry,
  Reads extends string,
  Writes extends string,
  Channels extends object,
  Goto extends string,
  Skips extends true,
  Stops extends true,
  Adds extends FlowShape = never,
  Schema extends true = never,
  Awaits extends AnyAwait = never
> extends Io {
  readonly needs: Needs
  readonly wants: Wants
  readonly reads: Reads
  readonly writes: Writes
  readonly channels: Channels
  readonly goto: Goto
  readonly skips: Skips
  readonly stops: Stops
  readonly adds: Adds
  readonly schema: Schema
  readonly awaits: Awaits
  readonly input: never
}


/**
 * The declarations of a `Task.input` task `Id`: its result is the run's
 * input, of type `A`, with a schema.
 *
 * @category type-level
 * @since 0.2.0
 */
export interface InputIo<Id extends string, A> extends Omit<NoIo, "schema" | "input"> {
  readonly schema: true
  readonly input: RunInput<Id, A>
}

