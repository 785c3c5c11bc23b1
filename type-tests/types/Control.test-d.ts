/**
 * GotoIds, Skips, SkipsOf, StopsOf and ControlOf on their own: lists of
 * targets, `true`, none, unions.
 */
import type { Task } from "effect-graflow"
import { expectType } from "tsd"
import type { GotoIds, Skips, SkipsOf, StopsOf } from "../../dist/types/Control.js"
import { is } from "./support.js"

expectType<"cleanup" | "retry">(is<GotoIds<readonly ["cleanup", "retry"]>>())
expectType<never>(is<GotoIds<readonly []>>())
expectType<never>(is<GotoIds<true>>())
expectType<true>(is<Skips<true>>())
expectType<true>(is<Skips<readonly ["cleanup"]>>())
expectType<false>(is<Skips<readonly []>>())
expectType<true>(is<SkipsOf<readonly ["cleanup"]>>())
expectType<never>(is<SkipsOf<readonly []>>())
expectType<true>(is<StopsOf<true>>())
expectType<never>(is<StopsOf<false>>())
// the control of a loop that may jump and terminate
type C = Task.ControlOf<{ readonly n: number }, readonly ["cleanup"], true>
expectType<{ readonly n: number }>(is<C["input"]>())
expectType<"cleanup">(is<C["goto"]>())
expectType<true>(is<C["skip"]>())
expectType<never>(is<C["adds"]>())
