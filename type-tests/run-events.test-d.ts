/** Workflow.runEvents: recorded events narrow by `type`; the options take `runEvents`. */
import type { Effect } from "effect"
import { expectError, expectType } from "tsd"
import { type Channel, type ChannelError, MemoryChannel, Task, Workflow } from "effect-graflow"
import * as RedisChannel from "effect-graflow/RedisChannel"

const flow = Workflow.make("flow", Task.make("a", () => 1))
expectType<Effect.Effect<ReadonlyArray<Workflow.RecordedEvent>, ChannelError.ChannelError, Channel.Channel>>(Workflow.runEvents(flow, "r1"))
declare const event: Workflow.RecordedEvent
if (event.type === "TaskFailed") {
  expectType<string>(event.error)
  expectType<boolean>(event.willRetry)
  expectType<number>(event.attempt)
}
if (event.type === "RunFinished") expectType<"completed" | "terminated" | "suspended" | "failed">(event.status)
expectError(event.error)
RedisChannel.layer({ url: "redis://127.0.0.1:6379", runEvents: true })
MemoryChannel.layerWith({ runEvents: true })
expectError(MemoryChannel.layerWith({ runEvents: "yes" }))
