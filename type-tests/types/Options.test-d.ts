/**
 * What the options of Task.make add, on their own: the result a body may
 * return with a `result` schema, and the error a timeout adds.
 */
import type { Effect } from "effect"
import type { WorkflowError } from "effect-graflow"
import { expectType } from "tsd"
import type { EngineError, ResultBound } from "../../dist/types/Options.js"
import { is } from "./support.js"

expectType<never>(is<EngineError<never>>())
expectType<WorkflowError.TaskTimeoutError>(is<EngineError<"1 second">>())
expectType<unknown>(is<ResultBound<never>>())
expectType<Date | Effect.Effect<Date, unknown, unknown>>(is<ResultBound<Date>>())
