/**
 * The runtime form of `Task.Context`: what a body reaches (the channel, the
 * results of the tasks before it) and what it may ask for (control flow). The
 * requests are recorded here and applied by `attempt.ts` once the attempt
 * succeeded.
 *
 * @internal
 */
import { Effect, Option } from "effect"
import type * as Channel from "../Channel.js"
import type { UntypedView } from "./channel.js"
import { resultKey } from "./keys.js"
import { readResult } from "./results.js"
import type { RunState } from "./state.js"
import { isTask, type TaskImpl } from "./task.js"
import {
  CycleLimitExceededError,
  InvalidNextTaskError,
  UnknownTaskError,
  WorkflowCancelled
} from "./workflowError.js"

/** What the body of an attempt asked for (made on the first request only). */
export interface Requests {
  iterate: { readonly input: unknown } | undefined
  readonly added: Array<{ readonly task: TaskImpl; readonly goto: boolean }>
  goto: string | undefined
  terminate: boolean
}

export class TaskContext {
  requests: Requests | undefined = undefined
  constructor(
    readonly task: TaskImpl,
    readonly state: RunState,
    readonly input: unknown,
    readonly attempt: number,
    readonly iteration: number
  ) {}
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
    if (!this.state.workflow.plan.tasks.has(target)) {
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
    return this.requests ??= { iterate: undefined, added: [], goto: undefined, terminate: false }
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
}
