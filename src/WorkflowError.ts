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
 * import { Workflow } from "effect-graflow"
 *
 * try {
 *   // …a definition built with casts…
 * } catch (e) {
 *   if (e instanceof Workflow.WorkflowDefinitionError) console.error(e.problems)
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
