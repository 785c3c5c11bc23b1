/**
 * The in-memory channel backend: the embedded default. Fast, no
 * infrastructure, one process. TTLs are measured with Effect's `Clock`, so
 * `TestClock` drives them in tests.
 *
 * @since 0.1.0
 */
import { Effect, Layer } from "effect"
import { Channel } from "./Channel.js"
import type { ChannelBackend } from "./ChannelBackend.js"
import { makeBackend } from "./internal/memory.js"

/**
 * Creates a memory backend. Each namespace lives while a store on it is open;
 * a workflow run's namespace is freed when the run ends (its final contents
 * are in the run's result).
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Channel, MemoryChannel } from "effect-graflow"
 *
 * const program = Effect.gen(function*() {
 *   const backend = yield* MemoryChannel.make
 *   return backend.name // "memory"
 * })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make: Effect.Effect<ChannelBackend> = Effect.sync(makeBackend)

/**
 * The memory backend as a Layer of the `Channel` service. Each build is a new,
 * empty backend.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { MemoryChannel, Workflow } from "effect-graflow"
 * declare const pipeline: Workflow.Workflow<"pipeline", {}, never, never, {}>
 *
 * const program = Workflow.run(pipeline).pipe(Effect.provide(MemoryChannel.layer))
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layer: Layer.Layer<Channel> = Layer.effect(Channel, make)

/**
 * A memory backend with options: `runEvents` makes every run with a record
 * (a `runId`, durable, or waiting for requests) record its progress events
 * — attempts, outcomes, errors — in its namespace, for `Workflow.runEvents`
 * (they go with the namespace, by the run's retention).
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { MemoryChannel, Task, Workflow } from "effect-graflow"
 *
 * const nightly = Workflow.make("nightly", Task.make("load", () => 42))
 * const program = Effect.gen(function*() {
 *   yield* Workflow.run(nightly, { runId: "n1", retention: "keep" })
 *   return yield* Workflow.runEvents(nightly, "n1") // RunStarted, TaskStarted, TaskSucceeded, RunFinished
 * }).pipe(Effect.provide(MemoryChannel.layerWith({ runEvents: true })))
 * ```
 *
 * @category layers
 * @since 0.5.0
 */
export const layerWith = (options: { readonly runEvents?: boolean | undefined }): Layer.Layer<Channel> =>
  Layer.effect(Channel, Effect.sync(() => makeBackend(options)))
