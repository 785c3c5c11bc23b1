/**
 * The engine: runs a compiled plan. Sequences run their steps in order,
 * parallel groups run their members concurrently on the same channel (a
 * failure interrupts the running siblings), and every task runs exactly once,
 * after everything before it has finished.
 *
 * @internal
 */
import { randomUUID } from "node:crypto"
import { Effect, Option } from "effect"
import type * as Channel from "../Channel.js"
import { Channel as ChannelService } from "../Channel.js"
import { type ChannelStore, resultKey } from "../ChannelBackend.js"
import { ChannelDecodeError, type ChannelError, InvalidValueError } from "../ChannelError.js"
import { ResultNotAvailableError, TaskFailed, UnknownTaskError } from "../WorkflowError.js"
import { checkValue, codecOf, fieldSchema, typedFromSchema, UntypedView } from "./channel.js"
import { makeBackend } from "./memory.js"
import type { Plan, Step } from "./plan.js"
import type { TaskImpl } from "./task.js"

/** What the engine needs of a workflow. */
export interface Runnable {
  readonly name: string
  readonly plan: Plan
  readonly channels: Channel.ChannelSchema<object> | undefined
  readonly initial: { readonly [key: string]: unknown }
}

export interface RunOptions {
  readonly runId?: string | undefined
}

export interface RunOutput {
  readonly workflow: string
  readonly runId: string
  readonly results: { readonly [id: string]: unknown }
  readonly channel: { readonly [key: string]: unknown }
}

const absent: unique symbol = Symbol("effect-graflow/absent")

/** The state of one run, shared by its tasks. */
class RunState {
  readonly results: { [id: string]: unknown } = {}
  readonly untyped: UntypedView
  private readonly views = new Map<object, unknown>()
  constructor(
    readonly workflow: Runnable,
    readonly runId: string,
    readonly store: ChannelStore
  ) {
    this.untyped = new UntypedView(store)
  }
  typedView(channels: Channel.ChannelSchema<object>): unknown {
    let view = this.views.get(channels)
    if (view === undefined) {
      view = typedFromSchema(this.store, channels)
      this.views.set(channels, view)
    }
    return view
  }
  readResult(taskId: string, id: string): Effect.Effect<unknown, ResultNotAvailableError | ChannelDecodeError | ChannelError> {
    const key = resultKey(id)
    const codec = this.workflow.plan.resultCodecs.get(id)
    return Effect.flatMap(this.store.getOrElse(key, absent), (raw): Effect.Effect<unknown, ResultNotAvailableError | ChannelDecodeError> => {
      if (raw === absent) return Effect.fail(new ResultNotAvailableError({ taskId, id }))
      return codec === undefined ? Effect.succeed(raw) : codec.decode(key, raw)
    })
  }
}

/** The runtime form of `Task.Context`. */
class TaskContext {
  constructor(readonly task: TaskImpl, readonly state: RunState) {}
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
    // Composition checked that `id` ran before this task, so its result is there;
    // a missing one means the channel lost it (deleted by another program).
    return Effect.catchTag(
      this.state.readResult(this.task.id, id),
      "ResultNotAvailableError",
      (error) => Effect.die(error)
    )
  }
  lookupResult(id: string) {
    if (!this.state.workflow.plan.tasks.has(id)) {
      return Effect.fail(
        new UnknownTaskError({ taskId: this.task.id, id, available: this.state.workflow.plan.ids })
      )
    }
    return this.state.readResult(this.task.id, id)
  }
  typedChannel<A>(schema: Channel.ValueSchema<A>) {
    return this.state.untyped.typed(schema)
  }
}

/** A body as the engine calls it (see `Body` in task.ts). */
type RuntimeBody = (ctx: TaskContext, params: unknown) => unknown

const storeResult = (task: TaskImpl, state: RunState, value: unknown): Effect.Effect<void, InvalidValueError | ChannelError> => {
  const key = resultKey(task.id)
  state.results[task.id] = value
  const codec = task.declarations.result
  if (codec !== undefined) return Effect.flatMap(codec.encode(key, value), (encoded) => state.store.set(key, encoded, undefined))
  const checked = checkValue(key, value)
  if (checked instanceof InvalidValueError) {
    return Effect.fail(
      new InvalidValueError({
        key,
        issues: checked.issues.map((issue) => ({
          path: issue.path,
          message: `${issue.message} (give the task a \`result\` schema to store such a result)`
        }))
      })
    )
  }
  return state.store.set(key, checked, undefined)
}

const runTask = (task: TaskImpl) => {
  // The body was type-checked against `Task.Context`, whose runtime form is TaskContext.
  const body = task.body as RuntimeBody
  const fail = (cause: unknown) => new TaskFailed({ taskId: task.id, cause })
  return (state: RunState): Effect.Effect<void, TaskFailed<string, unknown>, unknown> =>
    Effect.suspend(() => {
      const out = body(new TaskContext(task, state), task.params)
      const effect: Effect.Effect<unknown, unknown, unknown> = Effect.isEffect(out) ? out : Effect.succeed(out)
      return Effect.flatMap(effect, (value) => storeResult(task, state, value))
    }).pipe(Effect.mapError(fail))
}

type Exec = (state: RunState) => Effect.Effect<void, TaskFailed<string, unknown>, unknown>

const compileStep = (step: Step): Exec => {
  switch (step._tag) {
    case "Task":
      return runTask(step.task)
    case "Sequence": {
      const steps = step.steps.map(compileStep)
      return (state) => Effect.forEach(steps, (exec) => exec(state), { discard: true })
    }
    case "Parallel": {
      const steps = step.steps.map(compileStep)
      return (state) => Effect.forEach(steps, (exec) => exec(state), { concurrency: "unbounded", discard: true })
    }
  }
}

const execs = new WeakMap<Plan, Exec>()
const execOf = (plan: Plan): Exec => {
  let exec = execs.get(plan)
  if (exec === undefined) {
    exec = compileStep(plan.root)
    execs.set(plan, exec)
  }
  return exec
}

const writeInitial = (workflow: Runnable, store: ChannelStore) =>
  Effect.forEach(Object.entries(workflow.initial), ([key, value]) => {
    const schema = fieldSchema(workflow.channels, key)
    if (schema !== undefined) return Effect.flatMap(codecOf(schema).encode(key, value), (encoded) => store.set(key, encoded, undefined))
    const checked = checkValue(key, value)
    return checked instanceof InvalidValueError ? Effect.fail(checked) : store.set(key, checked, undefined)
  }, { discard: true })

const snapshot = (workflow: Runnable, store: ChannelStore) =>
  Effect.flatMap(store.entries, (entries) =>
    Effect.map(
      Effect.forEach(entries, ([key, raw]) => {
        const schema = fieldSchema(workflow.channels, key)
        return schema === undefined
          ? Effect.succeed([key, raw] as const)
          : Effect.map(codecOf(schema).decode(key, raw), (value) => [key, value] as const)
      }),
      (pairs) => Object.fromEntries(pairs)
    ))

export const run = (workflow: Runnable, options: RunOptions | undefined) =>
  Effect.scoped(
    Effect.gen(function*() {
      const provided = yield* Effect.serviceOption(ChannelService)
      const backend = Option.isSome(provided) ? provided.value : makeBackend()
      const runId = options?.runId ?? randomUUID()
      const store = yield* backend.open(`${workflow.name}/${runId}`)
      yield* writeInitial(workflow, store)
      const state = new RunState(workflow, runId, store)
      yield* execOf(workflow.plan)(state)
      const channel = yield* snapshot(workflow, store)
      const output: RunOutput = { workflow: workflow.name, runId, results: state.results, channel }
      return output
    })
  )
