/** Workflow.listRuns / getRun: statuses are the run statuses; a page and a run read back typed. */
import type { Effect, Option } from "effect"
import { expectError, expectType } from "tsd"
import { type Channel, type ChannelError, Task, Workflow } from "effect-graflow"

const flow = Workflow.make("flow", Task.make("a", () => 1))
expectType<Effect.Effect<Workflow.RunsPage, ChannelError.ChannelError, Channel.Channel>>(
  Workflow.listRuns(flow, { status: ["failed", "suspended"], limit: 20 })
)
expectType<Effect.Effect<Workflow.RunsPage, ChannelError.ChannelError, Channel.Channel>>(Workflow.listRuns("flow"))
expectType<Effect.Effect<Option.Option<Workflow.RunSummary>, ChannelError.ChannelError, Channel.Channel>>(Workflow.getRun(flow, "r1"))
expectError(Workflow.listRuns(flow, { status: "done" }))
expectError(Workflow.listRuns(flow, { limit: "50" }))
declare const run: Workflow.RunSummary
expectType<Workflow.RunStatus>(run.status)
expectType<number | undefined>(run.endedAt)
expectType<ReadonlyArray<string>>(run.waitingFor)
