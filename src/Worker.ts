/**
 * Workers: processes that run the task attempts of distributed runs
 * (`effect-graflow/Distributed`), as BullMQ jobs, for the workflows they
 * serve, on the runs' Redis channels. A worker's Effect requires the services
 * of the tasks it serves; it runs until interrupted, and closes its
 * connections when its scope closes.
 *
 * The command `effect-graflow worker <module> --redis <url>` runs one for a
 * module's workflows. See docs/distributed.md.
 *
 * @since 0.2.0
 */
import { Worker as BullWorker } from "bullmq"
import { Effect, Exit } from "effect"
import type { ChannelError } from "./ChannelError.js"
import { CheckpointStore } from "./internal/checkpoint.js"
import { type InvalidJobError, type JobResult, runJob, servedWorkflows } from "./internal/remote.js"
import { isWorkflowImpl, workflowProblem } from "./internal/workflow.js"
import { BULLMQ_CLOSE_BOUND, bullConnectionOf, bullErrorLogger, closeBullMQ, targetOptions } from "./internal/redis/connection.js"
import { queueOf } from "./internal/redis/keys.js"
import type { Runnable } from "./internal/run.js"
import type * as Distributed from "./Distributed.js"
import * as RedisChannel from "./RedisChannel.js"
import type * as Workflow from "./Workflow.js"

/**
 * The options of {@link run}: the workflows served, where the jobs and
 * channels are (as for `Distributed.layer`), how many attempts run at once,
 * and how soon a job whose worker died is re-delivered (`lockDuration`: the
 * lease a worker renews while it runs a job, default 30 s; `stalledInterval`:
 * how often workers look for jobs whose lease ran out, default 30 s).
 *
 * **Example**
 *
 * ```ts
 * import { Task, Workflow } from "effect-graflow"
 * import type * as Worker from "effect-graflow/Worker"
 *
 * const options: Worker.Options<ReadonlyArray<Workflow.Any>> = {
 *   workflows: [Workflow.make("hello", Task.make("hello", () => "world"))],
 *   redis: "redis://127.0.0.1:6380",
 *   concurrency: 16
 * }
 * ```
 *
 * @category models
 * @since 0.2.0
 */
export interface Options<Ws extends ReadonlyArray<Workflow.Any>> extends Distributed.Options {
  readonly workflows: Ws
  readonly concurrency?: number | undefined
  readonly lockDuration?: number | undefined
  readonly stalledInterval?: number | undefined
}

/** The services the tasks of the workflows need. */
type ServicesOf<Ws extends ReadonlyArray<Workflow.Any>> = Ws[number] extends infer W
  ? W extends { readonly "~effect-graflow/Workflow": { readonly services: (_: never) => infer R } } ? R : never
  : never

/**
 * Serves jobs until interrupted. Its requirements are the services of the
 * tasks of the workflows it serves. A job that is malformed, of another
 * version of a workflow, or names a workflow or task it does not serve fails
 * with a clear reason and is not run.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Task, Workflow } from "effect-graflow"
 * import * as Worker from "effect-graflow/Worker"
 *
 * const hello = Workflow.make("hello", Task.make("hello", () => "world"))
 * const worker = Worker.run({ workflows: [hello], redis: "redis://127.0.0.1:6380", concurrency: 8 })
 * ```
 *
 * @category running
 * @since 0.2.0
 */
export const run = <const Ws extends ReadonlyArray<Workflow.Any>>(
  options: Options<Ws>
): Effect.Effect<never, ChannelError, ServicesOf<Ws>> =>
  Effect.scoped(
    Effect.gen(function*() {
      const given: Array<Runnable> = []
      for (const workflow of options.workflows) {
        const problem = workflowProblem("Worker.run", workflow)
        if (problem !== undefined || !isWorkflowImpl(workflow)) return yield* Effect.die(new TypeError(problem))
        given.push(workflow)
      }
      // The workflows given, and the sub-workflows their steps run: a job may name any of them.
      const registry = servedWorkflows(given)
      if (typeof registry === "string") return yield* Effect.die(new TypeError(`Worker.run: ${registry}`))
      const { name, prefix } = queueOf(options)
      // Named, so that CLIENT LIST shows which connections are a worker's channel.
      const target = targetOptions(options.redis)
      const backend = yield* RedisChannel.make(
        "client" in target
          ? { client: target.client, prefix: options.prefix }
          : { ...target, prefix: options.prefix, redis: { connectionName: `${prefix}:worker:${process.pid}` } }
      )
      const checkpoints = yield* Effect.service(CheckpointStore)
      const context = yield* Effect.context<ServicesOf<Ws>>()
      // Each job runs with the worker's services, through one runner made here (not provided per job).
      const runExit = Effect.runPromiseExitWith(context)
      // The attempts running here: closing lets them finish (as BullMQ does), and is bounded after that.
      let running = 0
      let closing = false
      let idle: (() => void) | undefined
      const attemptsEnded = new Promise<void>((resolve) => {
        idle = resolve
      })
      const log = (message: string, error: unknown) => {
        Effect.runForkWith(context)(Effect.logWarning(message, error))
      }
      const bull = bullConnectionOf(options.redis)
      yield* Effect.addFinalizer(() => Effect.sync(bull.release))
      yield* Effect.acquireRelease(
        Effect.sync(() =>
          new BullWorker(
            name,
            async (job) => {
              // The bodies a job runs are the tasks of the served workflows: they need ServicesOf<Ws>.
              const attempt = runJob(registry, backend, checkpoints, job.data) as Effect.Effect<
                JobResult,
                InvalidJobError,
                ServicesOf<Ws>
              >
              running++
              const exit = await runExit(attempt).finally(() => {
                running--
                if (running === 0 && closing) idle?.()
              })
              if (Exit.isSuccess(exit)) return exit.value
              // A job that cannot be run fails (BullMQ keeps the reason); it is never retried.
              throw new Error(exit.cause.toString())
            },
            {
              connection: bull.connection,
              prefix,
              concurrency: options.concurrency ?? 1,
              ...(options.lockDuration === undefined ? {} : { lockDuration: options.lockDuration }),
              ...(options.stalledInterval === undefined ? {} : { stalledInterval: options.stalledInterval })
            }
          ).on("error", bullErrorLogger("a worker", log))
        ),
        (worker) =>
          Effect.suspend(() => {
            closing = true
            if (running === 0) idle?.()
            // BullMQ's own work after the attempts (moving jobs to finished, QUIT) may wait for ever on a
            // server that died or stopped: it is bounded once the attempts have ended.
            return closeBullMQ(worker, BULLMQ_CLOSE_BOUND, attemptsEnded)
          })
      )
      return yield* Effect.never
    })
  )
