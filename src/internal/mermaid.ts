/**
 * Renders a plan as a Mermaid flowchart.
 *
 * @internal
 */
import { describePolicy, type Plan, type Step } from "./plan.js"

const label = (text: string): string => `"${text.replace(/"/g, "#quot;")}"`

export const toMermaid = (name: string, plan: Plan): string => {
  const lines: Array<string> = ["flowchart TD"]
  const nodeIds = new Map<string, string>()
  let groups = 0
  const nodeOf = (taskId: string): string => {
    let node = nodeIds.get(taskId)
    if (node === undefined) {
      node = `t${nodeIds.size}`
      nodeIds.set(taskId, node)
    }
    return node
  }
  /** Draws a step; returns its entry and exit nodes. */
  const draw = (step: Step, indent: string): { readonly entry: ReadonlyArray<string>; readonly exit: ReadonlyArray<string> } => {
    switch (step._tag) {
      case "Task": {
        const node = nodeOf(step.task.id)
        lines.push(`${indent}${node}[${label(step.task.id)}]`)
        return { entry: [node], exit: [node] }
      }
      case "Sequence": {
        let first: ReadonlyArray<string> = []
        let previous: ReadonlyArray<string> = []
        step.steps.forEach((child, i) => {
          const drawn = draw(child, indent)
          if (i === 0) first = drawn.entry
          for (const from of previous) for (const to of drawn.entry) lines.push(`${indent}${from} --> ${to}`)
          previous = drawn.exit
        })
        return { entry: first, exit: previous }
      }
      case "Parallel": {
        const group = `g${groups++}`
        const policy = describePolicy(step.policy)
        lines.push(`${indent}subgraph ${group}[${label(`${step.name}${policy === "strict" ? "" : ` · ${policy}`}`)}]`)
        lines.push(`${indent}  direction LR`)
        const members = step.steps.map((child) => draw(child, `${indent}  `))
        lines.push(`${indent}end`)
        return { entry: members.flatMap((m) => m.entry), exit: members.flatMap((m) => m.exit) }
      }
    }
  }
  lines.push(`  %% workflow ${name}`)
  draw(plan.root, "  ")
  for (const [id, task] of plan.tasks) {
    for (const target of task.declarations.goto) lines.push(`  ${nodeOf(id)} -. goto .-> ${nodeOf(target)}`)
    if (task.declarations.terminate) lines.push(`  ${nodeOf(id)} -. terminate .-> stop((stop))`)
  }
  return lines.join("\n")
}
