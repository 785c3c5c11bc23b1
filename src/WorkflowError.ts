/**
 * The errors of workflow runs: a task that failed, a dynamic result lookup that
 * named no task of the workflow, and a workflow definition that does not hold
 * together (for code that got past the type checker).
 *
 * @since 0.1.0
 */
import { Data, Schema } from "effect"

/**
 * A task failed, and with it the run. `taskId` names the task; `cause` is what
 * it failed with (its own error, or the channel error that stopped it).
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task, Workflow } from "effect-graflow"
 *
 * const boom = Task.make("boom", () => Effect.fail("bad data" as const))
 * const program = Workflow.run(Workflow.make("demo", boom)).pipe(
 *   Effect.catchTag("TaskFailed", (e) => Effect.succeed(`${e.taskId}: ${e.cause}`)) // "boom: bad data"
 * )
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class TaskFailed<out Id extends string, out E> extends Data.TaggedError("TaskFailed")<{
  readonly taskId: Id
  readonly cause: E
}> {
  override get message(): string {
    const cause = this.cause
    const text = cause instanceof Error
      ? cause.message
      : typeof cause === "string"
      ? cause
      : JSON.stringify(cause) ?? typeof cause
    return `task ${JSON.stringify(this.taskId)} failed: ${text}`
  }
}

/**
 * `ctx.lookupResult(id)` named an id that is not a task of the workflow.
 * `available` lists the ids that are.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task } from "effect-graflow"
 *
 * const report = Task.make("report", (ctx) =>
 *   ctx.lookupResult("fecth").pipe(
 *     Effect.catchTag("UnknownTaskError", (e) => Effect.succeed(e.available)) // ["fetch", "report"]
 *   ))
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class UnknownTaskError extends Schema.TaggedError<UnknownTaskError>()("UnknownTaskError", {
  taskId: Schema.String,
  id: Schema.String,
  available: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `task ${JSON.stringify(this.taskId)} asked for the result of ${
      JSON.stringify(this.id)
    }, which is not a task of this workflow; the tasks are: ${this.available.map((id) => JSON.stringify(id)).join(", ")}`
  }
}

/**
 * `ctx.lookupResult(id)` named a task of the workflow that has no result (yet):
 * it has not run, or it failed.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task } from "effect-graflow"
 *
 * const report = Task.make("report", (ctx) =>
 *   ctx.lookupResult("later").pipe(Effect.catchTag("ResultNotAvailableError", () => Effect.succeed(null))))
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class ResultNotAvailableError extends Schema.TaggedError<ResultNotAvailableError>()("ResultNotAvailableError", {
  taskId: Schema.String,
  id: Schema.String
}) {
  override get message(): string {
    return `task ${JSON.stringify(this.taskId)} asked for the result of ${
      JSON.stringify(this.id)
    }, which has none (it has not run, or it failed)`
  }
}

/**
 * A workflow definition that does not hold together: duplicate task ids, a
 * result read from a task that does not certainly run before, a channel key
 * read before anything writes it. The type checker rejects these; this error
 * is thrown by `Workflow.make` for code that got past it (casts, plain JS).
 *
 * **Example**
 *
 * ```ts
 * import { WorkflowError } from "effect-graflow"
 *
 * try {
 *   // …a definition built with casts…
 * } catch (e) {
 *   if (e instanceof WorkflowError.WorkflowDefinitionError) console.error(e.problems)
 * }
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class WorkflowDefinitionError extends Data.TaggedError("WorkflowDefinitionError")<{
  readonly workflow: string
  readonly problems: ReadonlyArray<string>
}> {
  override get message(): string {
    return `workflow ${JSON.stringify(this.workflow)} is not valid:\n- ${this.problems.join("\n- ")}`
  }
}

/**
 * A task called `ctx.cancel(reason)`: the run stops and fails with this error
 * (running parallel members are interrupted). The cancelling task has no result.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task } from "effect-graflow"
 *
 * const validate = Task.make("validate", (ctx) =>
 *   Effect.gen(function*() {
 *     const ok = false
 *     if (!ok) return yield* ctx.cancel("bad data")
 *     return "valid"
 *   }))
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class WorkflowCancelled extends Schema.TaggedError<WorkflowCancelled>()("WorkflowCancelled", {
  taskId: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `workflow canceled by task ${JSON.stringify(this.taskId)}: ${this.reason}`
  }
}

/**
 * A task asked to run again (`nextIteration`, or a `goto` to it) more often
 * than its `maxCycles` allows. The task that asked fails with this error.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task } from "effect-graflow"
 *
 * const forever = Task.make("forever", { maxCycles: 3 }, (ctx) => ctx.nextIteration())
 * // the third run's nextIteration fails: CycleLimitExceededError { taskId: "forever", maxCycles: 3 }
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class CycleLimitExceededError extends Schema.TaggedError<CycleLimitExceededError>()("CycleLimitExceededError", {
  taskId: Schema.String,
  target: Schema.String,
  maxCycles: Schema.Number
}) {
  override get message(): string {
    return this.taskId === this.target
      ? `task ${JSON.stringify(this.taskId)} asked for another iteration, but it has run ${this.maxCycles} times (its maxCycles)`
      : `task ${JSON.stringify(this.taskId)} asked to jump to ${
        JSON.stringify(this.target)
      }, which has already run ${this.maxCycles} times (its maxCycles)`
  }
}

/**
 * An attempt of a task took longer than its `timeout`; it was interrupted.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task } from "effect-graflow"
 *
 * const slow = Task.make("slow", { timeout: "1 second" }, () => Effect.sleep("1 minute"))
 * // fails with TaskTimeoutError { taskId: "slow", timeout: "1s" }
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class TaskTimeoutError extends Schema.TaggedError<TaskTimeoutError>()("TaskTimeoutError", {
  taskId: Schema.String,
  timeout: Schema.String
}) {
  override get message(): string {
    return `task ${JSON.stringify(this.taskId)} timed out after ${this.timeout}`
  }
}

/**
 * `ctx.nextTask(task)` was given a task it cannot add: a task of the workflow
 * itself (use `goto` to jump to it), or one that reads a result that does not
 * exist yet.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task } from "effect-graflow"
 *
 * const extra = Task.make("extra", () => Effect.succeed(1))
 * const main = Task.make("main", (ctx) =>
 *   ctx.nextTask(extra).pipe(Effect.catchTag("InvalidNextTaskError", (e) => Effect.logWarning(e.message))))
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class InvalidNextTaskError extends Schema.TaggedError<InvalidNextTaskError>()("InvalidNextTaskError", {
  taskId: Schema.String,
  id: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `task ${JSON.stringify(this.taskId)} cannot add task ${JSON.stringify(this.id)}: ${this.reason}`
  }
}

/**
 * How one member of a parallel group ended: its task ids, and its failure.
 *
 * **Example**
 *
 * ```ts
 * import type { WorkflowError } from "effect-graflow"
 *
 * const failedMembers = (error: WorkflowError.ParallelGroupError<unknown>): ReadonlyArray<WorkflowError.MemberOutcome<unknown>> =>
 *   error.members.filter((member) => member.outcome === "failed")
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface MemberOutcome<E> {
  /** The ids of the member's tasks (one for a task, several for a chain). */
  readonly tasks: ReadonlyArray<string>
  readonly outcome: "succeeded" | "failed" | "interrupted"
  /** The member's failure, when it failed. */
  readonly error?: E | undefined
}

/**
 * A parallel group failed under its policy. `members` says how each member
 * ended, with the failures' causes; the group's successors do not run.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task, Workflow } from "effect-graflow"
 *
 * const ok = Task.make("ok", () => 1)
 * const bad = Task.make("bad", () => Effect.fail("down" as const))
 * const program = Workflow.run(Workflow.make("group", Workflow.parallel(ok, bad))).pipe(
 *   Effect.catchTag("ParallelGroupError", (e) => Effect.succeed(e.members.map((m) => `${m.tasks}: ${m.outcome}`)))
 * )
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class ParallelGroupError<out E> extends Data.TaggedError("ParallelGroupError")<{
  readonly group: string
  readonly policy: string
  readonly members: ReadonlyArray<MemberOutcome<E>>
}> {
  override get message(): string {
    const failed = this.members.filter((m) => m.outcome === "failed")
    const lines = failed.map((m) =>
      `${m.tasks.join(" → ")}: ${m.error instanceof Error ? m.error.message : JSON.stringify(m.error) ?? "failed"}`
    )
    return `parallel group ${JSON.stringify(this.group)} failed (policy ${this.policy}): ${failed.length} of ${this.members.length} members failed${
      lines.length > 0 ? `\n- ${lines.join("\n- ")}` : ""
    }`
  }
}
