/**
 * The public surface added by the hardening work: group fail-fast, run
 * retention, run namespaces and their deletion, the attempts on TaskFailed,
 * InvalidNamespaceError, and RedisChannel as a subpath of its own.
 */
import { Effect, type Layer } from "effect"
import { expectAssignable, expectError, expectType } from "tsd"
import * as Root from "effect-graflow"
import { type ChannelBackend, type ChannelError, Channel, Task, Workflow, WorkflowError } from "effect-graflow"
import * as RedisChannel from "effect-graflow/RedisChannel"

const a = Task.make("a", () => 1)
const b = Task.make("b", () => Effect.fail("down" as const))

// failFast: a boolean, on every policy's options
Workflow.parallelWith({ policy: "strict", failFast: true }, a, b)
Workflow.parallelWith({ policy: { atLeast: 1 }, failFast: false }, a, b)
expectError(Workflow.parallelWith({ policy: "strict", failFast: "yes" }, a, b))

// retention: per run, three forms
const hello = Workflow.make("hello", a)
Workflow.run(hello, { retention: "delete" })
Workflow.run(hello, { retention: "keep" })
Workflow.run(hello, { retention: { expireAfter: "7 days" } })
expectError(Workflow.run(hello, { retention: "forever" }))
expectError(Workflow.run(hello, { retention: { expireAfter: "soon" } }))
expectAssignable<Channel.Retention>({ expireAfter: 86_400_000 })
expectAssignable<ChannelBackend.Retention>({ _tag: "Expire", millis: 1 })
expectError<ChannelBackend.Retention>({ _tag: "Expire" })

// namespaces of runs, and deleting what a run left
expectType<string>(Workflow.namespace(hello, "r1"))
expectType<string>(Workflow.namespace("etl/daily", "r1"))
expectType<
  Effect.Effect<void, ChannelError.InvalidNamespaceError | ChannelError.ChannelError | WorkflowError.CheckpointStoreError, Channel.Channel>
>(
  Workflow.deleteRun(hello, "r1")
)
expectType<Effect.Effect<void, ChannelError.InvalidNamespaceError | ChannelError.ChannelError, Channel.Channel>>(
  Channel.drop("ns")
)
expectError(Workflow.deleteRun(hello))

// Channel.open names the namespace error
type OpenError = Effect.Error<ReturnType<typeof Channel.open>>
expectType<ChannelError.InvalidNamespaceError | ChannelError.ChannelError>(null! as OpenError)

// TaskFailed carries the attempts made and the retry limit
const failed = new WorkflowError.TaskFailed({ taskId: "b", cause: "down", attempts: 3, retryLimit: 2 })
expectType<number>(failed.attempts)
expectType<number | undefined>(failed.retryLimit)
expectType<"b">(failed.taskId)
expectError(new WorkflowError.TaskFailed({ taskId: "b", cause: "down" }))

// RedisChannel is a subpath: the root entry does not have it (so it never loads ioredis)
expectError(Root.RedisChannel)
expectType<Layer.Layer<Channel.Channel, ChannelError.ChannelError>>(
  RedisChannel.layer({ url: "redis://127.0.0.1:6380", retention: "delete", commandTimeout: "2 seconds" })
)
expectError(RedisChannel.layer({ url: "redis://127.0.0.1:6380", retention: "sometimes" }))
expectError(RedisChannel.layer({ url: "redis://127.0.0.1:6380", commandTimeout: "soon" }))
