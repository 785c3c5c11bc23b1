/**
 * What the options of `Task.make` and `Task.template` allow and add: the
 * result a body may return with a `result` schema, and the error a timeout
 * adds. (Their return types are spelled out in Task.ts: see the note there.)
 *
 * @internal
 */
import type { Effect } from "effect"
import type { TaskTimeoutError } from "../WorkflowError.js"

/**
 * What a body may return when the task has a `result` schema.
 *
 * @internal
 */
export type ResultBound<RA> = [RA] extends [never] ? unknown : RA | Effect.Effect<RA, unknown, unknown>


/**
 * The errors the engine adds to a task's own: a timeout, when it has one.
 *
 * @internal
 */
export type EngineError<Timeout> = [Timeout] extends [never] ? never : TaskTimeoutError


