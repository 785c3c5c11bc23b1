/**
 * The index of a workflow's runs, as both backends keep it: the order of a
 * listing (by first start, newest first, then run ids in descending order of their
 * UTF-8 bytes, which is how Redis orders equal scores), the page a listing
 * gives, and the cursor a caller holds between pages (opaque text).
 *
 * @internal
 */
import type { RunPage, RunPosition, RunRecord, RunStatus, RunSummary } from "../ChannelBackend.js"

const utf8 = new TextEncoder()

/** Whether `a` comes before `b` in a listing. */
export const comesBefore = (a: RunPosition, b: RunPosition): boolean => {
  if (a.startedAt !== b.startedAt) return a.startedAt > b.startedAt
  const x = utf8.encode(a.runId)
  const y = utf8.encode(b.runId)
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! > y[i]!
  return x.length > y.length
}

/**
 * Pages a listing from candidates in listing order (each at its position in
 * the index): keeps the runs of the statuses asked that still have a record,
 * `limit` of them, and says where the next page starts — the index position
 * of the page's last run — when more (of those statuses) may follow.
 */
export const pageOf = (
  candidates: ReadonlyArray<{ readonly position: RunPosition; readonly record: RunRecord | undefined }>,
  statuses: ReadonlyArray<RunStatus> | undefined,
  limit: number
): { readonly page: RunPage; readonly stale: ReadonlyArray<string> } => {
  const runs: Array<RunSummary> = []
  const stale: Array<string> = []
  let last: RunPosition | undefined
  let more = false
  for (const { position, record } of candidates) {
    if (record === undefined) {
      stale.push(position.runId)
      continue
    }
    if (statuses !== undefined && !statuses.includes(record.status)) continue
    if (runs.length === limit) {
      more = true
      break
    }
    runs.push({ runId: position.runId, ...record })
    last = position
  }
  return { page: { runs, next: more ? last : undefined }, stale }
}

/** The cursor of a position: opaque text (base64url of its JSON), for a caller to hand back. */
export const cursorOf = (position: RunPosition): string =>
  Buffer.from(JSON.stringify([position.startedAt, position.runId]), "utf8").toString("base64url")

/** The position a cursor holds; `undefined` for text that is no cursor {@link cursorOf} made. */
export const positionOf = (cursor: string): RunPosition | undefined => {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"))
    if (!Array.isArray(parsed) || parsed.length !== 2) return undefined
    const [startedAt, runId] = parsed
    return typeof startedAt === "number" && Number.isFinite(startedAt) && typeof runId === "string" ? { startedAt, runId } : undefined
  } catch {
    return undefined
  }
}
