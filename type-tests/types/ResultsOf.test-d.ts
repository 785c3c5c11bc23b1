/**
 * ResultsOf on its own: literal ids, optional ids, none, a computed id.
 */
import type { Task } from "effect-graflow"
import type { ResultsOf } from "../../dist/types/ResultsOf.js"
import type { EntryA, EntryB } from "./support.js"
import { expectType } from "tsd"
import { is } from "./support.js"

expectType<{ readonly a: number; readonly b: string }>(is<ResultsOf<EntryA | EntryB>>())
expectType<{ readonly a: number; readonly b?: string }>(is<ResultsOf<EntryA | EntryB, "b">>())
expectType<{}>(is<ResultsOf<never>>())
// a computed id: an index signature (reading it gives undefined too)
expectType<{ readonly [x: string]: number; readonly b: number }>(is<ResultsOf<Task.Entry<string, number> | Task.Entry<"b", number>>>())
