/**
 * Where a run's lease is taken, kept and given up: one driver per run id. A
 * run started with a `runId` (or durable) claims its namespace's lease before
 * it touches the namespace — waiting while another driver holds it — keeps
 * it while it runs, and records how it ended when it gives it up. A driver
 * that cannot keep it (paused past the lease, cut off from its backend) stops
 * with `RunLeaseLostError` before the run is taken over.
 *
 * @internal
 */
import { Cause, Clock, Duration, Effect, Exit, Option } from "effect"
import type { RunLease, RunStatus } from "../ChannelBackend.js"
import { isSuspend } from "./signal.js"
import { RunLeaseLostError } from "./workflowError.js"

/**
 * Renews the lease every third of its time; fails with `RunLeaseLostError`
 * when it was taken over, or when no renewal got through for a whole lease (a
 * backend out of reach: another driver may take over from then on). Never
 * succeeds: it is raced against the run, and ends with it.
 */
export const keepLease = (lease: RunLease, owner: string, workflow: string, runId: string): Effect.Effect<never, RunLeaseLostError> => {
  const lost = new RunLeaseLostError({ workflow, runId })
  const every = Duration.millis(Math.max(1, Math.floor(lease.ttl / 3)))
  return Effect.flatMap(Clock.currentTimeMillis, (started) => {
    let renewedAt = started
    const once: Effect.Effect<void, RunLeaseLostError> = Effect.flatMap(Effect.result(lease.renew(owner)), (outcome) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        if (outcome._tag === "Success") {
          if (!outcome.success) return Effect.fail(lost)
          renewedAt = now
          return Effect.void
        }
        // The backend did not answer: the lease may lapse; it is lost once a whole lease has passed.
        return now - renewedAt >= lease.ttl
          ? Effect.fail(lost)
          : Effect.logWarning(`effect-graflow: the lease of run ${runId} of ${workflow} was not renewed; trying again`, outcome.failure)
      }))
    return Effect.forever(Effect.andThen(Effect.sleep(every), once))
  })
}

/** How a run ended, for its record: from its exit (a suspension and a stop are successes of the run). */
export const endStatus = (exit: Exit.Exit<{ readonly status: "completed" | "terminated" | "suspended" }, unknown>): Exclude<RunStatus, "running"> => {
  if (Exit.isSuccess(exit)) return exit.value.status
  if (Cause.hasInterruptsOnly(exit.cause)) return "interrupted"
  const error = Cause.findErrorOption(exit.cause)
  return Option.isSome(error) && isSuspend(error.value) ? "suspended" : "failed"
}
