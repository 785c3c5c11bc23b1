/**
 * Distributed runs: the same workflow, its task attempts run as BullMQ jobs by
 * worker processes (`effect-graflow/Worker`) on the run's Redis channel.
 *
 * The engine (control flow, group policies, retries, timeouts, checkpoints,
 * durability) stays in the producer; each attempt is a job of data only. An
 * error comes back as itself with the task's `error` schema, otherwise as
 * `RemoteTaskError` (tag, message, data). A worker killed mid-task has its job
 * re-delivered (at least once); a durable run whose producer died is taken
 * over, jobs in flight included, by the next producer of its `runId`, or given
 * up with {@link deleteRun}. Trace context travels in the job. See
 * docs/distributed.md.
 *
 * This subpath loads bullmq (an optional peer dependency); the root entry does not.
 *
 * @since 0.2.0
 */
import { Context, Duration, Effect, Layer, Option } from "effect"
import type { Cluster, Redis } from "ioredis"
import { Channel as ChannelService } from "./Channel.js"
import type { ChannelDecodeError, ChannelError, InvalidNamespaceError, InvalidValueError } from "./ChannelError.js"
import { CheckpointStore } from "./internal/checkpoint.js"
import { show } from "./internal/format.js"
import { type DispatcherShape, makeDispatcher } from "./internal/dispatcher.js"
import { targetOptions } from "./internal/redis/connection.js"
import { remoteAttempt, RemoteTaskError as RemoteTaskErrorClass } from "./internal/remote.js"
import * as engine from "./internal/run.js"
import type * as Checkpoint from "./Checkpoint.js"
import { isWorkflowImpl, workflowProblem } from "./internal/workflow.js"
import * as RedisChannel from "./RedisChannel.js"
import type * as Task from "./Task.js"
import * as Workflow from "./Workflow.js"
import type { CheckpointStoreError, ParallelGroupError, TaskFailed, TaskTimeoutError } from "./WorkflowError.js"

/**
 * What a body that ran on a worker failed with, as it came back: the error's
 * `tag` (`_tag`, or `"Defect"`), its `message` and its fields as JSON `data`.
 *
 * **Example**
 *
 * ```ts
 * import type * as Distributed from "effect-graflow/Distributed"
 *
 * const describe = (e: Distributed.RemoteTaskError) => `${e.taskId} failed remotely with ${e.tag}: ${e.message}`
 * ```
 *
 * @category errors
 * @since 0.2.0
 */
export const RemoteTaskError: typeof RemoteTaskErrorClass = RemoteTaskErrorClass

/**
 * The type of {@link RemoteTaskError} errors.
 *
 * @category errors
 * @since 0.2.0
 */
export interface RemoteTaskError extends RemoteTaskErrorClass {}

/**
 * The service that sends task attempts to workers.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import * as Distributed from "effect-graflow/Distributed"
 *
 * const program = Effect.service(Distributed.Dispatcher)
 * ```
 *
 * @category services
 * @since 0.2.0
 */
export class Dispatcher extends Context.Service<Dispatcher, DispatcherShape>()("effect-graflow/Dispatcher") {}

/**
 * Where the jobs go: the Redis server or Cluster (the run's channel is on it
 * too), the key prefix of the channel (default `"graflow:"`; the queue's keys
 * are `{<prefix>:bull:<queue>}:<queue>:…`, apart from every channel namespace,
 * the queue's own hash tag: one queue is one slot of a cluster) and the queue.
 * A prefix or queue with a brace is refused (TypeError).
 *
 * **Example**
 *
 * ```ts
 * import type * as Distributed from "effect-graflow/Distributed"
 *
 * const options: Distributed.Options = { redis: "redis://127.0.0.1:6380", queue: "etl" }
 * const onACluster: Distributed.Options = {
 *   redis: { cluster: ["redis://10.0.0.1:7000", "redis://10.0.0.2:7000", "redis://10.0.0.3:7000"] },
 *   queue: "etl"
 * }
 * ```
 *
 * @category models
 * @since 0.2.0
 */
export interface Options {
  /**
   * The Redis URL (`redis://[:password@]host:port[/db]`), `{ cluster }`: the
   * seed nodes of a Redis Cluster (URLs; credentials and TLS from the first),
   * or an ioredis `Redis` or `Cluster` client you own: the run's channel uses
   * it (give it `RedisChannel.clientOptions`), BullMQ's connections are
   * duplicates of it; it is never closed for you.
   */
  readonly redis: string | { readonly cluster: ReadonlyArray<string> } | Redis | Cluster
  readonly prefix?: string | undefined
  readonly queue?: string | undefined
}

/**
 * The options of {@link layer}: where the jobs go ({@link Options}), how
 * long the jobs of a durable run stay after they end (`keepJobs`, default a
 * day) for a producer that takes the run over, and how long a run's lease
 * outlives a producer that died (`runLease`, default 10 seconds: see
 * `RedisChannel.Options`). A durable run removes its jobs when it completes or
 * terminates; {@link deleteRun} removes those of a run whose producer never
 * came back.
 *
 * **Example**
 *
 * ```ts
 * import type * as Distributed from "effect-graflow/Distributed"
 *
 * const options: Distributed.LayerOptions = { redis: "redis://127.0.0.1:6380", keepJobs: "6 hours" }
 * ```
 *
 * @category models
 * @since 0.2.0
 */
export interface LayerOptions extends Options {
  readonly keepJobs?: Duration.Input | undefined
  readonly runLease?: Duration.Input | undefined
  /** The run's channel records the events of runs with a record (see `RedisChannel.Options`'s `runEvents`). */
  readonly runEvents?: boolean | undefined
}

/**
 * The coordinator's side: a dispatcher on a BullMQ queue, with the run's
 * Redis channel and checkpoint store (one connection). A distributed run's
 * channel is always this one — a `Channel` provided around the run is not
 * used — so that the coordinator and the workers share it.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task, Workflow } from "effect-graflow"
 * import * as Distributed from "effect-graflow/Distributed"
 *
 * const hello = Workflow.make("hello", Task.make("hello", () => "world"))
 * const program = Distributed.run(hello).pipe(Effect.provide(Distributed.layer({ redis: "redis://127.0.0.1:6380" })))
 * ```
 *
 * @category layers
 * @since 0.2.0
 */
export const layer = (options: LayerOptions): Layer.Layer<Dispatcher, ChannelError> =>
  Layer.effect(
    Dispatcher,
    Effect.gen(function*() {
      const keepSeconds = keepSecondsOf(options.keepJobs)
      const redis = yield* Layer.build(
        RedisChannel.layerWithCheckpoints({
          ...targetOptions(options.redis),
          prefix: options.prefix,
          runLease: options.runLease,
          runEvents: options.runEvents
        })
      )
      return Dispatcher.of(
        yield* makeDispatcher({ ...options, keepSeconds }, Context.get(redis, ChannelService), Context.get(redis, CheckpointStore))
      )
    })
  )

/** How long the jobs of a durable run stay after they end (a producer that dies may take the run over), in seconds. */
const keepSecondsOf = (keepJobs: Duration.Input | undefined): number => {
  if (keepJobs === undefined) return 86_400
  const decoded = Duration.fromInput(keepJobs)
  const millis = Option.isSome(decoded) ? Duration.toMillis(decoded.value) : Number.NaN
  if (!(millis >= 1000) || !Number.isFinite(millis)) {
    throw new TypeError(`Distributed.layer: keepJobs must be a duration of a second or more, not ${show(keepJobs)}`)
  }
  return Math.ceil(millis / 1000)
}

/**
 * A run's failures with the causes they have when bodies run remotely: a
 * task's own error (decoded with its `error` schema, when it has one) or what
 * came back from the worker.
 */
type Remoted<E> = E extends TaskFailed<infer Id, infer Cause> ? TaskFailed<Id, Cause | RemoteCause>
  : E extends ParallelGroupError<infer Member> ? ParallelGroupError<Remoted<Member>>
  : E

/** What a task's attempt fails with when it ran on a worker. */
type RemoteCause = RemoteTaskError | TaskTimeoutError | InvalidValueError | ChannelError | ChannelDecodeError | CheckpointStoreError

/**
 * The options of {@link run}: a workflow's run options, and the tasks that
 * run in the producer (`local`), whose services the producer then needs.
 *
 * **Example**
 *
 * ```ts
 * import { Task } from "effect-graflow"
 * import type * as Distributed from "effect-graflow/Distributed"
 *
 * const aggregate = Task.make("aggregate", () => 0)
 * const options: Distributed.LocalOptions<readonly [typeof aggregate]> = { local: [aggregate] }
 * ```
 *
 * @category models
 * @since 0.2.0
 */
export interface LocalOptions<Local extends ReadonlyArray<Task.Any>> {
  /** Tasks that run in the producer, not on workers (an aggregate, a task that needs the producer's services). */
  readonly local?: Local
}

/**
 * What `local` takes for a workflow with results `Results`: its own tasks
 * (their ids are the results' keys). A task of another workflow would run
 * nowhere, and its services would still be asked of the producer.
 */
type LocalTaskOf<Results> = unknown extends Results ? Task.Any : Task.Any & { readonly id: keyof Results & string }

/** The services of the tasks that run in the producer. */
type LocalServices<Local extends ReadonlyArray<Task.Any>> = Local[number]["~shape"]["services"]

/**
 * Runs a workflow with its task attempts on workers. Its requirements are
 * the dispatcher's, not the tasks' services (the workers provide those); a
 * task's failure has the cause it came back with (`RemoteTaskError`).
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task, Workflow } from "effect-graflow"
 * import * as Distributed from "effect-graflow/Distributed"
 *
 * const sum = Workflow.make("sum", Task.make("sum", () => 1 + 2))
 * const program = Effect.map(Distributed.run(sum), (out) => out.status === "completed" ? out.results.sum : 0)
 * ```
 *
 * @category running
 * @since 0.2.0
 */
export const run: {
  // Without options: a workflow that takes no input (for one that does, the error says to give it).
  <Name extends string, Results, E, R, T extends object, In, Aw extends Task.AnyAwait>(
    workflow: Workflow.Workflow<Name, Results, E, R, T, In, Aw> & Workflow.WithoutOptions<In>
  ): Effect.Effect<Workflow.Output<Results, T, Aw>, Remoted<Workflow.RunError<E, In, Aw, {}>>, Dispatcher>
  <
    Name extends string,
    Results,
    E,
    R,
    T extends object,
    In,
    Aw extends Task.AnyAwait,
    const O extends Workflow.RunOptionsFor<NoInfer<In>> = Workflow.RunOptions<NoInfer<In>>,
    const Local extends ReadonlyArray<LocalTaskOf<Results>> = readonly []
  >(
    workflow: Workflow.Workflow<Name, Results, E, R, T, In, Aw>,
    ...optionsWithTheInputIfTheWorkflowTakesOne: Workflow.RunArguments<In, O & LocalOptions<Local>>
  ): Effect.Effect<
    Workflow.Output<Results, T, Aw>,
    Remoted<Workflow.RunError<E, In, Aw, O>>,
    Dispatcher | LocalServices<Local>
  >
} = (workflow: Workflow.Any, ...optionsWithTheInputIfTheWorkflowTakesOne: ReadonlyArray<engine.RunSettings & LocalOptions<ReadonlyArray<Task.Any>>>) =>
  Effect.suspend(() => {
    const { local, ...given }: engine.RunSettings & LocalOptions<ReadonlyArray<Task.Any>> = optionsWithTheInputIfTheWorkflowTakesOne[0] ?? {}
    return distribute("Distributed.run", workflow, local, (runnable, remote) => engine.run(runnable, { ...given, remote }))
  }) as never

/**
 * Continues a distributed run from a checkpoint (its id, the checkpoint, or
 * `{ runId }` for the run's latest one): what `Workflow.resume` does, with the
 * tasks that run again sent to the workers like the run's others — a run that
 * suspended for a request, answered with `Workflow.respond`, continues on the
 * workers. (Running the same durable run again with {@link run} continues it
 * too, from its journal.)
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Task, Workflow } from "effect-graflow"
 * import * as Distributed from "effect-graflow/Distributed"
 *
 * const review = Task.make("review", { awaits: { approval: Schema.Boolean } }, (ctx) => ctx.waitFor("approval", { timeout: 0 }))
 * const release = Workflow.make("release", review)
 * const program = Effect.gen(function*() {
 *   const out = yield* Distributed.run(release, { runId: "r1" })
 *   if (out.status !== "suspended") return out
 *   yield* Distributed.respond(release, "r1", "approval", true)
 *   return yield* Distributed.resume(release, { runId: "r1" })
 * }).pipe(Effect.provide(Distributed.layer({ redis: "redis://127.0.0.1:6380" })))
 * ```
 *
 * @category running
 * @since 0.3.0
 */
export const resume = <
  Name extends string,
  Results,
  E,
  R,
  T extends object,
  In,
  Aw extends Task.AnyAwait,
  const Local extends ReadonlyArray<LocalTaskOf<Results>> = readonly []
>(
  workflow: Workflow.Workflow<Name, Results, E, R, T, In, Aw>,
  from: string | Checkpoint.Checkpoint | { readonly runId: string },
  options?: Workflow.ResumeOptions & LocalOptions<Local>
): Effect.Effect<
  Workflow.Output<Results, T, Aw>,
  Remoted<Workflow.RunError<E, In, Aw, { readonly durable: true; readonly runId: string }> | Workflow.ResumeError>,
  Dispatcher | LocalServices<Local>
> =>
  Effect.suspend(() => {
    const { local, ...given } = options ?? {}
    return distribute("Distributed.resume", workflow, local, (runnable, remote) => engine.resume(runnable, from, { ...given, remote }))
  }) as never

/**
 * Answers request `name` of a distributed run (`Workflow.respond` on the
 * dispatcher's Redis, where the run and its workers are): checked against the
 * request's schema at compile time and at run time, then queued for the task
 * that waits for it, on whichever worker it runs.
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Task, Workflow } from "effect-graflow"
 * import * as Distributed from "effect-graflow/Distributed"
 *
 * const review = Task.make("review", { awaits: { approval: Schema.Boolean } }, (ctx) => ctx.waitFor("approval"))
 * const release = Workflow.make("release", review)
 * const approve = Distributed.respond(release, "r1", "approval", true).pipe(
 *   Effect.provide(Distributed.layer({ redis: "redis://127.0.0.1:6380" }))
 * )
 * ```
 *
 * @category running
 * @since 0.3.0
 */
export const respond = <
  Name extends string,
  Results,
  E,
  R,
  T extends object,
  In,
  Aw extends Task.AnyAwait,
  const N extends Aw["name"]
>(
  workflow: Workflow.Workflow<Name, Results, E, R, T, In, Aw>,
  runId: string,
  name: [Aw] extends [never] ? Workflow.NoRequests : N,
  value: Workflow.ResponseOf<Aw, N>
): Effect.Effect<void, Workflow.RespondError, Dispatcher> =>
  Effect.flatMap(Effect.service(Dispatcher), (dispatcher) =>
    Workflow.respond(workflow, runId, name, value).pipe(
      Effect.provideService(ChannelService, dispatcher.channel),
      Effect.provideService(CheckpointStore, dispatcher.checkpoints)
    ))

/**
 * A run of the engine with its attempts sent to the workers (but for the
 * `local` tasks and the `Task.input` task, which runs in the producer: its
 * body is the run's input), on the dispatcher's channel and checkpoints.
 */
const distribute = <A extends { readonly status: string }, E>(
  operation: string,
  workflow: unknown,
  local: ReadonlyArray<Task.Any> | undefined,
  start: (workflow: engine.Runnable, remote: NonNullable<engine.RunSettings["remote"]>) => Effect.Effect<A, E, unknown>
): Effect.Effect<A, E, unknown> =>
  Effect.flatMap(Effect.service(Dispatcher), (dispatcher) => {
    const problem = workflowProblem(operation, workflow)
    if (problem !== undefined || !isWorkflowImpl(workflow)) return Effect.die(new TypeError(problem))
    const here = new Set((local ?? []).map((task) => task.id))
    // Misuse the types let through (a task of another workflow, from untyped code) is a defect.
    const stranger = [...here].find((id) => !workflow.plan.tasks.has(id))
    if (stranger !== undefined) {
      return Effect.die(
        new TypeError(`${operation}: local task "${stranger}" is not a task of workflow "${workflow.name}" (local takes the workflow's own tasks)`)
      )
    }
    /** The jobs a durable run keeps for a producer that might take it over: removed once it has ended. */
    const kept = new Set<string>()
    // The run's channel and checkpoints are the dispatcher's (Redis, the workers' channel), never a
    // Channel provided around the run: a memory channel would lose what workers write. The engine
    // runs the checked flow with each attempt sent to a worker, so the output and errors have the
    // workflow's types, with the causes attempts have remotely.
    return start(workflow, (task, ctx, timeout) =>
      here.has(task.id) || task.declarations.runInput !== undefined
        ? undefined
        : remoteAttempt(dispatcher, task, ctx, timeout, (id) => kept.add(id))).pipe(
        // A run that completed or terminated needs its jobs no more; one that failed or suspended may continue.
        Effect.tap((out) => out.status === "suspended" || kept.size === 0 ? Effect.void : dispatcher.remove([...kept])),
        Effect.provideService(ChannelService, dispatcher.channel),
        Effect.provideService(CheckpointStore, dispatcher.checkpoints)
      )
  })

/**
 * Deletes what a distributed run left: its namespace on the dispatcher's
 * Redis (results, journal, responses), its checkpoints, and its jobs — those
 * a durable run keeps for a producer that may take it over (`keepJobs`), when
 * its producer died and the run is given up. A job still running stays until
 * it ends, then goes after `keepJobs`.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task, Workflow } from "effect-graflow"
 * import * as Distributed from "effect-graflow/Distributed"
 *
 * const hello = Workflow.make("hello", Task.make("hello", () => "world"))
 * const giveUp = Distributed.deleteRun(hello, "nightly-2026-12-01").pipe(
 *   Effect.provide(Distributed.layer({ redis: "redis://127.0.0.1:6380" }))
 * )
 * ```
 *
 * @category running
 * @since 0.2.0
 */
export const deleteRun = (
  workflow: string | Workflow.Any,
  runId: string
): Effect.Effect<void, InvalidNamespaceError | ChannelError | CheckpointStoreError, Dispatcher> =>
  Effect.flatMap(Effect.service(Dispatcher), (dispatcher) =>
    Effect.andThen(
      dispatcher.removeRun(Workflow.namespace(workflow, runId)),
      Workflow.deleteRun(workflow, runId).pipe(
        Effect.provideService(ChannelService, dispatcher.channel),
        Effect.provideService(CheckpointStore, dispatcher.checkpoints)
      )
    ))
