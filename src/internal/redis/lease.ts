/**
 * A namespace's run on Redis: its lease (a key holding the driver's token,
 * renewed while the run runs), its record (status, owner, times) and its end
 * (`RUN_END`, or the retention's script, which records the end first). The
 * run's entry in its workflow's index (runs.ts) is written with the claim,
 * the renewals and the end.
 *
 * @internal
 */
import { Effect } from "effect"
import type { RunLease } from "../../ChannelBackend.js"
import type { ChannelError } from "../channelError.js"
import { isReply } from "./codec.js"
import { type NamespaceKeys, runsKey } from "./keys.js"
import { type IndexedRun, indexCommand, indexRun, pruneSample } from "./runs.js"
import { runScript } from "./scripts.js"
import { commandError, type Shared } from "./shared.js"

/** How a run ended, as its lease's `end` takes it. */
export type RunOutcome = Parameters<RunLease["end"]>[1]

/**
 * The lease of a namespace's run on Redis: a key holding the driver's token,
 * expiring `runLease` ms after its last renewal (a driver that died lets it
 * lapse, and the run can be taken over); the run's record next to it. A
 * driver waiting for it asks again as the holder's lease runs out (at most
 * every 250 ms): a rare path, where a subscription would cost every run.
 */
export const runLease = (
  shared: Shared,
  keys: NamespaceKeys,
  indexed: { current: IndexedRun | undefined }
): RunLease & {
  /** Whether an end so keeps the run's index entry (a command more than the record: see `end`). */
  readonly keepsIndex: (outcome: RunOutcome) => boolean
} => {
  const { client, options } = shared
  const ttl = options.runLease
  const keysOf = [keys.runLease, keys.runRecord]
  const call = <A>(op: string, run: () => Promise<A>) =>
    Effect.tryPromise({
      try: () => {
        shared.cork()
        return run()
      },
      catch: (cause) => commandError(op, undefined, cause, options.commandTimeout)
    })
  // While the run runs, its workflow's index lasts a few leases ahead of it (renewed with the lease).
  const ahead = 3 * ttl
  const endCommand = (owner: string, outcome: RunOutcome) =>
    runScript(client, "RUN_END", keysOf, [owner, outcome.status, JSON.stringify(outcome.waitingFor)])
  /**
   * Whether a run that ends so keeps its namespace's index entry (suspended, or durable and failed or
   * interrupted: it continues; its index stays with its namespace until it ends for good).
   */
  const keepsIndex = (outcome: RunOutcome): boolean => {
    const current = indexed.current
    return current !== undefined &&
      (outcome.status === "suspended" || (current.durable && (outcome.status === "failed" || outcome.status === "interrupted")))
  }
  const claim = (owner: string, claimOptions: Parameters<RunLease["claim"]>[1]): Effect.Effect<void, ChannelError> =>
    Effect.suspend(() => {
      const run = claimOptions.run
      if (run !== undefined) {
        indexed.current = { key: runsKey(options.prefix, run.workflow), workflow: run.workflow, runId: run.runId, durable: claimOptions.durable }
      }
      const current = indexed.current
      return Effect.flatMap(
        // The index is written in the same round trip as the claim (a run waiting for another driver is listed).
        call("claim the run", () => {
          if (current === undefined) return runScript(client, "RUN_CLAIM", keysOf, [owner, `${ttl}`, claimOptions.durable ? "1" : "0"])
          return shared.together(() => {
            const claimed = runScript(client, "RUN_CLAIM", keysOf, [owner, `${ttl}`, claimOptions.durable ? "1" : "0"])
            return Promise.all([claimed, indexCommand(shared, current, ahead)]).then(([reply]) => reply)
          })
        }),
        (reply) => {
          if (isReply(reply) && reply[0] === 1) {
            // One start in four looks at eight entries of the index at random, in the background: entries whose
            // runs are gone leave it, so it holds about twice the workflow's live runs at most.
            if (current !== undefined && Math.random() < 0.25) void pruneSample(shared, current).catch(() => {})
            return Effect.void
          }
          const left = isReply(reply) ? Number(reply[1]) : 0
          return Effect.andThen(Effect.sleep(Math.min(Math.max(left, 10), 250)), claim(owner, claimOptions))
        }
      )
    })
  return {
    ttl,
    claim,
    renew: (owner) =>
      Effect.map(
        call("renew the run's lease", () => {
          const current = indexed.current
          if (current === undefined) return runScript(client, "RUN_RENEW", keysOf, [owner, `${ttl}`])
          return shared.together(() => {
            const renewed = runScript(client, "RUN_RENEW", keysOf, [owner, `${ttl}`])
            return Promise.all([renewed, indexCommand(shared, current, ahead)]).then(([kept]) => kept)
          })
        }),
        (kept) => kept === 1
      ),
    end: (owner, outcome) => {
      const ended = Effect.asVoid(call("end the run", () => endCommand(owner, outcome)))
      const current = indexed.current
      return current !== undefined && keepsIndex(outcome) ? Effect.andThen(ended, indexRun(shared, current, "keep")) : ended
    },
    keepsIndex
  }
}

