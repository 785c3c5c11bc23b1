/**
 * Deps, NeedsOf and WantsOf on their own: no entry, one, two, many, optional
 * entries, an array of unknown length.
 */
import type { Option } from "effect"
import type { Task } from "effect-graflow"
import { expectType } from "tsd"
import type { Deps, NeedsOf, NoDeps, WantsOf } from "../../dist/types/Deps.js"
import { type A, type B, type EntryA, type EntryB, is } from "./support.js"

type C = Task.Task<"c", boolean>
expectType<{ readonly [K in NoDeps]: never }>(is<Deps<readonly []>>())
expectType<{ readonly a: number }>(is<Deps<readonly [A]>>())
expectType<{ readonly a: number } & { readonly b: string }>(is<Deps<readonly [A, B]>>())
// three or more: one record, mapped from the entries (not an intersection of their records)
expectType<{ readonly a: number; readonly b: string; readonly c: boolean }>(is<Deps<readonly [A, B, C]>>())
expectType<{ readonly a: number; readonly b: Option.Option<string>; readonly c: boolean }>(is<Deps<readonly [A, Task.Optional<B>, C]>>())
expectType<{ readonly a: number } & { readonly b: Option.Option<string> }>(is<Deps<readonly [A, Task.Optional<B>]>>())
// needs are the required entries, wants the optional ones
expectType<EntryA>(is<NeedsOf<readonly [A, Task.Optional<B>]>>())
expectType<EntryB>(is<WantsOf<readonly [A, Task.Optional<B>]>>())
expectType<never>(is<NeedsOf<readonly []>>())
// an array of unknown length: each of its tasks
expectType<EntryA | EntryB>(is<NeedsOf<ReadonlyArray<A | B>>>())
