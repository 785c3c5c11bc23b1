/**
 * An attempt's result as the producer reads it, with the worker's side stood in by a dispatch that answers at
 * once: the cases that depend on which side's timer or reply comes first, made deterministic.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { MemoryChannel, Task, Workflow } from "../src/index.js"
import { type Dispatch, remoteAttempt } from "../src/internal/remote.js"
import { run, type Runnable } from "../src/internal/run.js"

/** Runs `workflow` with every attempt sent to a worker that answers `result` at once. */
const runAnswered = (workflow: Workflow.Any, result: unknown): Effect.Effect<unknown, unknown> => {
  const dispatch: Dispatch = { send: () => Effect.succeed(result), remove: () => Effect.void }
  // The engine's own entry (the one Distributed.run uses), its types erased at this boundary.
  return run(workflow as unknown as Runnable, { remote: (task, ctx, timeout) => remoteAttempt(dispatch, task, ctx, timeout, () => {}) }) as Effect.Effect<unknown, unknown>
}

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
