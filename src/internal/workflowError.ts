/**
 * The error classes of workflow runs and definitions (documented and
 * re-exported by `WorkflowError.ts`). Every message is built with `format.ts`,
 * so reading it never throws, whatever a task failed with.
 *
 * @internal
 */
import { Data, Schema } from "effect"
import { Issue, renderIssues } from "./channelError.js"
import { describeCause, quote } from "./format.js"

const attemptsNote = (attempts: number, retryLimit: number | undefined): string => {
  if (attempts <= 1) return ""
  const limit = retryLimit === undefined ? "" : ` (${retryLimit} ${retryLimit === 1 ? "retry" : "retries"} allowed)`
  return ` after ${attempts} attempts${limit}`
}

export class TaskFailed<out Id extends string, out E> extends Data.TaggedError("TaskFailed")<{
  readonly taskId: Id
  readonly cause: E
  /** How many attempts ran: 1, or more when the task has a retry policy. */
  readonly attempts: number
  /** The retries the task's policy allows: `times` of `{ times }`, 0 without one, `undefined` for a Schedule. */
  readonly retryLimit: number | undefined
}> {
  override get message(): string {
    return `task ${quote(this.taskId)} failed${attemptsNote(this.attempts, this.retryLimit)}: ${describeCause(this.cause)}`
  }
}

export class UnknownTaskError extends Schema.TaggedError<UnknownTaskError>()("UnknownTaskError", {
  taskId: Schema.String,
  id: Schema.String,
  available: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `task ${quote(this.taskId)} asked for the result of ${
      quote(this.id)
    }, which is not a task of this workflow; the tasks are: ${this.available.map(quote).join(", ")}`
  }
}

export class ResultNotAvailableError extends Schema.TaggedError<ResultNotAvailableError>()("ResultNotAvailableError", {
  taskId: Schema.String,
  id: Schema.String
}) {
  override get message(): string {
    return `task ${quote(this.taskId)} asked for the result of ${quote(this.id)}, which has none (it has not run, or it failed)`
  }
}

export class WorkflowDefinitionError extends Data.TaggedError("WorkflowDefinitionError")<{
  readonly workflow: string
  readonly problems: ReadonlyArray<string>
}> {
  override get message(): string {
    return `workflow ${quote(this.workflow)} is not valid:\n- ${this.problems.join("\n- ")}`
  }
}

export class WorkflowCancelled extends Schema.TaggedError<WorkflowCancelled>()("WorkflowCancelled", {
  taskId: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `workflow canceled by task ${quote(this.taskId)}: ${this.reason}`
  }
}

export class CycleLimitExceededError extends Schema.TaggedError<CycleLimitExceededError>()("CycleLimitExceededError", {
  taskId: Schema.String,
  target: Schema.String,
  maxCycles: Schema.Number
}) {
  override get message(): string {
    return this.taskId === this.target
      ? `task ${quote(this.taskId)} asked for another iteration, but it has run ${this.maxCycles} times (its maxCycles)`
      : `task ${quote(this.taskId)} asked to jump to ${
        quote(this.target)
      }, which has already run ${this.maxCycles} times (its maxCycles)`
  }
}

export class TaskTimeoutError extends Schema.TaggedError<TaskTimeoutError>()("TaskTimeoutError", {
  taskId: Schema.String,
  timeout: Schema.String
}) {
  override get message(): string {
    return `task ${quote(this.taskId)} timed out after ${this.timeout}`
  }
}

export class InvalidNextTaskError extends Schema.TaggedError<InvalidNextTaskError>()("InvalidNextTaskError", {
  taskId: Schema.String,
  id: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `task ${quote(this.taskId)} cannot add task ${quote(this.id)}: ${this.reason}`
  }
}

export interface MemberOutcome<E> {
  /** The ids of the member's tasks (one for a task, several for a chain). */
  readonly tasks: ReadonlyArray<string>
  readonly outcome: "succeeded" | "failed" | "interrupted"
  /** The member's failure, when it failed. */
  readonly error?: E | undefined
}

export class ParallelGroupError<out E> extends Data.TaggedError("ParallelGroupError")<{
  readonly group: string
  readonly policy: string
  readonly members: ReadonlyArray<MemberOutcome<E>>
}> {
  override get message(): string {
    const count = (outcome: MemberOutcome<E>["outcome"]) => this.members.filter((m) => m.outcome === outcome).length
    const failed = this.members.filter((m) => m.outcome === "failed")
    const lines = failed.map((m) => `${m.tasks.join(" → ")}: ${describeCause(m.error)}`)
    const succeeded = count("succeeded")
    const interrupted = count("interrupted")
    const others = [
      succeeded > 0 ? `${succeeded} succeeded` : "",
      interrupted > 0 ? `${interrupted} interrupted` : ""
    ].filter((part) => part !== "")
    return `parallel group ${quote(this.group)} failed (policy ${this.policy}): ${failed.length} of ${this.members.length} members failed${
      others.length > 0 ? ` (${others.join(", ")})` : ""
    }${lines.length > 0 ? `\n- ${lines.join("\n- ")}` : ""}`
  }
}

// ---------------------------------------------------------------------------
// durable runs: checkpoints, input, responses
// ---------------------------------------------------------------------------

export class CheckpointStoreError extends Schema.TaggedError<CheckpointStoreError>()("CheckpointStoreError", {
  op: Schema.String,
  id: Schema.optional(Schema.String),
  cause: Schema.Defect()
}) {
  override get message(): string {
    return `the checkpoint store failed to ${this.op}${this.id === undefined ? "" : ` ${quote(this.id)}`}: ${describeCause(this.cause)}`
  }
}

export class CheckpointNotFoundError extends Schema.TaggedError<CheckpointNotFoundError>()("CheckpointNotFoundError", {
  id: Schema.String
}) {
  override get message(): string {
    return `no checkpoint ${quote(this.id)} in the checkpoint store`
  }
}

export class CheckpointDecodeError extends Schema.TaggedError<CheckpointDecodeError>()("CheckpointDecodeError", {
  id: Schema.String,
  issues: Schema.Array(Issue)
}) {
  override get message(): string {
    return `checkpoint ${quote(this.id)} is not a checkpoint this version can read: ${renderIssues(this.issues)}`
  }
}

export class CheckpointMismatchError extends Schema.TaggedError<CheckpointMismatchError>()("CheckpointMismatchError", {
  workflow: Schema.String,
  runId: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `run ${quote(this.runId)} cannot continue as workflow ${quote(this.workflow)}: ${this.reason}`
  }
}

export class RunNotFoundError extends Schema.TaggedError<RunNotFoundError>()("RunNotFoundError", {
  workflow: Schema.String,
  runId: Schema.String
}) {
  override get message(): string {
    return `workflow ${quote(this.workflow)} has no checkpoint of run ${quote(this.runId)} to resume from`
  }
}

/** An item of a map that did not succeed, by its index in the list. */
export interface MapItemOutcome<E> {
  readonly index: number
  readonly outcome: "failed" | "interrupted"
  /** What it failed with (none when it was interrupted). */
  readonly error?: E | undefined
}

export class MapItemsError<out E> extends Data.TaggedError("MapItemsError")<{
  /** The map's id. */
  readonly map: string
  readonly policy: string
  /** How many items the list had, and how many succeeded. */
  readonly items: number
  readonly succeeded: number
  /** The items that failed, and those interrupted when the map stopped early, by index (the others succeeded). */
  readonly failed: ReadonlyArray<MapItemOutcome<E>>
}> {
  override get message(): string {
    const failures = this.failed.filter((f) => f.outcome === "failed")
    const shown = failures.slice(0, 3).map((f) => `item ${f.index}: ${describeCause(f.error)}`).join("; ")
    const more = failures.length > 3 ? `; and ${failures.length - 3} more` : ""
    return `map ${quote(this.map)}: ${failures.length} of ${this.items} items failed (policy ${this.policy}): ${shown}${more}`
  }
}

/** How a run stands, in the words of an error about it. */
const standing = (status: string | undefined, waitingFor: ReadonlyArray<string>): string => {
  switch (status) {
    case undefined:
      return "no run of that id exists (it never started, it was deleted, or its namespace expired)"
    case "suspended":
      return `it is suspended, waiting for ${waitingFor.length === 0 ? "no request" : waitingFor.map(quote).join(", ")}`
    case "running":
      return "it is running"
    default:
      return `it has ${status === "failed" ? "failed" : status === "interrupted" ? "been interrupted" : status} and waits for nothing`
  }
}

export class RunNotWaitingError extends Schema.TaggedError<RunNotWaitingError>()("RunNotWaitingError", {
  workflow: Schema.String,
  runId: Schema.String,
  /** The request the response was for. */
  name: Schema.String,
  /** How the run stands: `undefined` when there is no such run, otherwise how it ended. */
  status: Schema.optional(Schema.String),
  /** The requests the run waits for (a suspended run's), if any. */
  waitingFor: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `the response to ${quote(this.name)} for run ${quote(this.runId)} of workflow ${quote(this.workflow)} was not sent: ${
      standing(this.status, this.waitingFor)
    }; nothing was written`
  }
}

export class RunLeaseLostError extends Schema.TaggedError<RunLeaseLostError>()("RunLeaseLostError", {
  workflow: Schema.String,
  runId: Schema.String
}) {
  override get message(): string {
    return `run ${quote(this.runId)} of workflow ${
      quote(this.workflow)
    } was taken over by another driver: this one did not renew its lease in time (the process was paused, or Redis could not be reached), so it stopped`
  }
}

export class InvalidRunInputError extends Schema.TaggedError<InvalidRunInputError>()("InvalidRunInputError", {
  workflow: Schema.String,
  issues: Schema.Array(Issue)
}) {
  override get message(): string {
    return `the input of workflow ${quote(this.workflow)} is not valid: ${renderIssues(this.issues)}`
  }
}

export class InvalidResponseError extends Schema.TaggedError<InvalidResponseError>()("InvalidResponseError", {
  workflow: Schema.String,
  runId: Schema.String,
  name: Schema.String,
  issues: Schema.Array(Issue)
}) {
  override get message(): string {
    return `the response ${quote(this.name)} to run ${quote(this.runId)} of workflow ${
      quote(this.workflow)
    } is not valid (nothing was sent; the task keeps waiting): ${renderIssues(this.issues)}`
  }
}
