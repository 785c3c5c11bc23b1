/**
 * Where a run's record is read: whether the run of a namespace still takes
 * responses, and the record from the fields a backend keeps (Redis keeps them
 * in a hash, memory in an object).
 *
 * @internal
 */
import type { RunRecord, RunStatus } from "../ChannelBackend.js"

const statuses: ReadonlyArray<RunStatus> = ["running", "suspended", "completed", "terminated", "failed", "interrupted"]

const isStatus = (u: unknown): u is RunStatus => statuses.some((s) => s === u)

/**
 * Whether a run takes responses: it runs, it is suspended, or it failed (or
 * was interrupted) durably and can be continued. A run that ended otherwise,
 * or none at all, does not: an answer for it would wait for a run that never
 * comes, or pre-answer a future run of the same id.
 */
export const takesResponses = (record: RunRecord | undefined): boolean =>
  record !== undefined &&
  (record.status === "running" || record.status === "suspended" ||
    ((record.status === "failed" || record.status === "interrupted") && record.durable))

/** A record from its fields as text (a Redis hash); `undefined` when there is none or it is not one. */
export const recordOfFields = (fields: { readonly [field: string]: string }): RunRecord | undefined => {
  const status = fields["status"]
  if (!isStatus(status)) return undefined
  const startedAt = Number(fields["startedAt"])
  const endedAt = fields["endedAt"] === undefined ? undefined : Number(fields["endedAt"])
  let waitingFor: ReadonlyArray<string> = []
  try {
    const parsed: unknown = JSON.parse(fields["waitingFor"] ?? "[]")
    if (Array.isArray(parsed)) waitingFor = parsed.filter((n): n is string => typeof n === "string")
  } catch {
    // A record another program wrote: no requests read from it.
  }
  return { status, durable: fields["durable"] === "1", startedAt, endedAt, waitingFor }
}
