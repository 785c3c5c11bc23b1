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
import { type ParallelGroupError, type TaskFailed, WorkflowCancelled } from "./workflowError.js"

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

/** A failure of a step: a task's, a group's, or the run's cancellation. */
export type Failure = TaskFailed<string, unknown> | ParallelGroupError<unknown> | WorkflowCancelled

export const isCancel = (error: unknown): error is WorkflowCancelled => error instanceof WorkflowCancelled
