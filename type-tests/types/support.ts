/**
 * What the tsd files of type-tests/types/ share: `is<T>()` (a value of a type,
 * to assert on) and a few tasks and entries to fold.
 */
import type { Task } from "effect-graflow"
import type { FoldShape } from "../../dist/types/FoldShape.js"

export declare const is: <T>() => T

export type EntryA = Task.Entry<"a", number>
export type EntryB = Task.Entry<"b", string>
export type A = Task.Task<"a", number>
export type B = Task.Task<"b", string>
export type NeedsA = Task.Task<"needsA", number, never, never, Task.DeclaredIo<EntryA, never, never, never, {}, never, never, never>>
export type Jumper = Task.Task<"jumper", void, never, never, Task.DeclaredIo<never, never, never, never, {}, "a", true, never>>
/** A valid sequence: what comes first meets what comes after. */
export type Seq = FoldShape<"sequence", readonly [A, NeedsA]>
