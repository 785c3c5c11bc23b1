/**
 * Renders a plan as a Mermaid flowchart.
 *
 * @internal
 */
import type { Plan, Step } from "./plan.js"
import { describePolicy } from "./group.js"

/**
 * Characters a label may not hold as they are: a quote would end the label,
 * a line break would start a new Mermaid statement (a
 * `click … href "javascript:…"` line, say), `#` and `&` start entity codes,
 * `<`, `>` and the backtick are markup.
 */
const unsafe = /["#&<>`\u0000-\u001F\u007F-\u009F\u2028\u2029]/g

/** A label in quotes, every unsafe character as a Mermaid entity code (`#35;`), which renders as the character. */
const label = (text: string): string => `"${text.replace(unsafe, (char) => `#${char.charCodeAt(0)};`)}"`

/** A comment's text: on one line. */
const comment = (text: string): string => text.replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]/g, " ")

/** The flowchart and its task nodes: each task's path (a sub-workflow's tasks as `step/task`) → its node id. */
export interface Chart {
  readonly text: string
  readonly nodes: ReadonlyMap<string, string>
}

export const toMermaid = (name: string, plan: Plan): string => chartOf(name, plan).text

export const chartOf = (name: string, plan: Plan): Chart => {
  const lines: Array<string> = ["flowchart TD"]
  const nodeIds = new Map<string, string>()
  let groups = 0
  /** The path of the sub-workflow being drawn (`step/`): its tasks' nodes are apart from the outer ones. */
  let prefix = ""
  const withPrefix = <A>(next: string, f: () => A): A => {
    const before = prefix
    prefix = next
    try {
      return f()
    } finally {
      prefix = before
    }
  }
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
        const sub = step.task.declarations.subWorkflow
        if (sub !== undefined) {
          // A sub-workflow: its own flow, drawn inside a subgraph named after the step and its workflow.
          const group = `g${groups++}`
          lines.push(`${indent}subgraph ${group}[${label(`${step.task.id} · workflow ${sub.workflow.name}`)}]`)
          const inner = withPrefix(`${prefix}${step.task.id}/`, () => draw(sub.workflow.plan.root, `${indent}  `))
          lines.push(`${indent}end`)
          return inner
        }
        const node = nodeOf(prefix + step.task.id)
        const map = step.task.declarations.map
        // A map: a node of its own shape, naming the list it runs over.
        lines.push(
          map === undefined
            ? `${indent}${node}[${label(step.task.id)}]`
            : `${indent}${node}[[${label(`${step.task.id} · for each of ${map.source.id}`)}]]`
        )
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
      case "Branch": {
        // A decision node, an edge labelled with each case's pattern to the case's flow.
        const node = nodeOf(`${prefix}${step.id} (branch)`)
        lines.push(`${indent}${node}{${label(`${step.id} · ${step.source.id}`)}}`)
        const cases = step.steps.map((child) => draw(child, indent))
        cases.forEach((drawn, i) => {
          for (const to of drawn.entry) lines.push(`${indent}${node} -- ${label(step.labels[i] ?? `case ${i}`)} --> ${to}`)
        })
        // A case with no task (an empty flow) goes on from the decision itself.
        return { entry: [node], exit: cases.flatMap((drawn) => drawn.entry.length === 0 ? [node] : drawn.exit) }
      }
    }
  }
  lines.push(`  %% workflow ${comment(name)}`)
  draw(plan.root, "  ")
  /** Nodes of what tasks add at run time (not tasks of the plan: numbered apart). */
  let extra = 0
  for (const [id, task] of plan.tasks) {
    const d = task.declarations
    for (const target of d.goto) lines.push(`  ${nodeOf(id)} -. goto .-> ${nodeOf(target)}`)
    if (d.terminate) lines.push(`  ${nodeOf(id)} -. terminate .-> stop((stop))`)
    // Its loop, and what it may add at run time: tasks (`nextTask`) and tools (`ctx.call`), each a node of its own.
    if (d.iterates) lines.push(`  ${nodeOf(id)} -. next iteration .-> ${nodeOf(id)}`)
    for (const added of d.adds) {
      const node = `a${extra++}`
      lines.push(`  ${node}([${label(added.id)}])`, `  ${nodeOf(id)} -. adds .-> ${node}`)
    }
    for (const tool of d.tools) {
      const node = `a${extra++}`
      lines.push(`  ${node}([${label(`${tool.name} · tool`)}])`, `  ${nodeOf(id)} -. calls .-> ${node}`)
    }
  }
  return { text: lines.join("\n"), nodes: nodeIds }
}
