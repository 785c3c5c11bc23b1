/**
 * The errors of workflow runs: a task that failed, a dynamic result lookup that
 * named no task of the workflow, and a workflow definition that does not hold
 * together (for code that got past the type checker).
 *
 * @since 0.1.0
 */
import * as internal from "./internal/workflowError.js"

/**
 * A task failed, and with it the run. `taskId` names the task; `cause` is what
 * it failed with (its own error, or the channel error that stopped it);
 * `attempts` how many attempts ran and `retryLimit` how many retries its
 * policy allows (`{ times: n }` gives `n`, no policy `0`, a `Schedule`
 * `undefined`: the schedule decides).
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
export const TaskFailed: typeof internal.TaskFailed = internal.TaskFailed

/**
 * The type of {@link TaskFailed} errors: task `Id` failed with `E`.
 *
 * @category errors
 * @since 0.1.0
 */
export type TaskFailed<Id extends string, E> = internal.TaskFailed<Id, E>

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
export const UnknownTaskError: typeof internal.UnknownTaskError = internal.UnknownTaskError

/**
 * The type of {@link UnknownTaskError} errors.
 *
 * @category errors
 * @since 0.1.0
 */
export interface UnknownTaskError extends internal.UnknownTaskError {}

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
export const ResultNotAvailableError: typeof internal.ResultNotAvailableError = internal.ResultNotAvailableError

/**
 * The type of {@link ResultNotAvailableError} errors.
 *
 * @category errors
 * @since 0.1.0
 */
export interface ResultNotAvailableError extends internal.ResultNotAvailableError {}

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
export const WorkflowDefinitionError: typeof internal.WorkflowDefinitionError = internal.WorkflowDefinitionError

/**
 * The type of {@link WorkflowDefinitionError} errors.
 *
 * @category errors
 * @since 0.1.0
 */
export interface WorkflowDefinitionError extends internal.WorkflowDefinitionError {}

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
export const WorkflowCancelled: typeof internal.WorkflowCancelled = internal.WorkflowCancelled

/**
 * The type of {@link WorkflowCancelled} errors.
 *
 * @category errors
 * @since 0.1.0
 */
export interface WorkflowCancelled extends internal.WorkflowCancelled {}

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
export const CycleLimitExceededError: typeof internal.CycleLimitExceededError = internal.CycleLimitExceededError

/**
 * The type of {@link CycleLimitExceededError} errors.
 *
 * @category errors
 * @since 0.1.0
 */
export interface CycleLimitExceededError extends internal.CycleLimitExceededError {}

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
export const TaskTimeoutError: typeof internal.TaskTimeoutError = internal.TaskTimeoutError

/**
 * The type of {@link TaskTimeoutError} errors.
 *
 * @category errors
 * @since 0.1.0
 */
export interface TaskTimeoutError extends internal.TaskTimeoutError {}

/**
 * `ctx.nextTask(task)` was given a task it cannot add: a task of the workflow
 * itself (use `goto` to jump to it), one that reads a result that does not
 * exist yet, or one the adding task does not declare in `adds` (plain
 * JavaScript; the types reject it).
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task } from "effect-graflow"
 *
 * const extra = Task.make("extra", () => Effect.succeed(1))
 * const main = Task.make("main", { adds: [extra] }, (ctx) =>
 *   ctx.nextTask(extra).pipe(Effect.catchTag("InvalidNextTaskError", (e) => Effect.logWarning(e.message))))
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export const InvalidNextTaskError: typeof internal.InvalidNextTaskError = internal.InvalidNextTaskError

/**
 * The type of {@link InvalidNextTaskError} errors.
 *
 * @category errors
 * @since 0.1.0
 */
export interface InvalidNextTaskError extends internal.InvalidNextTaskError {}

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
export type MemberOutcome<E> = internal.MemberOutcome<E>

/**
 * A parallel group failed under its policy. `members` says how each member
 * ended — succeeded, failed (with its failure) or interrupted (only with
 * `failFast`, or when a member cancels the run) — and the group's successors do
 * not run.
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
export const ParallelGroupError: typeof internal.ParallelGroupError = internal.ParallelGroupError

/**
 * The type of {@link ParallelGroupError} errors; `E` is what failed members failed with.
 *
 * @category errors
 * @since 0.1.0
 */
export type ParallelGroupError<E> = internal.ParallelGroupError<E>

/**
 * The checkpoint store failed: a checkpoint or a durable run's journal entry
 * could not be written or read. `op` says what was being done, `cause` why.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task, Workflow } from "effect-graflow"
 *
 * const step = Task.make("step", (ctx) => ctx.checkpoint({ stage: "done" }))
 * const program = Workflow.run(Workflow.make("saved", step)).pipe(
 *   Effect.catchTag("TaskFailed", (e) => Effect.succeed(e.cause._tag)) // "CheckpointStoreError" when the store failed
 * )
 * ```
 *
 * @category errors
 * @since 0.2.0
 */
export const CheckpointStoreError: typeof internal.CheckpointStoreError = internal.CheckpointStoreError

/**
 * The type of {@link CheckpointStoreError} errors.
 *
 * @category errors
 * @since 0.2.0
 */
export interface CheckpointStoreError extends internal.CheckpointStoreError {}

/**
 * `Workflow.resume` was given a checkpoint id the store does not have.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task, Workflow } from "effect-graflow"
 *
 * const w = Workflow.make("w", Task.make("a", () => 1))
 * const program = Workflow.resume(w, "w/r1/cp-9-x").pipe(
 *   Effect.catchTag("CheckpointNotFoundError", (e) => Effect.succeed(e.id))
 * )
 * ```
 *
 * @category errors
 * @since 0.2.0
 */
export const CheckpointNotFoundError: typeof internal.CheckpointNotFoundError = internal.CheckpointNotFoundError

/**
 * The type of {@link CheckpointNotFoundError} errors.
 *
 * @category errors
 * @since 0.2.0
 */
export interface CheckpointNotFoundError extends internal.CheckpointNotFoundError {}

/**
 * A checkpoint that is corrupt, foreign (not an effect-graflow checkpoint) or
 * of a version this code cannot read; `issues` says where (nothing ran).
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task, Workflow } from "effect-graflow"
 *
 * const w = Workflow.make("w", Task.make("a", () => 1))
 * const program = Workflow.resume(w, JSON.parse('{ "format": "something else" }')).pipe(
 *   Effect.catchTag("CheckpointDecodeError", (e) => Effect.succeed(e.issues[0]?.message))
 * )
 * ```
 *
 * @category errors
 * @since 0.2.0
 */
export const CheckpointDecodeError: typeof internal.CheckpointDecodeError = internal.CheckpointDecodeError

/**
 * The type of {@link CheckpointDecodeError} errors.
 *
 * @category errors
 * @since 0.2.0
 */
export interface CheckpointDecodeError extends internal.CheckpointDecodeError {}

/**
 * A checkpoint or a durable run's journal that belongs to another workflow,
 * another version of this one (its plan: tasks, groups, control flow) or
 * another input: the run is not continued from it (nothing ran).
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task, Workflow } from "effect-graflow"
 *
 * const w = Workflow.make("w", Task.make("a", () => 1))
 * const handled = (resumed: Effect.Effect<unknown, Workflow.ResumeError>) =>
 *   resumed.pipe(Effect.catchTag("CheckpointMismatchError", (e) => Effect.succeed(e.reason)))
 * ```
 *
 * @category errors
 * @since 0.2.0
 */
export const CheckpointMismatchError: typeof internal.CheckpointMismatchError = internal.CheckpointMismatchError

/**
 * The type of {@link CheckpointMismatchError} errors.
 *
 * @category errors
 * @since 0.2.0
 */
export interface CheckpointMismatchError extends internal.CheckpointMismatchError {}

/**
 * `Workflow.resume(workflow, { runId })` named a run with no checkpoint in the store.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task, Workflow } from "effect-graflow"
 *
 * const w = Workflow.make("w", Task.make("a", () => 1))
 * const program = Workflow.resume(w, { runId: "never-ran" }).pipe(
 *   Effect.catchTag("RunNotFoundError", (e) => Effect.succeed(e.runId))
 * )
 * ```
 *
 * @category errors
 * @since 0.2.0
 */
export const RunNotFoundError: typeof internal.RunNotFoundError = internal.RunNotFoundError

/**
 * The type of {@link RunNotFoundError} errors.
 *
 * @category errors
 * @since 0.2.0
 */
export interface RunNotFoundError extends internal.RunNotFoundError {}

/**
 * A `Flow.map` whose items failed beyond its policy (strict: any; `{ atLeast:
 * n }`: too many): how many items there were and succeeded, and each item that
 * failed, by its index in the list, with its error (or interrupted, when the
 * map stopped early). Inside the map's `TaskFailed`.
 *
 * **Example**
 *
 * ```ts
 * import type { WorkflowError } from "effect-graflow"
 *
 * const first = (e: WorkflowError.MapItemsError<string>) => e.failed.find((f) => f.outcome === "failed")?.index
 * ```
 *
 * @category errors
 * @since 0.3.0
 */
export const MapItemsError: typeof internal.MapItemsError = internal.MapItemsError

/**
 * The type of {@link MapItemsError} errors: `E` is what an item may fail with.
 *
 * @category errors
 * @since 0.3.0
 */
export type MapItemsError<E> = internal.MapItemsError<E>

/**
 * An item of a map that did not succeed (see {@link MapItemsError}).
 *
 * @category models
 * @since 0.3.0
 */
export type MapItemOutcome<E> = internal.MapItemOutcome<E>

/**
 * `Workflow.respond` for a run that takes no response: there is no run of
 * that id (it never started — a typo in the id —, was deleted, or expired), or
 * it has ended (`status`). Nothing was written: no answer waits for a future
 * run of the same id. `waitingFor` names what the run waits for, if anything.
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { MemoryChannel, Task, Workflow } from "effect-graflow"
 *
 * const review = Task.make("review", { awaits: { approval: Schema.Boolean } }, (ctx) => ctx.waitFor("approval"))
 * const release = Workflow.make("release", review)
 * const program = Workflow.respond(release, "no-such-run", "approval", true).pipe(
 *   Effect.catchTag("RunNotWaitingError", (e) => Effect.succeed(e.message)),
 *   Effect.provide(MemoryChannel.layer)
 * )
 * ```
 *
 * @category errors
 * @since 0.3.0
 */
export const RunNotWaitingError: typeof internal.RunNotWaitingError = internal.RunNotWaitingError

/**
 * The type of {@link RunNotWaitingError} errors.
 *
 * @category errors
 * @since 0.3.0
 */
export interface RunNotWaitingError extends internal.RunNotWaitingError {}

/**
 * A run started with a `runId` lost its lease: its driver did not renew it in
 * time (paused, or cut off from Redis), another driver took the run over, and
 * this one stopped without writing more of it. The run goes on in the other.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task, Workflow } from "effect-graflow"
 *
 * const w = Workflow.make("w", Task.make("a", () => 1))
 * const program = Workflow.run(w, { runId: "nightly" }).pipe(
 *   Effect.catchTag("RunLeaseLostError", (e) => Effect.logWarning(e.message))
 * )
 * ```
 *
 * @category errors
 * @since 0.3.0
 */
export const RunLeaseLostError: typeof internal.RunLeaseLostError = internal.RunLeaseLostError

/**
 * The type of {@link RunLeaseLostError} errors.
 *
 * @category errors
 * @since 0.3.0
 */
export interface RunLeaseLostError extends internal.RunLeaseLostError {}

/**
 * The input given to `Workflow.run` does not fit the workflow's `Task.input`
 * schema (or the workflow takes none); `issues` names each path. Nothing ran.
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Task, Workflow } from "effect-graflow"
 *
 * const order = Task.input("order", Schema.Struct({ amount: Schema.Number.check(Schema.isGreaterThan(0)) }))
 * const program = Workflow.run(Workflow.make("orders", order), { input: { amount: -1 } }).pipe(
 *   Effect.catchTag("InvalidRunInputError", (e) => Effect.succeed(e.issues[0]?.path)) // ["amount"]
 * )
 * ```
 *
 * @category errors
 * @since 0.2.0
 */
export const InvalidRunInputError: typeof internal.InvalidRunInputError = internal.InvalidRunInputError

/**
 * The type of {@link InvalidRunInputError} errors.
 *
 * @category errors
 * @since 0.2.0
 */
export interface InvalidRunInputError extends internal.InvalidRunInputError {}

/**
 * A response given to `Workflow.respond` does not fit the request's schema:
 * nothing was sent, and the task keeps waiting. `issues` names each path.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import type { WorkflowError } from "effect-graflow"
 *
 * const explain = (e: WorkflowError.InvalidResponseError) => `${e.name}: ${e.issues.map((i) => i.message).join("; ")}`
 * ```
 *
 * @category errors
 * @since 0.2.0
 */
export const InvalidResponseError: typeof internal.InvalidResponseError = internal.InvalidResponseError

/**
 * The type of {@link InvalidResponseError} errors.
 *
 * @category errors
 * @since 0.2.0
 */
export interface InvalidResponseError extends internal.InvalidResponseError {}
