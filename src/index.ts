/**
 * effect-graflow: Graflow's data-flow model on Effect 4. Tasks talk through
 * channels; composition computes what a workflow provides and still needs, so
 * the type checker rejects a workflow that reads a result or a channel key that
 * is not certainly there.
 *
 * The Redis backend is a subpath of its own, so that this entry never loads
 * ioredis: `import * as RedisChannel from "effect-graflow/RedisChannel"`.
 *
 * @since 0.1.0
 */

/**
 * Channels: the typed and untyped key-value views tasks use, the channel
 * schema, and the `Channel` backend service.
 *
 * @since 0.1.0
 */
export * as Channel from "./Channel.js"

/**
 * Checkpoints: a run's progress as data, and the `CheckpointStore` that keeps
 * checkpoints and the journals of durable runs.
 *
 * @since 0.2.0
 */
export * as Checkpoint from "./Checkpoint.js"

/**
 * The contract channel backends implement, and the semantics they share.
 *
 * @since 0.1.0
 */
export * as ChannelBackend from "./ChannelBackend.js"

/**
 * The typed errors of channel operations.
 *
 * @since 0.1.0
 */
export * as ChannelError from "./ChannelError.js"

/**
 * Flows: what chains and parallel groups compose, with their type-level shape.
 *
 * @since 0.1.0
 */
export * as Flow from "./Flow.js"

/**
 * The in-memory channel backend (the default).
 *
 * @since 0.1.0
 */
export * as MemoryChannel from "./MemoryChannel.js"

/**
 * Progress events of runs, and a console logger for them.
 *
 * @since 0.1.0
 */
export * as Progress from "./Progress.js"

/**
 * Tasks: ids, bodies, and what they declare.
 *
 * @since 0.1.0
 */
export * as Task from "./Task.js"

/**
 * Workflows: composition, checking and running.
 *
 * @since 0.1.0
 */
export * as Workflow from "./Workflow.js"

/**
 * The errors of workflow runs.
 *
 * @since 0.1.0
 */
export * as WorkflowError from "./WorkflowError.js"
