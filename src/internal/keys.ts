/**
 * Where things live in a channel: the result key of a task
 * (`{taskId}.__result__`) and the namespace of a run (`{workflow}/{runId}`).
 *
 * @internal
 */

export const resultSuffix = ".__result__"

export const resultKey = (taskId: string): string => taskId + resultSuffix

export const isResultKey = (key: string): boolean => key.endsWith(resultSuffix)

const segmentSpecial = /[%/]/g
const escapeSegment = (text: string): string =>
  // Most names and run ids (UUIDs) have neither: no regular expression runs for them.
  text.indexOf("%") === -1 && text.indexOf("/") === -1 ? text : text.replace(segmentSpecial, (char) => char === "%" ? "%25" : "%2F")

/**
 * The namespace of a run: `{workflow}/{runId}`, with `%` and `/` of each part
 * percent-encoded, so that two different (workflow, run) pairs never share a
 * namespace ("a/b" + "c" is `a%2Fb/c`, "a" + "b/c" is `a/b%2Fc`).
 */
export const runNamespace = (workflow: string, runId: string): string =>
  `${escapeSegment(workflow)}/${escapeSegment(runId)}`

const unescapeSegment = (text: string): string => text.indexOf("%") === -1 ? text : text.replace(/%2F|%25/g, (code) => code === "%2F" ? "/" : "%")

/**
 * The workflow and run id of a run's namespace (the inverse of
 * {@link runNamespace}); `undefined` for a namespace that is not `a/b`.
 */
export const parseRunNamespace = (namespace: string): { readonly workflow: string; readonly runId: string } | undefined => {
  const slash = namespace.indexOf("/")
  if (slash <= 0 || slash === namespace.length - 1 || namespace.indexOf("/", slash + 1) !== -1) return undefined
  return { workflow: unescapeSegment(namespace.slice(0, slash)), runId: unescapeSegment(namespace.slice(slash + 1)) }
}

/** Why a namespace cannot be opened, or `undefined` when it can: a namespace is a non-empty string. */
export const namespaceProblem = (namespace: unknown): string | undefined => {
  if (typeof namespace !== "string") return `a namespace is a non-empty string, not ${namespace === null ? "null" : typeof namespace}`
  if (namespace === "") return "a namespace is a non-empty string"
  return undefined
}
