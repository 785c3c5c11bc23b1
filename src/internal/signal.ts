/**
 * What a step of the flow hands back up the tree when it ends, and how it can
 * fail.
 *
 * - `void` (undefined): go on with what follows;
 * - `Stop` (terminate): nothing new starts anywhere;
 * - `End` (this path ends: a `nextTask(…, { goto: true })`);
 * - `Jump`: the run continues at a task's position, after the enclosing
 *   parallel groups have finished their other members.
 *
 * @internal
 */
import type { Request } from "./checkpoint.js"
import { hasProperty } from "effect/Predicate"
import type { ParallelGroupError, RunLeaseLostError, TaskFailed, WorkflowCancelled } from "./workflowError.js"

export type Signal = void | { readonly _tag: "Stop" } | { readonly _tag: "End" } | {
  readonly _tag: "Jump"
  readonly target: string
}

export const Stop: Signal = { _tag: "Stop" }
export const End: Signal = { _tag: "End" }

/** The signal of a group: Stop wins, then the first Jump, then End. */
export const combine = (signals: ReadonlyArray<Signal>): Signal => {
  let out: Signal = undefined
  for (const signal of signals) {
    if (signal === undefined) continue
    if (signal._tag === "Stop") return Stop
    if (signal._tag === "Jump" && (out === undefined || out._tag === "End")) out = signal
    else if (signal._tag === "End" && out === undefined) out = signal
  }
  return out
}

/**
 * A task waited for a response that did not come in time: the run stops
 * everything it is doing and suspends (it is never a user-visible error: the
 * run returns with status "suspended").
 */
export class Suspend {
  readonly _tag = "Suspend"
  constructor(
    /** The requests waited on when the run suspended: the one that timed out first. */
    readonly requests: ReadonlyArray<Request>
  ) {}
}

/** A failure of a step: a task's, a group's, the run's cancellation, or its suspension. */
export type StepFailure = TaskFailed<string, unknown> | ParallelGroupError<unknown> | WorkflowCancelled | Suspend | RunLeaseLostError

/** A cancel, by its tag (one made by another copy of the package is one too). */
export const isCancel = (error: unknown): error is WorkflowCancelled =>
  hasProperty(error, "_tag") && error._tag === "WorkflowCancelled" && hasProperty(error, "taskId") && hasProperty(error, "reason")

/** A suspension, by its tag. */
export const isSuspend = (error: unknown): error is Suspend =>
  hasProperty(error, "_tag") && error._tag === "Suspend" && hasProperty(error, "requests") && Array.isArray(error.requests)

/** What stops a run at once rather than failing one task: a cancel, a suspension, a lost lease (never retried, never absorbed by a policy). */
export const stopsRun = (error: unknown): error is WorkflowCancelled | Suspend | RunLeaseLostError =>
  isCancel(error) || isSuspend(error) || isLeaseLost(error)

/** A lost run lease, by its tag: the driver stops, it is no task's failure. */
const isLeaseLost = (error: unknown): error is RunLeaseLostError => hasProperty(error, "_tag") && error._tag === "RunLeaseLostError"
