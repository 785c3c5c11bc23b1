/**
 * Where a run starts and ends: the run id and the namespace, the initial
 * values, the flow (`steps.ts`), the final channel contents, and the
 * namespace's retention however the run ends.
 *
 * @internal
 */
import { randomUUID } from "node:crypto"
import { Clock, Effect, Exit, Option, References, Tracer } from "effect"
import type * as Channel from "../Channel.js"
import type { ChannelStore } from "../ChannelBackend.js"
import type { Handler } from "../Progress.js"
import { Channel as ChannelService, checkValue, codecOf, fieldSchema, retentionOf } from "./channel.js"
import { InvalidValueError } from "./channelError.js"
import { show } from "./format.js"
import { runNamespace } from "./keys.js"
import { makeBackend } from "./memory.js"
import { Progress } from "./progress.js"
import { type Runnable, RunState } from "./state.js"
import { drive } from "./steps.js"
import type { Execution } from "./task.js"

export type { Runnable } from "./state.js"

export interface RunOptions {
  readonly runId?: string | undefined
  readonly retention?: Channel.Retention | undefined
}

export interface RunOutput {
  readonly workflow: string
  readonly runId: string
  readonly status: "completed" | "terminated"
  readonly results: { readonly [id: string]: unknown }
  readonly channel: { readonly [key: string]: unknown }
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
      const runId = options?.runId ?? randomUUID()
      if (typeof runId !== "string") return yield* Effect.die(new TypeError(`Workflow.run: the runId must be a string, not ${show(runId)}`))
      const retention = options?.retention === undefined ? undefined : retentionOf(options.retention, "Workflow.run")
      const provided = yield* Effect.serviceOption(ChannelService)
      const backend = Option.isSome(provided) ? provided.value : makeBackend()
      const progress = yield* Progress
      // Spans are made for an installed tracer (an OpenTelemetry exporter,
      // Effect.withTracer…); Effect's built-in tracer exports nowhere, so with
      // it the engine skips them and keeps the per-task cost down.
      const tracing = (yield* References.TracerEnabled) && (yield* Tracer.Tracer) !== Tracer.nativeTracer
      const clock = yield* Clock.Clock
      const store = yield* backend.open(runNamespace(workflow.name, runId))
      // The namespace's retention applies however the run ends; a failure to apply it fails a run that succeeded.
      const retain = store.retain(retention ?? backend.defaultRetention)
      const output = yield* Effect.onError(
        execute(workflow, runId, store, clock, progress, tracing),
        () =>
          Effect.catch(retain, (error) =>
            Effect.logWarning(`effect-graflow: the retention of run ${runId} of ${workflow.name} was not applied`, error))
      )
      yield* Effect.uninterruptible(retain)
      return output
    })
  )

/** A run on its opened namespace: initial values, the flow, the final channel contents. */
const execute = (
  workflow: Runnable,
  runId: string,
  store: ChannelStore,
  clock: Clock.Clock,
  progress: Handler | undefined,
  tracing: boolean
) =>
    Effect.gen(function*() {
      yield* writeInitial(workflow, store)
      const state = new RunState(workflow, runId, store, progress, tracing, clock)
      const started = clock.currentTimeMillisUnsafe()
      yield* state.event({ _tag: "RunStarted", workflow: workflow.name, runId })
      const body = state.tracing
        ? Effect.withSpan(drive(state), `workflow ${workflow.name}`, {
          captureStackTrace: false,
          attributes: { "graflow.workflow": workflow.name, "graflow.run_id": runId }
        })
        : drive(state)
      yield* Effect.onExit(body, (exit) =>
        state.event({
          _tag: "RunFinished",
          workflow: workflow.name,
          runId,
          status: Exit.isFailure(exit) ? "failed" : state.stopped ? "terminated" : "completed",
          durationMs: clock.currentTimeMillisUnsafe() - started
        }))
      const channel = yield* snapshot(workflow, store)
      const output: RunOutput = {
        workflow: workflow.name,
        runId,
        status: state.stopped ? "terminated" : "completed",
        results: state.results(),
        channel
      }
      return output
    })

/** The default execution of tasks: no retries, no timeout, `maxCycles` 10. */
export const noDefaults: Execution = { retry: undefined, timeout: undefined, maxCycles: undefined }
