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
