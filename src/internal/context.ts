/**
 * The runtime form of `Task.Context`: what a body reaches (the channel, the
 * results of the tasks before it) and what it may ask for (control flow). The
 * requests are recorded here and applied by `attempt.ts` once the attempt
 * succeeded.
 *
 * @internal
 */
import { Duration, Effect, Option } from "effect"
import type * as Channel from "../Channel.js"
import { checkValue, type UntypedView } from "./channel.js"
import type { Request } from "./checkpoint.js"
import { type ChannelError, InvalidValueError } from "./channelError.js"
import type { Json, Value } from "./json.js"
import { resultKey } from "./keys.js"
import { readResult } from "./results.js"
import { Suspend } from "./signal.js"
import { absent, type Requests, type RunState } from "./state.js"
import { isTask, type TaskImpl } from "./task.js"
import {
  CycleLimitExceededError,
  InvalidNextTaskError,
  UnknownTaskError,
  WorkflowCancelled
} from "./workflowError.js"

const isJsonObject = (value: Value): value is { readonly [key: string]: Json } =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** What a map's item may not do (the template's type lets it: the same template may be a task of its own). */
const itemCannot = (id: string, what: string, instead: string): string =>
  `${what} in "${id}", an item of a map: an item runs once per element and cannot iterate nor checkpoint; ${instead}`

export class TaskContext {
  requests: Requests | undefined = undefined
  /** The task; `undefined` until a context made without it makes it (see `make`). */
  private made: TaskImpl | undefined
  constructor(
    task: TaskImpl | undefined,
    readonly state: RunState,
    readonly input: unknown,
    readonly attempt: number,
    readonly iteration: number
  ) {
    this.made = task
  }
  /** The task whose attempt this is. */
  get task(): TaskImpl {
    return this.made ??= this.make()
  }
  /**
   * Makes the task of a context constructed without it, on first use: a map's
   * item (map.ts) makes its copy of the template, and its id, only when asked
   * (most bodies never ask; both cost an item 70 ns). A context made with its
   * task never gets here.
   */
  protected make(): TaskImpl {
    throw new Error("effect-graflow: a task context was made without its task")
  }
  /** The key of the task's result (for errors naming it). */
  get resultKey(): string {
    return this.task.resultKey
  }
  get taskId(): string {
    return this.task.id
  }
  get workflow(): string {
    return this.state.workflow.name
  }
  get runId(): string {
    return this.state.runId
  }
  get channel(): unknown {
    const channels = this.task.declarations.channels
    return channels === undefined ? this.state.untyped : this.state.typedView(channels)
  }
  get untyped(): UntypedView {
    return this.state.untyped
  }
  getResult(id: string) {
    const required = this.task.declarations.after.some((dep) => dep.id === id)
    if (required) {
      // Written in this run by a plan task without a result schema: what the channel would give back, without reading it.
      const plan = this.state.workflow.plan
      const index = plan.index.get(id)
      const written = index === undefined || plan.resultCodecs.has(id) ? absent : this.state.writtenAt(index)
      if (written !== absent) return Effect.succeed(written)
    }
    const read = readResult(this.state, this.task.id, id)
    if (required) {
      // Composition checked that `id` certainly ran before this task, so its
      // result is there; a missing one means the channel lost it.
      return Effect.catchTag(read, "ResultNotAvailableError", (error) => Effect.die(error))
    }
    // A `Task.optional` dependency: absent is an answer.
    return Effect.catch(
      Effect.map(read, (value): Option.Option<unknown> => Option.some(value)),
      (error) => error._tag === "ResultNotAvailableError" ? Effect.succeed(Option.none()) : Effect.fail(error)
    )
  }
  lookupResult(target: string | TaskImpl) {
    if (isTask(target)) {
      if (target.declarations.result !== undefined) this.state.dynamicCodecs.set(target.id, target.declarations.result)
      return readResult(this.state, this.task.id, target.id)
    }
    if (!this.state.workflow.plan.tasks.has(target) && !this.state.ranAdded(target)) {
      return Effect.fail(
        new UnknownTaskError({ taskId: this.task.id, id: target, available: this.state.workflow.plan.ids })
      )
    }
    return readResult(this.state, this.task.id, target)
  }
  typedChannel<A>(schema: Channel.ValueSchema<A>) {
    return this.state.untyped.typed(schema)
  }
  nextIteration(...input: [] | [unknown]) {
    return Effect.suspend(() => {
      if (this.task.item !== undefined) return Effect.die(new TypeError(itemCannot(this.task.id, "ctx.nextIteration", "loop inside the body, or map a workflow")))
      const max = this.state.maxCycles(this.task)
      if (this.state.cycles(this.task.id) >= max) {
        return Effect.fail(new CycleLimitExceededError({ taskId: this.task.id, target: this.task.id, maxCycles: max }))
      }
      this.ask().iterate = { input: input.length === 0 ? this.input : input[0] }
      return Effect.void
    })
  }
  nextTask(task: TaskImpl, options?: { readonly goto?: boolean }) {
    return Effect.suspend(() => {
      const fail = (reason: string) =>
        Effect.fail(new InvalidNextTaskError({ taskId: this.task.id, id: isTask(task) ? task.id : "?", reason }))
      if (!isTask(task)) return fail("it is not a task")
      if (this.state.workflow.plan.tasks.has(task.id)) {
        return fail("it is a task of the workflow; declare it in `goto` and use ctx.goto to jump to it")
      }
      if (!this.task.declarations.adds.includes(task)) {
        return fail(`it is not one of the tasks "${this.task.id}" declares in \`adds\` (its errors and services would be missing from the run's type)`)
      }
      const deps = task.declarations.after
      return Effect.flatMap(
        Effect.forEach(deps, (dep) => this.state.store.exists(resultKey(dep.id))),
        (present) => {
          const missing = deps.find((_, i) => !present[i])
          if (missing !== undefined) return fail(`it requires the result of "${missing.id}", which has none yet`)
          this.ask().added.push({ task, goto: options?.goto === true })
          return Effect.void
        }
      )
    })
  }
  /**
   * Calls a tool (a template declared in `adds`) with an input: after this
   * attempt, the call runs as a task of its own (concurrently with the other
   * tasks this attempt added), its id `{task}.{iteration}.{tool}.{name}#{n}`;
   * the same tool may be called any number of times, each call's result kept.
   * Gives the call's task, to read its result with `lookupResult`.
   */
  call(tool: unknown, input: unknown) {
    return Effect.suspend(() => {
      const index = this.task.declarations.tools.findIndex((t) => t.template === tool)
      const entry = this.task.declarations.tools[index]
      if (entry === undefined) {
        return Effect.fail(
          new InvalidNextTaskError({ taskId: this.task.id, id: "?", reason: `it is not a template "${this.task.id}" declares in \`adds\`` })
        )
      }
      const requests = this.ask()
      const calls = requests.added.filter((a) => a.call?.tool === index).length
      const instance = entry.make(`${this.task.id}.${this.iteration}.${index}.${entry.name}#${calls + 1}`, input)
      requests.added.push({ task: instance, goto: false, call: { tool: index, input } })
      return Effect.succeed(instance)
    })
  }
  goto(target: string) {
    return Effect.suspend(() => {
      const targetTask = this.state.workflow.plan.tasks.get(target)
      if (targetTask === undefined) {
        // Workflow.make checked that every declared target is a task of the workflow.
        return Effect.die(new Error(`goto: "${target}" is not a task of workflow "${this.state.workflow.name}"`))
      }
      const max = this.state.maxCycles(targetTask)
      if (this.state.cycles(target) >= max) {
        return Effect.fail(new CycleLimitExceededError({ taskId: this.task.id, target, maxCycles: max }))
      }
      this.ask().goto = target
      return Effect.void
    })
  }
  private ask(): Requests {
    return this.requests ??= { iterate: undefined, added: [], goto: undefined, terminate: false, checkpoint: undefined }
  }
  get terminate() {
    return (reason?: string) =>
      Effect.suspend(() => {
        this.ask().terminate = true
        return reason === undefined ? Effect.void : Effect.logDebug(`task ${this.task.id} terminates the run: ${reason}`)
      })
  }
  cancel(reason: string) {
    return Effect.fail(new WorkflowCancelled({ taskId: this.task.id, reason }))
  }
  /** The run's input (the body of a `Task.input` task). */
  runInput(): unknown {
    return this.state.input?.value
  }
  /**
   * Graflow's deferred checkpoint: asks for one once this task has completed
   * (its result stored); none when the attempt fails. The metadata must be JSON.
   */
  checkpoint(metadata?: { readonly [key: string]: unknown }) {
    return Effect.suspend(() => {
      const checked = checkValue(`checkpoint metadata of ${this.task.id}`, metadata ?? {})
      if (checked instanceof InvalidValueError) return Effect.fail(checked)
      if (!isJsonObject(checked)) {
        return Effect.fail(
          new InvalidValueError({ key: `checkpoint metadata of ${this.task.id}`, issues: [{ path: [], message: "the metadata must be an object" }] })
        )
      }
      if (this.task.item !== undefined) return Effect.die(new TypeError(itemCannot(this.task.id, "ctx.checkpoint", "a durable run journals each item as it completes; checkpoint before or after the map")))
      this.ask().checkpoint = checked
      return Effect.void
    })
  }
  /**
   * Waits for the response to request `name` (declared in `awaits`): one that
   * came already, or the next one, for up to `timeout`. A response that does
   * not decode with the request's schema is logged and skipped; the task keeps
   * waiting. When none comes in time, the run suspends.
   */
  waitFor(name: string, options?: { readonly timeout?: Duration.Input; readonly prompt?: string }) {
    return Effect.suspend(() => {
      const codec = this.task.declarations.awaits.get(name)
      if (codec === undefined) {
        // The type checker allows only the names declared in `awaits`.
        return Effect.die(new Error(`waitFor: task "${this.task.id}" declares no request "${name}" in \`awaits\``))
      }
      const timeout = options?.timeout === undefined ? undefined : Duration.fromInput(options.timeout)
      if (timeout !== undefined && Option.isNone(timeout)) {
        return Effect.die(new TypeError(`waitFor: the timeout of "${name}" is not a duration`))
      }
      const request: Request = options?.prompt === undefined
        ? { name, taskId: this.state.pathOf(this.task.id), runId: this.state.rootRunId }
        : { name, taskId: this.state.pathOf(this.task.id), runId: this.state.rootRunId, prompt: options.prompt }
      const { clock } = this.state
      // Answers are queued in the root run's namespace (for a sub-workflow's task too).
      const store = this.state.responses
      const deadline = timeout === undefined ? undefined : clock.currentTimeMillisUnsafe() + Duration.toMillis(timeout.value)
      const next: Effect.Effect<unknown, ChannelError | Suspend> = Effect.suspend(() =>
        Effect.flatMap(
          store.awaitResponse(name, deadline === undefined ? undefined : Math.max(0, deadline - clock.currentTimeMillisUnsafe())),
          (raw): Effect.Effect<unknown, ChannelError | Suspend> => {
            if (raw === undefined) return Effect.fail(new Suspend([request, ...[...this.state.waiting].filter((r) => r !== request)]))
            return codec.decode(name, raw).pipe(
              Effect.catch((error) =>
                Effect.andThen(
                  Effect.logWarning(`effect-graflow: a response to "${name}" of task "${this.task.id}" was skipped: ${error.message}`),
                  next
                )
              )
            )
          }
        )
      )
      this.state.waiting.add(request)
      return Effect.ensuring(next, Effect.sync(() => this.state.waiting.delete(request)))
    })
  }
}
