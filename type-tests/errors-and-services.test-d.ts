/**
 * task errors (E) and requirements (R) flow into the type of the run
 * Effect; running without providing a service does not compile.
 */
import { Context, Effect, Layer } from "effect"
import { expectAssignable, expectError, expectNotAssignable, expectType } from "tsd"
import { type ChannelError, Task, Workflow, type WorkflowError } from "effect-graflow"

class Db extends Context.Service<Db, { readonly query: (sql: string) => Effect.Effect<ReadonlyArray<string>> }>()("Db") {}
class FetchError {
  readonly _tag = "FetchError"
}

const fetch = Task.make("fetch", () => Effect.fail(new FetchError()))
const load = Task.make("load", () => Db.use((db) => db.query("select 1")))
const workflow = Workflow.make("etl", Workflow.chain(fetch, load))
const run = Workflow.run(workflow)

// R: the run needs Db
expectType<Db>(null! as Effect.Services<typeof run>)
// E: the task failures name the tasks and carry their errors
expectAssignable<Effect.Error<typeof run>>(new (null! as typeof WorkflowError.TaskFailed)({ taskId: "fetch", cause: new FetchError(), attempts: 1, retryLimit: 0 }))
type Failure = Extract<Effect.Error<typeof run>, { readonly _tag: "TaskFailed" }>
expectType<"fetch" | "load">(null! as Failure["taskId"])
expectAssignable<Failure["cause"]>(new FetchError())
expectNotAssignable<Failure["cause"]>("some other error")
expectAssignable<Effect.Error<typeof run>>(null! as ChannelError.ChannelError)

// running without Db does not compile; with it, it does
expectError(Effect.runPromise(run))
const provided = run.pipe(Effect.provide(Layer.succeed(Db, { query: () => Effect.succeed(["row"]) })))
expectType<never>(null! as Effect.Services<typeof provided>)
Effect.runPromise(provided)

// a workflow without service needs only what the channel needs (nothing)
const plainRun = Workflow.run(Workflow.make("plain", Task.make("a", () => 1)))
expectType<never>(null! as Effect.Services<typeof plainRun>)
