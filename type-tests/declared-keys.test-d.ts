/**
 * a task may write only the keys it declares; a key that a task reads but
 * no upstream task writes (and that has no initial value) makes the workflow
 * fail to compile, naming the key (see test/type-messages.test.ts).
 */
import { Effect, Schema } from "effect"
import { expectError, expectType } from "tsd"
import { Channel, Task, Workflow } from "effect-graflow"

const Channels = Channel.schema({
  config: Schema.Struct({ batchSize: Schema.Number }),
  total: Schema.Number
})

Task.make("reader", { channels: Channels, reads: ["config"] }, (ctx) => {
  expectError(ctx.channel.set("config", { batchSize: 1 })) // read, not written
  expectError(ctx.channel.set("total", 1)) // not declared at all
  expectError(ctx.channel.delete("config"))
  return ctx.channel.get("config")
})
Task.make("writer", { channels: Channels, writes: ["total"] }, (ctx) => {
  expectError(ctx.channel.set("config", { batchSize: 1 })) // not declared
  return ctx.channel.set("total", 1)
})
// only declared keys of the schema can be declared
expectError(Task.make("typo", { channels: Channels, reads: ["confg"] }, () => 1))

const setup = Task.make("setup", { channels: Channels, writes: ["config"] }, (ctx) => ctx.channel.set("config", { batchSize: 10 }))
const use = Task.make("use", { channels: Channels, reads: ["config"] }, (ctx) => ctx.channel.get("config"))

// written upstream: fine
expectType<"ok">(
  Workflow.make("ok", { channels: Channels }, Workflow.chain(setup, use)).name)
// an initial value: fine
expectType<"initial">(
  Workflow.make("initial", { channels: Channels, initial: { config: { batchSize: 1 } } }, use).name)
// nobody writes it
expectError(Workflow.make("unwritten", { channels: Channels }, use))
// written only after the reader, or by a parallel sibling
expectError(Workflow.make("late", { channels: Channels }, Workflow.chain(use, setup)))
expectError(Workflow.make("sibling", { channels: Channels }, Workflow.parallel(setup, use)))
// a typed task's keys must be declared by the workflow's channels, with the same types
expectError(Workflow.make("undeclared", Workflow.chain(setup, use)))
const Other = Channel.schema({ config: Schema.String })
expectError(Workflow.make("otherTypes", { channels: Other, initial: { config: "x" } }, use))
// a wrong initial value
expectError(Workflow.make("badInitial", { channels: Channels, initial: { config: { batchSize: "ten" } } }, use))

Effect.void
