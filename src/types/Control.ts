/**
 * What a task's body may do besides reading and writing, from its options:
 * the control it gets (iterate with an input, jump, terminate, add tasks,
 * wait for requests). `Control`, `NoControl`, `ControlOf` and `GotoOption` are
 * re-exported by `Task`.
 */
/**
 * What the body of a task may do besides reading and writing: iterate with
 * input `Input`, jump to `Goto`, stop the run when `Terminate` is `true`.
 *
 * **Example**
 *
 * ```ts
 * import type { Task } from "effect-graflow"
 *
 * type LoopControl = Task.ControlOf<{ readonly n: number }, readonly ["cleanup"], false>
 * type Input = LoopControl["input"] // { readonly n: number }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Control {
  readonly input: unknown
  readonly goto: string
  readonly skip: boolean
  readonly terminate: boolean
  readonly adds: unknown
  /** The response type of each request the task may wait for, by name. */
  readonly awaits: object
}


/**
 * The control of a task that declares none: no input, no jumps, no terminate.
 *
 * **Example**
 *
 * ```ts
 * import type { Task } from "effect-graflow"
 *
 * type PlainContext = Task.Context<{}, {}, never, never, Task.NoControl>
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface NoControl {
  readonly input: void
  readonly goto: never
  readonly skip: false
  readonly terminate: false
  readonly adds: never
  readonly awaits: {}
}


/**
 * The `goto` option: the ids of the tasks it may jump to, or `true`.
 *
 * **Example**
 *
 * ```ts
 * import { Task } from "effect-graflow"
 *
 * const jumps = Task.make("jumps", { goto: ["cleanup"] }, (ctx) => ctx.goto("cleanup"))
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type GotoOption = ReadonlyArray<string> | true


/**
 * The jump targets a `goto` option declares.
 *
 * @internal
 */
export type GotoIds<Goto> = Goto extends ReadonlyArray<infer Id extends string> ? Id : never


/**
 * Whether a `goto` option lets the task skip what follows it.
 *
 * @internal
 */
export type Skips<Goto> = Goto extends true ? true : [GotoIds<Goto>] extends [never] ? false : true


/**
 * Whether a task with this `goto` option may skip what follows it: `true` when
 * it declares `goto` (targets or `true`), `never` otherwise.
 *
 * @internal
 */
export type SkipsOf<Goto> = Skips<Goto> extends true ? true : never


/**
 * Whether a task with this `terminate` option may stop the run: `true` or `never`.
 *
 * @internal
 */
export type StopsOf<Terminate extends boolean> = Terminate extends true ? true : never


/**
 * The control a body gets from these options.
 *
 * **Example**
 *
 * ```ts
 * import type { Task } from "effect-graflow"
 *
 * type C = Task.ControlOf<number, readonly ["cleanup"], true>
 * type CanTerminate = C["terminate"] // true
 * ```
 *
 * @category type-level
 * @since 0.1.0
 */
export interface ControlOf<
  Input,
  Goto extends GotoOption,
  Terminate extends boolean,
  Adds extends ReadonlyArray<unknown> = readonly [],
  Awaits extends object = {}
> extends Control {
  readonly input: Input
  readonly goto: GotoIds<Goto>
  readonly skip: Skips<Goto>
  readonly terminate: Terminate
  readonly adds: Adds[number]
  readonly awaits: Awaits
}

