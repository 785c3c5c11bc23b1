/**
 * AwaitTypes and AwaitsOf on their own: one request, several, none.
 */
import type { Schema } from "effect"
import type { Task } from "effect-graflow"
import { expectType } from "tsd"
import type { AwaitsOf, AwaitTypes } from "../../dist/types/Awaits.js"
import { is } from "./support.js"

type Schemas = { readonly approval: typeof Schema.Boolean; readonly note: typeof Schema.String }
expectType<{ readonly approval: boolean; readonly note: string }>(is<AwaitTypes<Schemas>>())
expectType<Task.Await<"approval", boolean> | Task.Await<"note", string>>(is<AwaitsOf<Schemas>>())
expectType<never>(is<AwaitsOf<{}>>())
expectType<{}>(is<AwaitTypes<{}>>())
