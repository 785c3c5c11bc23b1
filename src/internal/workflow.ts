/**
 * The runtime form of a workflow: its name, compiled plan, channel schema,
 * initial values and task defaults (what the engine runs). `Workflow.make`
 * makes one; the public `Workflow` type is its checked view.
 *
 * @internal
 */
import { Pipeable } from "effect"
import type * as Channel from "../Channel.js"
import type { Any } from "../Workflow.js"
import type { Plan } from "./plan.js"
import type { Runnable } from "./state.js"
import type { Execution } from "./task.js"

export class WorkflowImpl extends Pipeable.Class implements Runnable {
  declare readonly "~effect-graflow/Workflow": Any["~effect-graflow/Workflow"]
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

/** Whether a value is a workflow made by `Workflow.make` (and so something the engine runs). */
export const isWorkflowImpl = (u: unknown): u is WorkflowImpl => u instanceof WorkflowImpl
