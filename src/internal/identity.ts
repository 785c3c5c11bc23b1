/**
 * A plan's identity: its description (the structure that a checkpoint or a
 * journal of another version of the workflow must not be continued by), its
 * hash, and where each task is — each made once per plan, when a run first
 * needs it (a run that is not durable, checkpointed, distributed and does not
 * jump never does).
 *
 * @internal
 */
import { createHash } from "node:crypto"
import { describePolicy } from "./group.js"
import type { Plan, Step } from "./plan.js"

/** The plan's structure as text: task ids, declarations that steer control flow, groups and their policies. */
const describe = (step: Step): string => {
  switch (step._tag) {
    case "Task": {
      const { id, declarations: d } = step.task
      const list = (ids: ReadonlyArray<string>) => ids.map((x) => JSON.stringify(x)).join(",")
      const sub = d.subWorkflow === undefined ? "" : `;workflow=${JSON.stringify(d.subWorkflow.workflow.name)}:${describePlan(d.subWorkflow.workflow.plan)}`
      return `T(${JSON.stringify(id)};after=${list(d.after.map((t) => t.id))};optional=${list(d.optional.map((t) => t.id))};adds=${
        list(d.adds.map((t) => t.id))
      };goto=${list(d.goto)};skips=${d.skips};input=${d.runInput !== undefined};awaits=${list([...d.awaits.keys()])}${sub})`
    }
    case "Sequence":
      return `S[${step.steps.map(describe).join(",")}]`
    case "Parallel":
      return `P(${JSON.stringify(describePolicy(step.policy))};failFast=${step.failFast})[${step.steps.map(describe).join(",")}]`
    case "Branch":
      return `B(${JSON.stringify(step.id)};source=${JSON.stringify(step.source.id)};cases=${JSON.stringify(step.labels)})[${
        step.steps.map(describe).join(",")
      }]`
  }
}

const descriptions = new WeakMap<Plan, string>()

/**
 * What the plan is, as text (its hash identifies the plan in checkpoints and
 * journals): made once per plan, when first asked — a run that is not
 * durable, checkpointed or distributed never asks.
 */
export const describePlan = (plan: Plan): string => {
  let text = descriptions.get(plan)
  if (text === undefined) {
    text = `${JSON.stringify(plan.name)}:${describe(plan.root)}`
    descriptions.set(plan, text)
  }
  return text
}

const hashes = new WeakMap<Plan, string>()

/** The hash of a plan's structure (task ids, control-flow declarations, groups): computed once per plan. */
export const planHash = (plan: Plan): string => {
  let hash = hashes.get(plan)
  if (hash === undefined) {
    hash = createHash("sha256").update(describePlan(plan)).digest("hex").slice(0, 16)
    hashes.set(plan, hash)
  }
  return hash
}

const positionsOf = new WeakMap<Plan, ReadonlyMap<string, ReadonlyArray<number>>>()

/** Where task `id` is in the plan: the child indexes from the root to it (found once per plan, when a run first jumps). */
export const positionOf = (plan: Plan, id: string): ReadonlyArray<number> | undefined => {
  let positions = positionsOf.get(plan)
  if (positions === undefined) {
    const found = new Map<string, ReadonlyArray<number>>()
    const walk = (step: Step, path: ReadonlyArray<number>): void => {
      if (step._tag === "Task") found.set(step.task.id, path)
      else step.steps.forEach((child, i) => walk(child, [...path, i]))
    }
    walk(plan.root, [])
    positions = found
    positionsOf.set(plan, positions)
  }
  return positions.get(id)
}
