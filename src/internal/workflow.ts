/**
 * The runtime form of a workflow: its name, compiled plan, channel schema,
 * initial values and task defaults (what the engine runs). `Workflow.make`
 * makes one; the public `Workflow` type is its checked view.
 *
 * @internal
 */
import { identity, Pipeable } from "effect"
import { hasProperty } from "effect/Predicate"
import { foreignRuntime, ownRuntime, RUNTIME, RuntimeId, TypeId } from "./flow.js"
import { show } from "./format.js"
import type * as Channel from "../Channel.js"
import type { Any, AWorkflowIsNotAFlow_RunItAsAStepWithTaskWorkflow_OrOverAListWithFlowMap } from "../Workflow.js"
import type { Plan } from "./plan.js"
import type { Runnable } from "./state.js"
import type { Execution } from "./task.js"

/** The key of a workflow's variance slot: what marks a workflow, in this copy and in any other. */
const WorkflowTypeId = "~effect-graflow/Workflow"

/** The variance slot of the public `Workflow` type, as a value (its functions are never called). */
const variance: Any["~effect-graflow/Workflow"] = {
  results: identity,
  error: identity,
  services: identity,
  channels: identity,
  input: identity,
  awaits: identity
}

export class WorkflowImpl extends Pipeable.Class implements Runnable {
  readonly [WorkflowTypeId] = variance
  readonly [RuntimeId] = RUNTIME
  readonly _tag = "Workflow"
  // Type-level only (the public type's words for a workflow given where a flow is expected): not set, so
  // that a workflow is no flow at run time either.
  declare readonly [TypeId]: TypeId
  declare readonly "~shape": AWorkflowIsNotAFlow_RunItAsAStepWithTaskWorkflow_OrOverAListWithFlowMap
  constructor(
    readonly name: string,
    readonly plan: Plan,
    readonly channels: Channel.ChannelSchema<object> | undefined,
    readonly initial: { readonly [key: string]: unknown },
    readonly defaults: Execution
  ) {
    super()
  }
  get taskIds(): ReadonlyArray<string> {
    return this.plan.ids
  }
}

/**
 * Whether a value is a workflow made by `Workflow.make` that this copy runs:
 * ours, or another copy's of the same runtime format (no `instanceof`, which
 * would refuse a workflow made by another installed copy of the package).
 */
export const isWorkflowImpl = (u: unknown): u is WorkflowImpl => hasProperty(u, WorkflowTypeId) && ownRuntime(u)

/**
 * Why a value given as a workflow cannot be run, in words (`undefined`: it
 * can): not a workflow at all, or one of another copy's runtime format.
 */
export const workflowProblem = (operation: string, u: unknown): string | undefined => {
  if (isWorkflowImpl(u)) return undefined
  if (hasProperty(u, WorkflowTypeId)) return foreignRuntime(`the workflow given to ${operation}`, u)
  return `${operation}: expects a workflow made by Workflow.make, not ${show(u)}`
}
