/** Workflow.runEvents and watchRunEvents: recorded events narrow by `type`; the options take `runEvents`; Studio.serve. */
import type { Effect, Schema, Scope, Stream } from "effect"
import { expectError, expectType } from "tsd"
import { type Channel, type ChannelError, MemoryChannel, Task, Workflow } from "effect-graflow"
import * as RedisChannel from "effect-graflow/RedisChannel"
import * as Studio from "effect-graflow/Studio"

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

// The run's start carries its input (JSON); a worker's assignment names the worker.
if (event.type === "RunStarted") expectType<Schema.Json | undefined>(event.input)
if (event.type === "TaskAssigned") {
  expectType<string>(event.worker)
  expectType<number>(event.attempt)
}
if (event.type === "TaskSucceeded") expectError(event.worker)

// watchRunEvents: a scoped subscription; the stream's events name their workflow and run.
expectType<Effect.Effect<Stream.Stream<Workflow.WatchedRunEvent>, ChannelError.ChannelError, Channel.Channel | Scope.Scope>>(
  Workflow.watchRunEvents(flow)
)
expectType<Effect.Effect<Stream.Stream<Workflow.WatchedRunEvent>, ChannelError.ChannelError, Channel.Channel | Scope.Scope>>(
  Workflow.watchRunEvents()
)
declare const seen: Workflow.WatchedRunEvent
expectType<string>(seen.workflow)
expectType<string>(seen.runId)
expectType<Workflow.RecordedEvent>(seen.event)
expectError(Workflow.watchRunEvents(42))

// Studio.serve: served in a scope on the provided channel; its error names the reason.
expectType<Effect.Effect<Studio.Served, Studio.StudioError, Channel.Channel | Scope.Scope>>(Studio.serve({ workflows: [flow] }))
declare const failure: Studio.StudioError
expectType<"MissingDependency" | "InvalidOptions" | "CannotListen">(failure.reason)
expectError(Studio.serve({ workflows: [flow], port: "4700" }))
expectError(Studio.serve({ workflow: flow }))
