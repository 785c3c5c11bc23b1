/**
 * The index of a workflow's runs on Redis (`Workflow.listRuns`): a sorted set
 * `<prefix>:runs:<workflow>` of run ids scored by their first start, written
 * with a run's claim, lease renewals and retention (the `INDEX_RUN` script),
 * pruned of runs whose namespace is gone, and read a window at a time.
 *
 * @internal
 */
import { Effect } from "effect"
import type { ListRunsOptions, RunPage, RunPosition, RunRecord } from "../../ChannelBackend.js"
import type { ChannelError } from "../channelError.js"
import { runNamespace } from "../keys.js"
import { comesBefore, pageOf } from "../runIndex.js"
import { recordOfFields } from "../runRecord.js"
import { namespaceKeys, runsKey } from "./keys.js"
import { runScript } from "./scripts.js"
import { commandError, type Shared } from "./shared.js"

/** A run in its workflow's index: the index's key, the workflow and run, and whether the run is durable. */
export interface IndexedRun {
  readonly key: string
  readonly workflow: string
  readonly runId: string
  readonly durable: boolean
}

/** The command putting the run in its workflow's index, which then lasts at least `horizon` ms, or for good (`"keep"`). */
export const indexCommand = (shared: Shared, run: IndexedRun, horizon: number | "keep"): Promise<unknown> => {
  shared.cork()
  return runScript(shared.client, "INDEX_RUN", [run.key], [run.runId, `${horizon}`])
}

/** {@link indexCommand} as an operation. */
export const indexRun = (shared: Shared, run: IndexedRun, horizon: number | "keep"): Effect.Effect<void, ChannelError> =>
  Effect.tryPromise({
    try: () => indexCommand(shared, run, horizon),
    catch: (cause) => commandError("index the run", undefined, cause, shared.options.commandTimeout)
  }).pipe(Effect.asVoid)

/** Removes the entries (run id and the score read) whose runs are gone, unless started again since. */
const pruneIndex = (shared: Shared, key: string, gone: ReadonlyArray<RunPosition>): Promise<unknown> =>
  gone.length === 0
    ? Promise.resolve()
    : runScript(shared.client, "INDEX_PRUNE", [key], gone.flatMap(({ runId, startedAt }) => [runId, `${startedAt}`]))

/** Looks at eight entries of a workflow's index, at random, and removes those whose runs are gone. */
export const pruneSample = async (shared: Shared, run: IndexedRun): Promise<void> => {
  const sample = await shared.client.zrandmember(run.key, 8, "WITHSCORES")
  const entries: Array<RunPosition> = []
  for (let i = 0; i + 1 < sample.length; i += 2) entries.push({ runId: sample[i]!, startedAt: Number(sample[i + 1]) })
  const records = await Promise.all(
    entries.map(({ runId }) => shared.client.exists(namespaceKeys(shared.options.prefix, runNamespace(run.workflow, runId)).runRecord))
  )
  await pruneIndex(shared, run.key, entries.filter((_, i) => records[i] === 0))
}

/** The most index entries (and records) one round of a filtered listing reads. */
const MAX_WINDOW = 2_000

/**
 * A page of a workflow's runs from its index (`ZREVRANGEBYSCORE`, newest
 * first), each run's record read in its own slot; ids whose record is gone
 * (the run's retention passed) are removed from the index on the way. Reads
 * the index in windows until the page is full or the index ends (doubling,
 * up to {@link MAX_WINDOW}): a window that ends inside a run of equal scores
 * goes on from its offset among them.
 */
export const listRuns = (
  shared: Shared,
  workflow: string,
  { after, limit, statuses }: ListRunsOptions
): Effect.Effect<RunPage, ChannelError> =>
  Effect.tryPromise({
    try: async () => {
      const { client, options } = shared
      const key = runsKey(options.prefix, workflow)
      // A page of every status is one window; a filtered page reads on in windows that double (to a bound), so a
      // status few runs have takes a few round trips, not one per page's worth of runs.
      let window = limit + 1
      const found: Array<{ readonly position: RunPosition; readonly record: RunRecord | undefined }> = []
      const stale: Array<RunPosition> = []
      let upper = after === undefined ? Number.POSITIVE_INFINITY : after.startedAt
      let offset = 0
      let kept = 0
      while (kept <= limit) {
        shared.cork()
        const reply = await client.zrevrangebyscore(key, upper === Number.POSITIVE_INFINITY ? "+inf" : `${upper}`, "-inf", "WITHSCORES", "LIMIT", offset, window)
        const entries: Array<RunPosition> = []
        for (let i = 0; i + 1 < reply.length; i += 2) entries.push({ runId: reply[i]!, startedAt: Number(reply[i + 1]) })
        const fresh = after === undefined ? entries : entries.filter((entry) => comesBefore(after, entry))
        shared.cork()
        const records = await Promise.all(fresh.map(({ runId }) => shared.client.hgetall(namespaceKeys(options.prefix, runNamespace(workflow, runId)).runRecord)))
        for (const [i, position] of fresh.entries()) {
          const record = recordOfFields(records[i]!)
          found.push({ position, record })
          if (record === undefined) stale.push(position)
          else if (statuses === undefined || statuses.includes(record.status)) kept++
        }
        if (entries.length < window) break
        const last = entries[entries.length - 1]!
        offset = last.startedAt === upper ? offset + entries.length : entries.filter((entry) => entry.startedAt === last.startedAt).length
        upper = last.startedAt
        window = Math.min(window * 2, MAX_WINDOW)
      }
      await pruneIndex(shared, key, stale)
      return pageOf(found, statuses, limit).page
    },
    catch: (cause) => commandError("list the runs", undefined, cause, shared.options.commandTimeout)
  })
