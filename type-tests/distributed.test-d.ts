/**
 * Issue 10 (first part): what each side of a distributed run needs, in its type.
 */
import { Context, Effect, Layer } from "effect"
import { expectAssignable, expectError, expectType } from "tsd"
import { type ChannelError, Task, Workflow, type WorkflowError } from "effect-graflow"
import * as Distributed from "effect-graflow/Distributed"
import * as Worker from "effect-graflow/Worker"

class Db extends Context.Service<Db, { readonly rows: () => number }>()("Db") {}
class Mailer extends Context.Service<Mailer, { readonly send: (to: string) => void }>()("Mailer") {}

const load = Task.make("load", () => Effect.map(Effect.service(Db), (db) => db.rows()))
const notify = Task.make("notify", { after: [load] }, (ctx) =>
  Effect.flatMap(Effect.service(Mailer), (mailer) => Effect.map(ctx.getResult("load"), (n) => mailer.send(`${n} rows`))))
const etl = Workflow.make("etl", Workflow.chain(load, notify))
const other = Workflow.make("other", Task.make("a", () => Effect.map(Effect.service(Db), (db) => db.rows())))

// The producer needs the dispatcher, not the tasks' services: the workers provide those.
const produced = Distributed.run(etl)
expectType<Distributed.Dispatcher>(null! as Effect.Services<typeof produced>)
Effect.runPromise(produced.pipe(Effect.provide(Distributed.layer({ redis: "redis://127.0.0.1:6380" }))))
// Without the dispatcher it does not run.
expectError(Effect.runPromise(produced))

// A task's failure has the cause it comes back with.
expectAssignable<Effect.Error<typeof produced>>(null! as WorkflowError.TaskFailed<"load", Distributed.RemoteTaskError>)

// A worker needs the services of every task of every workflow it serves.
const worker = Worker.run({ workflows: [etl, other], redis: "redis://127.0.0.1:6380" })
expectType<Db | Mailer>(null! as Effect.Services<typeof worker>)
expectError(Effect.runPromise(worker))
Effect.runPromise(worker.pipe(
  Effect.provide(Layer.mergeAll(Layer.succeed(Db, { rows: () => 1 }), Layer.succeed(Mailer, { send: () => {} })))
))

// A task run in the producer (`local`) brings its services to the producer's requirements.
const withLocal = Distributed.run(etl, { local: [notify] })
expectType<Distributed.Dispatcher | Mailer>(null! as Effect.Services<typeof withLocal>)

// How long a durable run's jobs stay: a duration.
Distributed.layer({ redis: "redis://127.0.0.1:6380", keepJobs: "6 hours" })
Distributed.layer({ redis: "redis://127.0.0.1:6380", keepJobs: 3_600_000 })
expectError(Distributed.layer({ redis: "redis://127.0.0.1:6380", keepJobs: "soon" }))

// deleteRun: by workflow or name, needs the dispatcher, fails with the channel's and the store's errors.
declare const someWorkflow: Workflow.Any
type Deleting = Effect.Effect<
  void,
  ChannelError.InvalidNamespaceError | ChannelError.ChannelError | WorkflowError.CheckpointStoreError,
  Distributed.Dispatcher
>
expectType<Deleting>(Distributed.deleteRun(someWorkflow, "r1"))
expectType<Deleting>(Distributed.deleteRun("etl", "r1"))
expectError(Distributed.deleteRun("etl"))
expectError(Distributed.deleteRun("etl", 7))
