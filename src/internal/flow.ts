/**
 * How a value made by effect-graflow is recognized: by string ids on the
 * value, never `instanceof`, so that a task, flow or workflow made by another
 * copy of the package (two installed copies, or sources next to a build) is
 * one too. Every such value also carries the runtime format it was made in:
 * a copy runs the values of its own format, and names any other one in words.
 *
 * @internal
 */
import { hasProperty } from "effect/Predicate"

/** The runtime marker every flow (task, chain, parallel group) carries. */
export const TypeId = "~effect-graflow/Flow"

export type TypeId = typeof TypeId

export const isFlow = (u: unknown): u is { readonly [TypeId]: TypeId } => hasProperty(u, TypeId)

/** The key of the runtime format on tasks, flows, optional entries and workflows. */
export const RuntimeId = "~effect-graflow/runtime"

/**
 * The runtime format of the values this copy makes: what the engine reads of
 * a task, a flow's nodes, a workflow and its plan. Another copy with the same
 * format runs them as its own; bump it when any of those shapes changes.
 */
export const RUNTIME = 1

/** The runtime format a value was made in (`undefined`: not made by effect-graflow). */
export const runtimeOf = (u: unknown): number | undefined => {
  if (!hasProperty(u, RuntimeId)) return undefined
  const format: unknown = u[RuntimeId]
  return typeof format === "number" ? format : undefined
}

/** Whether a value was made in this copy's runtime format. */
export const ownRuntime = (u: unknown): boolean => runtimeOf(u) === RUNTIME

/** What is wrong with a value of another copy of effect-graflow, in words; `undefined` when its format is this copy's. */
export const foreignRuntime = (what: string, u: unknown): string | undefined => {
  const format = runtimeOf(u)
  if (format === undefined || format === RUNTIME) return undefined
  return `${what} was made by another copy of effect-graflow whose values this copy cannot run (runtime format ${format}; this copy's is ${RUNTIME}): install one version of effect-graflow`
}

/** The tag of a flow node: a task, a chain or a parallel group. */
export const tagOf = (u: unknown): string | undefined => {
  if (!isFlow(u) || !hasProperty(u, "_tag")) return undefined
  const tag: unknown = u._tag
  return typeof tag === "string" ? tag : undefined
}
