/**
 * Every release of a Redis connection returns in bounded time, whatever
 * happened to the server while a run was in flight (issue 15, item 1): the
 * channel's (RedisChannel.layer), the channel's and checkpoints'
 * (RedisChannel.layerWithCheckpoints), the dispatcher's (Distributed.layer)
 * and a worker's (Worker.run, interrupted); each under three faults injected
 * while a task runs: SIGKILL then the server started again on the same port
 * about a second later, SIGKILL for good, and SIGSTOP (resumed only when the
 * test's server is stopped). Each case has a throwaway redis-server of its own.
 *
 * The task after the fault appends, which is never retried: its first command
 * after the fault fails, so the run's outcome does not depend on timing.
 * Set RELEASE_TIMINGS=1 to print how long each step took.
 */
import { assert, describe, expect, it } from "@effect/vitest"
import { Cause, Deferred, Effect, Exit, Fiber, type Layer, Option, References } from "effect"
import type { RedisOptions } from "ioredis"
import type { ChannelError } from "../src/ChannelError.js"
import { type Channel, Task, Workflow } from "../src/index.js"
import * as Distributed from "../src/Distributed.js"
import * as RedisChannel from "../src/RedisChannel.js"
import * as Worker from "../src/Worker.js"
import { type RedisServer, restartOnSamePort, throwawayServer } from "./support/redis.js"

type Fault = "restart" | "kill" | "stop"
const faults: ReadonlyArray<Fault> = ["restart", "kill", "stop"]

/**
 * How long each release may take, from the moment the run's outcome is known
 * (or the run, the worker, is given up on) to the moment the Effect returns.
 * What the code's own bounds add up to, with room for a loaded machine; what
 * the releases took before they were bounded is "never".
 * - RedisChannel, commandTimeout 1 s: at once when the server died (the client
 *   is ended while it waits to reconnect); when it stopped, QUIT's timeout
 *   (1 s), and never more than commandTimeout + 1 s (what ioredis's own
 *   half-close used to add on top, 2 s, is over the bound).
 * - Distributed.layer (from the moment the run is given up on): when the server
 *   stopped, the interrupted run's retention (one commandTimeout, 5 s: the
 *   default, which Distributed.layer does not let one change), BullMQ's
 *   QueueEvents close (about 2 s) and Queue close (5 s, its bound), the
 *   channel's QUIT (5 s): about 17 s. When it died: BullMQ's bound (5 s) at most.
 * - Worker.run (from its interruption, its attempt ended): BullMQ's Worker close
 *   (5 s at most), then its channel's QUIT (5 s when the server stopped).
 */
const bounds: Record<"channel" | "dispatcher" | "worker", Record<Fault, number>> = {
  channel: { restart: 4_000, kill: 4_000, stop: 2_500 },
  dispatcher: { restart: 8_000, kill: 8_000, stop: 24_000 },
  worker: { restart: 8_000, kill: 8_000, stop: 16_000 }
}

const timings = process.env["RELEASE_TIMINGS"] === "1"
const report = (what: string, steps: Record<string, number>) =>
  Effect.sync(() => {
    if (timings) console.log(`[releases] ${what}: ${Object.entries(steps).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)} s`).join(", ")}`)
  })

/** What the blocked task tells the test, and what the test tells it. */
interface Gates {
  /** The task runs (its run is in flight). */
  readonly running: Deferred.Deferred<void>
  /** The fault is in place: the task may go on. */
  readonly go: Deferred.Deferred<void>
  /** How its append, the first command after the fault, went. */
  readonly appended: Deferred.Deferred<Exit.Exit<number, unknown>>
}

const makeGates = Effect.all({
  running: Deferred.make<void>(),
  go: Deferred.make<void>(),
  appended: Deferred.make<Exit.Exit<number, unknown>>()
})

/** before → blocked (waits for the fault, then appends) → after. */
const blockedChain = (gates: Gates) =>
  Workflow.make(
    "released",
    Workflow.chain(
      Task.make("before", (ctx) => Effect.as(ctx.untyped.set("before", 1), "before")),
      Task.make("blocked", (ctx) =>
        Effect.gen(function*() {
          yield* Deferred.succeed(gates.running, undefined)
          yield* Deferred.await(gates.go)
          const exit = yield* Effect.exit(ctx.untyped.append("log", "after the fault"))
          yield* Deferred.succeed(gates.appended, exit)
          return yield* exit
        })),
      Task.make("after", (ctx) => Effect.as(ctx.untyped.set("after", 1), "after"))
    )
  )

/**
 * Injects `fault` into `s`. A killed server has exited when this returns; a
 * restarted one is started in the background, a second after the kill and
 * never before `ready` (the task's command failed: it never rides the restart),
 * and stopped with the test's scope. The fiber returned is that restart.
 */
const inject = (s: RedisServer, fault: Fault, ready: Effect.Effect<unknown>) =>
  Effect.gen(function*() {
    if (fault === "stop") {
      process.kill(s.pid, "SIGSTOP")
      return Option.none<Fiber.Fiber<RedisServer>>()
    }
    process.kill(s.pid, "SIGKILL")
    yield* Effect.promise(() => s.exited)
    if (fault === "kill") return Option.none<Fiber.Fiber<RedisServer>>()
    const restart = Effect.gen(function*() {
      yield* Effect.all([Effect.sleep("1 second"), ready], { concurrency: "unbounded", discard: true })
      return yield* Effect.acquireRelease(Effect.promise(() => restartOnSamePort(s)), (again) => Effect.promise(() => again.stop()))
    })
    return Option.some(yield* Effect.forkScoped(restart))
  })

/** The restart happened (its server answers on the same port) before the test ends. */
const restarted = (fiber: Option.Option<Fiber.Fiber<RedisServer>>, s: RedisServer) =>
  Effect.gen(function*() {
    if (Option.isNone(fiber)) return
    const again = yield* Fiber.join(fiber.value)
    assert.strictEqual(again.port, s.port)
  })

/** When an Effect returned (or was interrupted), and how. */
interface Returned<A, E> {
  readonly exit: Exit.Exit<A, E>
  readonly at: number
}

/** `self` in a fiber of its own, which says when it ends, however it ends. */
const stamped = <A, E>(self: Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const ended = yield* Deferred.make<Returned<A, E>>()
    const fiber = yield* Effect.forkDetach(
      Effect.onExit(self, (exit) => Effect.flatMap(Effect.sync(() => Date.now()), (at) => Deferred.succeed(ended, { exit, at })))
    )
    return { ended, fiber }
  })

/**
 * Waits at most `bound` ms after `since` (when a release began) for an Effect
 * to return (`ended`): when `strict`, not returning is an assertion failure
 * (not a hung test). How it returned, and how long after `since`.
 */
const returnsWithin = <A, E>(
  what: string,
  ended: Deferred.Deferred<Returned<A, E>>,
  since: number,
  bound: number,
  strict = true
) =>
  Effect.gen(function*() {
    const returned = yield* Effect.timeoutOption(Deferred.await(ended), Math.max(0, bound - (Date.now() - since)))
    if (strict) {
      assert.isTrue(Option.isSome(returned), `${what} did not return within ${bound} ms`)
      if (Option.isSome(returned)) expect(returned.value.at - since).toBeLessThanOrEqual(bound)
    }
    return Option.map(returned, ({ at, exit }) => ({ exit, took: at - since }))
  })

/** The runs' and worker's warnings about the server (retention not applied, …) are expected here. */
const quiet = <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.provideService(self, References.MinimumLogLevel, "Error")

/** The run failed with the blocked task's TaskFailed, caused by the append's ChannelError. */
const failedOnAppend = <A, E>(exit: Exit.Exit<A, E>) => {
  assert.isTrue(Exit.isFailure(exit), "the run failed")
  if (!Exit.isFailure(exit)) return
  const error = Cause.findErrorOption(exit.cause)
  assert.isTrue(Option.isSome(error), `a typed failure, not ${Cause.pretty(exit.cause)}`)
  const failure: unknown = Option.getOrUndefined(error)
  expect(failure).toMatchObject({ _tag: "TaskFailed", taskId: "blocked", cause: { _tag: "ChannelError", op: "append" } })
}

/** The append after the fault failed with a ChannelError. */
const appendFailed = (exit: Exit.Exit<number, unknown>) => {
  assert.isTrue(Exit.isFailure(exit), "the append after the fault failed")
  if (!Exit.isFailure(exit)) return
  const error: unknown = Option.getOrUndefined(Cause.findErrorOption(exit.cause))
  expect(error).toMatchObject({ _tag: "ChannelError", op: "append" })
}

/**
 * A run of the blocked chain with `layer` provided, in a fiber of its own,
 * the fault injected while the blocked task runs: the run's outcome as known
 * inside the layer, and how long the Effect providing the layer took after that.
 */
const channelCase = (
  fault: Fault,
  layerOf: (url: string, redis: RedisOptions) => Layer.Layer<Channel.Channel, ChannelError>,
  options: { readonly durable: boolean }
) =>
  Effect.gen(function*() {
    const s = yield* throwawayServer()
    const gates = yield* makeGates
    // ioredis asks its retryStrategy (here, its default one) how long to wait as soon as it has seen the
    // connection drop: from then on it waits to reconnect ("reconnecting"), the state in which a client
    // used to be closed for ever. The task goes on only then, so that the run ends, and the layer is
    // released, in that state.
    const reconnecting = yield* Deferred.make<void>()
    const redis: RedisOptions = {
      retryStrategy: (times) => {
        Deferred.doneUnsafe(reconnecting, Effect.void)
        return Math.min(times * 50, 2000)
      }
    }
    const workflow = blockedChain(gates)
    const outcome = yield* Deferred.make<{ readonly exit: Exit.Exit<unknown, unknown>; readonly at: number }>()
    const run = options.durable ? Workflow.run(workflow, { runId: "r", durable: true }) : Workflow.run(workflow)
    const started = Date.now()
    const provided = yield* run.pipe(
      Effect.exit,
      Effect.tap((exit) => Deferred.succeed(outcome, { exit, at: Date.now() })),
      Effect.provide(layerOf(s.url, redis)),
      quiet,
      stamped
    )
    yield* Deferred.await(gates.running)
    const faultAt = Date.now()
    const restart = yield* inject(s, fault, Deferred.await(gates.appended))
    if (fault !== "stop") yield* Deferred.await(reconnecting)
    yield* Deferred.succeed(gates.go, undefined)
    const { at, exit } = yield* Deferred.await(outcome)
    const released = yield* returnsWithin("the Effect providing the layer", provided.ended, at, bounds.channel[fault])
    failedOnAppend(exit)
    // The layer was built and released: what provide returned is the run's exit.
    assert.isTrue(Option.isSome(released) && Exit.isSuccess(released.value.exit))
    yield* report(`${options.durable ? "durable" : "plain"} ${fault}`, {
      "task running": faultAt - started,
      "fault → outcome": at - faultAt,
      "outcome → returned": Option.match(released, { onNone: () => Number.NaN, onSome: ({ took }) => took })
    })
    yield* restarted(restart, s)
  })

describe.concurrent("RedisChannel.layer: the Effect providing it returns", () => {
  for (const fault of faults) {
    it.live(`${fault}: a run of a chain fails with TaskFailed, and the layer's release is bounded`, () =>
      channelCase(fault, (url, redis) => RedisChannel.layer({ url, prefix: "rel:", commandTimeout: "1 second", redis }), { durable: false }), 30_000)
  }
})

describe.concurrent("RedisChannel.layerWithCheckpoints: the Effect providing it returns", () => {
  for (const fault of faults) {
    it.live(`${fault}: a durable run fails with TaskFailed, and the layer's release is bounded`, () =>
      channelCase(
        fault,
        (url, redis) => RedisChannel.layerWithCheckpoints({ url, prefix: "rel:", commandTimeout: "1 second", redis }),
        { durable: true }
      ), 30_000)
  }
})

/**
 * A distributed run of the blocked chain, its tasks on a Worker.run in this
 * process, the fault injected while the blocked task runs on the worker. The
 * producer never hears of an attempt that ended while the server was gone: it
 * gives the run up once the attempt has ended on the worker, and at that moment
 * the worker is interrupted. Both releases go on at once, as they would in two
 * processes; `subject` is the one held to its bound (the other is awaited, for
 * the test to leave nothing behind).
 */
const distributedCase = (fault: Fault, subject: "dispatcher" | "worker") =>
  Effect.gen(function*() {
    const s = yield* throwawayServer()
    const gates = yield* makeGates
    const workflow = blockedChain(gates)
    const options = { redis: s.url, prefix: "rel:" }
    const worker = yield* Worker.run({ workflows: [workflow], ...options }).pipe(quiet, stamped)
    const givenUp = yield* Deferred.make<number>()
    // The run is given up on (interrupted: its own finalization is part of what is timed) once the attempt ended.
    const giveUp = Deferred.await(gates.go).pipe(
      Effect.andThen(Deferred.await(gates.appended)),
      Effect.andThen(Effect.sync(() => Date.now())),
      Effect.flatMap((now) => Deferred.succeed(givenUp, now)),
      Effect.as("given up" as const)
    )
    const started = Date.now()
    const producer = yield* Distributed.run(workflow).pipe(
      Effect.exit,
      Effect.raceFirst(giveUp),
      Effect.provide(Distributed.layer(options)),
      quiet,
      stamped
    )
    yield* Deferred.await(gates.running)
    const faultAt = Date.now()
    const restart = yield* inject(s, fault, Deferred.await(gates.appended))
    yield* Deferred.succeed(gates.go, undefined)
    appendFailed(yield* Deferred.await(gates.appended))
    const interruptedAt = Date.now()
    yield* Effect.forkDetach(Fiber.interrupt(worker.fiber))
    const givenUpAt = yield* Deferred.await(givenUp)
    const [dispatcher, interrupted] = yield* Effect.all([
      returnsWithin("the Effect providing Distributed.layer", producer.ended, givenUpAt, bounds.dispatcher[fault], subject === "dispatcher"),
      returnsWithin("the interrupted Worker.run", worker.ended, interruptedAt, bounds.worker[fault], subject === "worker")
    ], { concurrency: "unbounded" })
    if (subject === "dispatcher") {
      // The run was given up on: the producer never heard of the attempt's end.
      const given = Option.map(dispatcher, ({ exit }) => Exit.isSuccess(exit) ? exit.value : Cause.pretty(exit.cause))
      assert.deepStrictEqual(given, Option.some("given up" as const))
    } else {
      assert.isTrue(Option.isSome(interrupted) && Exit.hasInterrupts(interrupted.value.exit))
    }
    yield* report(`distributed ${fault} (${subject})`, {
      "task running": faultAt - started,
      "fault → attempt ended": interruptedAt - faultAt,
      "Distributed.layer released": Option.match(dispatcher, { onNone: () => Number.NaN, onSome: ({ took }) => took }),
      "Worker.run released": Option.match(interrupted, { onNone: () => Number.NaN, onSome: ({ took }) => took })
    })
    yield* restarted(restart, s)
  })

describe.concurrent("Distributed.layer: the Effect providing it returns", () => {
  for (const fault of faults) {
    it.live(`${fault}: the run given up on after its attempt failed on the worker, the dispatcher's release is bounded`, () =>
      distributedCase(fault, "dispatcher"), 60_000)
  }
})

describe.concurrent("Worker.run: interrupted, it returns", () => {
  for (const fault of faults) {
    it.live(`${fault}: after its attempt failed, the worker's release is bounded`, () =>
      distributedCase(fault, "worker"), 60_000)
  }
})
