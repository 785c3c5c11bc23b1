/**
 * Compiles a flow into a plan once, when the workflow is made: flattened
 * steps, the task table, and the same checks the type checker does (for code
 * that bypassed it).
 *
 * @internal
 */
import { isFlow, TypeId } from "../Flow.js"
import type * as Flow from "../Flow.js"
import { WorkflowDefinitionError } from "../WorkflowError.js"
import type { Codec } from "./channel.js"
import { isTask, type TaskImpl } from "./task.js"

/** A composite flow node at run time. */
export class Composite<Tag extends "Sequence" | "Parallel", S = Flow.FlowShape> {
  readonly [TypeId] = TypeId
  declare readonly "~shape": S
  constructor(readonly _tag: Tag, readonly flows: ReadonlyArray<Flow.Any>) {}
}

export type Step =
  | { readonly _tag: "Task"; readonly task: TaskImpl }
  | { readonly _tag: "Sequence"; readonly steps: ReadonlyArray<Step> }
  | { readonly _tag: "Parallel"; readonly steps: ReadonlyArray<Step> }

export interface Plan {
  readonly root: Step
  readonly tasks: ReadonlyMap<string, TaskImpl>
  /** The result codec of each task that declared a `result` schema. */
  readonly resultCodecs: ReadonlyMap<string, Codec<unknown>>
  readonly ids: ReadonlyArray<string>
}

/** What is known to have run before a point of the flow (scopes chain for parallel branches). */
class Upstream {
  readonly ids = new Set<string>()
  readonly writes = new Set<string>()
  constructor(readonly parent: Upstream | undefined) {}
  hasId(id: string): boolean {
    return this.ids.has(id) || (this.parent?.hasId(id) ?? false)
  }
  hasWrite(key: string): boolean {
    return this.writes.has(key) || (this.parent?.hasWrite(key) ?? false)
  }
  absorb(other: Upstream): void {
    for (const id of other.ids) this.ids.add(id)
    for (const key of other.writes) this.writes.add(key)
  }
}

const toStep = (flow: unknown): Step => {
  if (isTask(flow)) return { _tag: "Task", task: flow }
  if (flow instanceof Composite) {
    const steps: Array<Step> = []
    for (const child of flow.flows) {
      const step = toStep(child)
      // chain(chain(a, b), c) runs as chain(a, b, c); likewise for parallel groups.
      if (step._tag !== "Task" && step._tag === flow._tag) steps.push(...step.steps)
      else steps.push(step)
    }
    return steps.length === 1 && steps[0] !== undefined ? steps[0] : { _tag: flow._tag, steps }
  }
  throw new TypeError(`Workflow: ${isFlow(flow) ? "an unknown kind of flow" : "not a flow"} in the workflow`)
}

export const compile = (workflow: string, flow: unknown, initialKeys: ReadonlyArray<string>): Plan => {
  const root = toStep(flow)
  const tasks = new Map<string, TaskImpl>()
  const resultCodecs = new Map<string, Codec<unknown>>()
  const problems: Array<string> = []
  const initial = new Set(initialKeys)

  const visit = (step: Step, upstream: Upstream): void => {
    switch (step._tag) {
      case "Task": {
        const { id, declarations } = step.task
        if (tasks.has(id)) problems.push(`task id "${id}" is used more than once`)
        tasks.set(id, step.task)
        if (declarations.result !== undefined) resultCodecs.set(id, declarations.result)
        for (const dep of declarations.after) {
          if (!upstream.hasId(dep.id)) {
            problems.push(`task "${id}" reads the result of "${dep.id}", which does not certainly run before it`)
          }
        }
        for (const key of declarations.reads) {
          if (!upstream.hasWrite(key) && !initial.has(key)) {
            problems.push(
              `task "${id}" reads channel key "${key}", which no task before it writes and which has no initial value`
            )
          }
        }
        upstream.ids.add(id)
        for (const key of declarations.writes) upstream.writes.add(key)
        return
      }
      case "Sequence":
        for (const child of step.steps) visit(child, upstream)
        return
      case "Parallel": {
        const branches = step.steps.map((child) => {
          const branch = new Upstream(upstream)
          visit(child, branch)
          return branch
        })
        for (const branch of branches) upstream.absorb(branch)
        return
      }
    }
  }
  visit(root, new Upstream(undefined))
  if (problems.length > 0) throw new WorkflowDefinitionError({ workflow, problems })
  return { root, tasks, resultCodecs, ids: [...tasks.keys()] }
}
