/**
 * An attempt's result as the producer reads it, with the worker's side stood in by a dispatch that answers at
 * once: the cases that depend on which side's timer or reply comes first, made deterministic.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Result, Schema } from "effect"
import { MemoryChannel, Task, Workflow } from "../src/index.js"
import { commonJobData, commonJobResult, type Dispatch, JobData, JobResult, remoteAttempt } from "../src/internal/remote.js"
import { run, type Runnable } from "../src/internal/run.js"

/** Runs `workflow` with every attempt sent to a worker that answers `result` at once. */
const runAnswered = (workflow: Workflow.Any, result: unknown): Effect.Effect<unknown, unknown> => {
  const dispatch: Dispatch = { send: () => Effect.succeed(result), remove: () => Effect.void }
  // The engine's own entry (the one Distributed.run uses), its types erased at this boundary.
  return run(workflow as unknown as Runnable, { remote: (task, ctx, timeout) => remoteAttempt(dispatch, task, ctx, timeout, () => {}) }) as Effect.Effect<unknown, unknown>
}

describe("the common job's data and result, checked by hand", () => {
  const job = { v: 1, workflow: "w", plan: "0123456789abcdef", runId: "r", task: "t", iteration: 0, attempt: 1, cycles: { t: 0 } }
  /** Each case: whether the hand check takes it (else the Schema decides), and the data. */
  const jobs: ReadonlyArray<readonly [boolean, unknown]> = [
    [true, job],
    [true, { ...job, events: true }],
    [true, { ...job, events: false, cycles: {} }],
    [true, { ...job, iteration: -0, cycles: { t: 3, "other id": 2 } }],
    // A task may be named "__proto__": JSON.parse makes it an own key, and so does the check.
    [true, JSON.parse(JSON.stringify({ ...job, task: "__proto__" }).replace('"cycles":{"t":0}', '"cycles":{"__proto__":3}'))],
    // What JSON.parse never makes, the Schema reads differently: inherited, hidden or symbol keys, other prototypes.
    [false, Object.assign(Object.create({ events: "x" }), job)],
    [false, Object.defineProperty({ ...job }, "timeout", { value: 5, enumerable: false })],
    [false, { ...job, [Symbol("s")]: 1 }],
    [false, { ...job, cycles: Object.assign(Object.create({ hidden: 1 }), { t: 0 }) }],
    // Fields the hand check leaves to the Schema, valid or not.
    [false, { ...job, input: { a: [1, 2] } }],
    [false, { ...job, timeout: 100 }],
    [false, { ...job, trace: { traceId: "a", spanId: "b", sampled: true } }],
    [false, { ...job, parent: { workflow: "p", runId: "q", prefix: "x.", responses: "ns" } }],
    [false, { ...job, unknown: 1 }],
    // Data that is not a job.
    [false, { ...job, v: 2 }],
    [false, { ...job, workflow: 1 }],
    [false, { ...job, iteration: 1.5 }],
    [false, { ...job, attempt: Number.MAX_SAFE_INTEGER + 1 }],
    [false, { ...job, cycles: { t: 0.5 } }],
    [false, { ...job, cycles: [0] }],
    [false, { ...job, events: "yes" }],
    [false, { ...job, events: undefined }],
    [false, { v: 1, workflow: "w", plan: "p", runId: "r", task: "t", iteration: 0, attempt: 1 }],
    [false, [job]],
    [false, null],
    [false, "job"]
  ]
  const results: ReadonlyArray<readonly [boolean, unknown]> = [
    [true, { v: 1, ok: true }],
    [true, { v: 1, ok: true, value: 0 }],
    [true, { v: 1, ok: true, value: "text" }],
    [true, { v: 1, ok: true, value: null }],
    [true, { v: 1, ok: true, value: false }],
    [true, Object.assign(Object.create(null), { v: 1, ok: true, value: 1 })],
    [false, Object.assign(Object.create({ value: 5 }), { v: 1, ok: true })],
    [false, Object.defineProperty({ v: 1, ok: true, value: 0 }, "requests", { value: 5, enumerable: false })],
    // Left to the Schema: objects and lists, requests, failures, anything that is not a result.
    [false, { v: 1, ok: true, value: { a: 1 } }],
    [false, { v: 1, ok: true, value: [1] }],
    [false, { v: 1, ok: true, requests: { goto: "x" } }],
    [false, { v: 1, ok: false, error: { tag: "E", message: "m", defect: false } }],
    [false, { v: 1, ok: true, value: Number.NaN }],
    [false, { v: 1, ok: true, value: undefined }],
    [false, { v: 2, ok: true, value: 0 }],
    [false, { v: 1, ok: "true", value: 0 }],
    [false, { v: 1, ok: true, value: 0, more: 1 }],
    [false, "0"]
  ]

  /** Each case is taken by hand or not as it says; what is taken is what the Schema decodes. */
  const agree = <A>(byHand: (raw: unknown) => A | undefined, schema: Schema.Codec<A>, cases: ReadonlyArray<readonly [boolean, unknown]>) => {
    const decode = Schema.decodeUnknownResult(schema)
    for (const [taken, raw] of cases) {
      const checked = byHand(raw)
      assert.strictEqual(checked !== undefined, taken, JSON.stringify(raw))
      if (checked !== undefined) assert.deepStrictEqual(checked, Result.getOrThrow(decode(raw)))
    }
  }

  it("takes the common job's data as the Schema decodes it, and leaves every other to the Schema", () => agree(commonJobData, JobData, jobs))

  it("takes the common result as the Schema decodes it, and leaves every other to the Schema", () => agree(commonJobResult, JobResult, results))

  it.effect("a task named \"__proto__\" is counted in a job's cycles like any other, on both sides", () =>
    Effect.gen(function*() {
      const sent: Array<JobData> = []
      const dispatch: Dispatch = {
        send: (data) => Effect.sync(() => {
          sent.push(data)
          return { v: 1, ok: true, value: 0 }
        }),
        remove: () => Effect.void
      }
      const jumper = Task.make("jumper", { goto: ["__proto__"] }, () => 0)
      const target = Task.make("__proto__", () => 1)
      const workflow = Workflow.make("protos", Workflow.chain(jumper, target))
      yield* (run(workflow as unknown as Runnable, { remote: (task, ctx, timeout) => remoteAttempt(dispatch, task, ctx, timeout, () => {}) }) as Effect.Effect<unknown, unknown>)
      const data = sent.find((d) => d.task === "jumper")
      assert.deepStrictEqual(Object.entries(data?.cycles ?? {}), [["jumper", 1], ["__proto__", 0]])
      // The worker reads the job as it came through JSON: the count of "__proto__" is kept.
      const read = commonJobData(JSON.parse(JSON.stringify(data)))
      assert.deepStrictEqual(Object.entries(read?.cycles ?? {}), [["jumper", 1], ["__proto__", 0]])
    }).pipe(Effect.provide(MemoryChannel.layer)))
})

describe("a remote attempt's result in the producer", () => {
  it.effect("the worker's timer ran out first: the task timed out, as when the producer's timer runs out first", () =>
    Effect.gen(function*() {
      // The producer's own 200 ms timer never runs out here (the test clock does not move): only the worker's did.
      const slow = Workflow.make("slow", Task.make("sleepy", { timeout: "200 millis" }, () => Effect.as(Effect.sleep("5 seconds"), 1)))
      const error = yield* Effect.flip(runAnswered(slow, {
        v: 1,
        ok: false,
        error: { tag: "TaskTimeoutError", message: "timed out", defect: false, data: { taskId: "sleepy", timeout: "200ms" } },
        timedOut: true
      }))
      assert.strictEqual(Reflect.get(Object(error), "_tag"), "TaskFailed")
      const cause: unknown = Reflect.get(Object(error), "cause")
      assert.strictEqual(Reflect.get(Object(cause), "_tag"), "TaskTimeoutError")
      assert.strictEqual(Reflect.get(Object(cause), "timeout"), "200ms")
      // A body's own error that happens to carry the tag is the body's error, not a timeout.
      const other = yield* Effect.flip(runAnswered(slow, {
        v: 1,
        ok: false,
        error: { tag: "TaskTimeoutError", message: "mine", defect: false }
      }))
      assert.strictEqual(Reflect.get(Object(Reflect.get(Object(other), "cause")), "_tag"), "RemoteTaskError")
    }).pipe(Effect.provide(MemoryChannel.layer)))
})
