/**
 * Compiles a flow into a plan once, when the workflow is made: flattened
 * steps, the task table, each task's position (for jumps), and the same checks
 * the type checker does (for code that bypassed it).
 *
 * @internal
 */
import type * as Flow from "../Flow.js"
import type { Codec } from "./channel.js"
import { foreignRuntime, isFlow, ownRuntime, RUNTIME, RuntimeId, tagOf, TypeId } from "./flow.js"
import { quote, show } from "./format.js"
import { memberIsCertain, type PolicyRule, policyProblems, strict } from "./group.js"
import type { P } from "ts-pattern"
import { isBranchFlow } from "./branch.js"
import { resultKey } from "./keys.js"
import { isTask, type TaskImpl } from "./task.js"
import { WorkflowDefinitionError } from "./workflowError.js"

interface GroupSettings {
  readonly name: string | undefined
  readonly policy: PolicyRule
  /** Stop the other members as soon as the policy cannot be met any more. */
  readonly failFast: boolean
}

/** A composite flow node at run time. */
export class Composite<Tag extends "Sequence" | "Parallel", S = Flow.FlowShape> {
  readonly [TypeId] = TypeId
  readonly [RuntimeId] = RUNTIME
  declare readonly "~shape": S
  constructor(
    readonly _tag: Tag,
    readonly flows: ReadonlyArray<Flow.Any>,
    readonly group: GroupSettings = { name: undefined, policy: strict, failFast: false }
  ) {}
}

export type Step =
  | {
    readonly _tag: "Task"
    readonly task: TaskImpl
    /** The task's place in the plan's ids (set when the plan is compiled). */
    index: number
  }
  | { readonly _tag: "Sequence"; readonly steps: ReadonlyArray<Step> }
  | {
    readonly _tag: "Parallel"
    readonly steps: ReadonlyArray<Step>
    readonly name: string
    readonly policy: PolicyRule
    readonly failFast: boolean
    /** The task ids of each member, for outcomes. */
    readonly members: ReadonlyArray<ReadonlyArray<string>>
  }
  | {
    readonly _tag: "Branch"
    readonly id: string
    /** The task whose result the cases match. */
    readonly source: TaskImpl
    /** The channel key of the choice: `{id}.__result__`. */
    readonly decisionKey: string
    /** The cases' patterns, in order. */
    readonly patterns: ReadonlyArray<P.Pattern<unknown>>
    /** The cases' steps, in order, then the otherwise's step when there is one. */
    readonly steps: ReadonlyArray<Step>
    readonly otherwise: boolean
    /** A label per step, for diagrams: the pattern in words, or "otherwise". */
    readonly labels: ReadonlyArray<string>
  }

/** A parallel group of the plan. */
export type ParallelStep = Extract<Step, { _tag: "Parallel" }>

/** A branch of the plan. */
export type BranchStep = Extract<Step, { _tag: "Branch" }>

export interface Plan {
  readonly root: Step
  readonly tasks: ReadonlyMap<string, TaskImpl>
  /** The result codec of each task that declared a `result` schema. */
  readonly resultCodecs: ReadonlyMap<string, Codec<unknown>>
  /** The task ids, in flow order; a task's place in it is its index. */
  readonly ids: ReadonlyArray<string>
  readonly index: ReadonlyMap<string, number>
  /** The `Task.input` task: where the run's input enters (at most one). */
  readonly input: TaskImpl | undefined
  /** The requests the tasks may wait for, by name: the task and the response codec. */
  readonly awaits: ReadonlyMap<string, { readonly task: TaskImpl; readonly codec: Codec<unknown> }>
  /** The workflow's name (its description, `describePlan` in identity.ts, begins with it). */
  readonly name: string
}


/**
 * A plan's tasks by id, read through the plan's index and its tasks in flow
 * order: a map's whole surface without a map entry per task (a workflow of
 * 100,000 tasks saved a few megabytes).
 */
class TaskTable implements ReadonlyMap<string, TaskImpl> {
  constructor(private readonly index: ReadonlyMap<string, number>, private readonly list: ReadonlyArray<TaskImpl>) {}
  get size(): number {
    return this.list.length
  }
  get(id: string): TaskImpl | undefined {
    const at = this.index.get(id)
    return at === undefined ? undefined : this.list[at]
  }
  has(id: string): boolean {
    return this.index.has(id)
  }
  keys(): MapIterator<string> {
    return this.index.keys()
  }
  *values(): MapIterator<TaskImpl> {
    yield* this.list
  }
  *entries(): MapIterator<[string, TaskImpl]> {
    for (const task of this.list) yield [task.id, task]
  }
  [Symbol.iterator](): MapIterator<[string, TaskImpl]> {
    return this.entries()
  }
  forEach(f: (task: TaskImpl, id: string, map: ReadonlyMap<string, TaskImpl>) => void, self?: unknown): void {
    for (const task of this.list) f.call(self, task, task.id, this)
  }
}

/**
 * What is known to have run before a point of the flow (scopes chain for
 * parallel members and branch cases). The tasks of a scope are a run of
 * consecutive plan positions — the plan is visited depth first, and a scope's
 * children end before it goes on — so a scope holds its first position and
 * the position after its last, not a set of ids: checking a workflow of
 * 100,000 tasks made two such sets of 100,000 entries.
 */
class Upstream {
  readonly writes = new Set<string>()
  /** The tasks of this scope whose results may be absent: a lenient group's, after a jump, a case's of a branch. */
  readonly uncertain = new Set<string>()
  /** A task before this point may jump or terminate. */
  cut: boolean
  /** The plan positions of this scope's tasks: from `start` to before `end`. */
  readonly start: number
  end: number
  constructor(
    readonly parent: Upstream | undefined,
    /** The plan being made: each task's position by id, and the tasks visited so far. */
    private readonly positions: ReadonlyMap<string, number>,
    private readonly visited: ReadonlyArray<unknown>
  ) {
    this.cut = parent?.cut ?? false
    this.start = this.end = visited.length
  }
  /** Takes in what was visited since `end`: the scope's own tasks, or its children's once they are done. */
  extend(): void {
    this.end = this.visited.length
  }
  owns(id: string): boolean {
    const at = this.positions.get(id)
    return at !== undefined && at >= this.start && at < this.end
  }
  has(set: "ids" | "certain" | "writes", value: string): boolean {
    const here = set === "writes" ? this.writes.has(value) : this.owns(value) && (set === "ids" || !this.uncertain.has(value))
    return here || (this.parent?.has(set, value) ?? false)
  }
}

const taskIds = (step: Step): Array<string> =>
  step._tag === "Task" ? [step.task.id] : step.steps.flatMap(taskIds)

/** Whether a value is a chain or a parallel group this copy can run (ours, or another copy's of the same runtime format). */
const isComposite = (u: unknown): u is Composite<"Sequence" | "Parallel"> => {
  const tag = tagOf(u)
  return (tag === "Sequence" || tag === "Parallel") && ownRuntime(u)
}

const nothing: Step = { _tag: "Sequence", steps: [] }

const toStep = (flow: unknown, problems: Array<string>): Step => {
  if (isTask(flow)) return { _tag: "Task", task: flow, index: -1 }
  if (isComposite(flow)) {
    const steps: Array<Step> = []
    const plainGroup = (group: GroupSettings) => group.policy._tag === "Strict" && group.name === undefined && !group.failFast
    for (const child of flow.flows) {
      const step = toStep(child, problems)
      // chain(chain(a, b), c) runs as chain(a, b, c); likewise for unnamed strict groups.
      if (step._tag === "Sequence" && flow._tag === "Sequence") steps.push(...step.steps)
      else if (
        step._tag === "Parallel" && flow._tag === "Parallel" && plainGroup(flow.group) && step.policy._tag === "Strict" &&
        !step.failFast
      ) steps.push(...step.steps)
      else steps.push(step)
    }
    if (flow._tag === "Sequence") return steps.length === 1 && steps[0] !== undefined ? steps[0] : { _tag: "Sequence", steps }
    const members = steps.map(taskIds)
    return {
      _tag: "Parallel",
      steps,
      name: flow.group.name ?? `parallel(${members.map((m) => m.join(" → ")).join(", ")})`.slice(0, 200),
      policy: flow.group.policy,
      failFast: flow.group.failFast,
      members
    }
  }
  if (isBranchFlow(flow)) {
    const cases = flow.cases.map((c) => toStep(c.flow, problems))
    const otherwise = flow.otherwise === undefined ? undefined : toStep(flow.otherwise, problems)
    return {
      _tag: "Branch",
      id: flow.id,
      source: flow.source,
      decisionKey: resultKey(flow.id),
      patterns: flow.cases.map((c) => c.pattern),
      steps: otherwise === undefined ? cases : [...cases, otherwise],
      otherwise: otherwise !== undefined,
      labels: [...flow.cases.map((c) => describePattern(c.pattern)), ...(otherwise === undefined ? [] : ["otherwise"])]
    }
  }
  const foreign = foreignRuntime(`${tagOf(flow) === "Task" ? "a task" : "a flow"} in the flow given to Workflow.make`, flow)
  problems.push(foreign ?? `${isFlow(flow) ? "an unknown kind of flow" : `${show(flow)} is not a task or a flow`} (in the flow given to Workflow.make)`)
  return nothing
}

export const compile = (workflow: string, flow: unknown, initialKeys: ReadonlyArray<string>): Plan => {
  const problems: Array<string> = []
  const root = toStep(flow, problems)
  // Each task once, in flow order, and its place by id: the plan's task table reads both (no map of tasks of its own).
  const list: Array<TaskImpl> = []
  const index = new Map<string, number>()
  const tasks = new TaskTable(index, list)
  const resultCodecs = new Map<string, Codec<unknown>>()
  const initial = new Set(initialKeys)
  const jumps: Array<readonly [string, string]> = []
  const branches = new Set<string>()

  /** Visits a step; returns whether its tasks are certain (false under a lenient group). */
  const visit = (step: Step, upstream: Upstream, certain: boolean): void => {
    switch (step._tag) {
      case "Task": {
        const { id, declarations } = step.task
        if (index.has(id)) problems.push(`task id "${id}" is used more than once`)
        else index.set(id, list.length) // an id used again keeps its first place (the flow is refused anyway)
        if (branches.has(id)) problems.push(`task id "${id}" is the id of a branch`)
        step.index = list.length
        list.push(step.task)
        if (declarations.result !== undefined) resultCodecs.set(id, declarations.result)
        for (const dep of declarations.after) {
          if (!upstream.has("certain", dep.id)) {
            problems.push(
              upstream.has("ids", dep.id)
                ? `task "${id}" requires the result of "${dep.id}", which may be absent (it is in a lenient parallel group, or runs after a task that may jump or terminate); read it with Task.optional(…)`
                : `task "${id}" reads the result of "${dep.id}", which does not certainly run before it`
            )
          }
        }
        for (const dep of declarations.optional) {
          if (!upstream.has("ids", dep.id)) {
            problems.push(`task "${id}" reads the optional result of "${dep.id}", which does not run before it`)
          }
        }
        for (const key of declarations.reads) {
          if (!upstream.has("writes", key) && !initial.has(key)) {
            problems.push(
              `task "${id}" reads channel key "${key}", which no task before it writes and which has no initial value`
            )
          }
        }
        for (const target of declarations.goto) jumps.push([target, id])
        upstream.extend()
        if (!certain || upstream.cut) upstream.uncertain.add(id)
        for (const key of declarations.writes) upstream.writes.add(key)
        if (declarations.skips) upstream.cut = true
        return
      }
      case "Sequence":
        for (const child of step.steps) visit(child, upstream, certain)
        return
      case "Branch": {
        if (tasks.has(step.id) || branches.has(step.id)) problems.push(`branch id "${step.id}" is used more than once (by a task or another branch)`)
        branches.add(step.id)
        if (!upstream.has("certain", step.source.id)) {
          problems.push(`branch "${step.id}" matches the result of "${step.source.id}", which does not certainly run before it`)
        }
        // Each case sees what came before the branch, not its siblings; afterwards, what every case made certain is.
        const scopes = step.steps.map((child) => {
          const scope = new Upstream(upstream, index, list)
          visit(child, scope, certain)
          return scope
        })
        const certainInEvery = (id: string) => scopes.every((scope) => scope.owns(id) && !scope.uncertain.has(id))
        upstream.extend()
        for (const scope of scopes) {
          for (let at = scope.start; at < scope.end; at++) {
            const id = list[at]!.id
            if (!certainInEvery(id)) upstream.uncertain.add(id)
          }
          for (const key of scope.writes) if (scopes.every((other) => other.writes.has(key))) upstream.writes.add(key)
          if (scope.cut) upstream.cut = true
        }
        return
      }
      case "Parallel": {
        problems.push(...policyProblems(step.name, step.policy, step.failFast, step.members))
        const branches = step.steps.map((child, i) => {
          const branch = new Upstream(upstream, index, list)
          const memberCertain = certain && memberIsCertain(step.policy, step.members[i]!)
          visit(child, branch, memberCertain)
          return branch
        })
        upstream.extend()
        for (const branch of branches) {
          for (const id of branch.uncertain) upstream.uncertain.add(id)
          for (const key of branch.writes) upstream.writes.add(key)
          if (branch.cut) upstream.cut = true
        }
        return
      }
    }
  }
  visit(root, new Upstream(undefined, index, list), true)
  for (const [target, id] of jumps) {
    if (!tasks.has(target)) problems.push(`task "${id}" may jump to "${target}", which is not a task of this workflow`)
  }
  // A workflow may not run itself: a step of it, or of a sub-workflow of it, running a workflow of its name.
  const contains = (steps: ReadonlyMap<string, TaskImpl>, trail: ReadonlyArray<string>): void => {
    for (const task of steps.values()) {
      // A step, or a map whose item is a workflow.
      const sub = task.declarations.subWorkflow ?? task.declarations.map?.item.declarations.subWorkflow
      if (sub === undefined) continue
      const path = [...trail, task.id]
      if (sub.workflow.name === workflow) {
        problems.push(`step ${path.map(quote).join(" → ")} runs workflow ${quote(workflow)} itself: a workflow cannot contain itself`)
      } else contains(sub.workflow.plan.tasks, path)
    }
  }
  contains(tasks, [])
  const inputs = list.filter((task) => task.declarations.runInput !== undefined)
  if (inputs.length > 1) {
    problems.push(
      `a workflow takes one input, and tasks ${inputs.map((t) => quote(t.id)).join(", ")} are all Task.input tasks; keep one and read it with \`after\``
    )
  }
  const awaits = new Map<string, { readonly task: TaskImpl; readonly codec: Codec<unknown> }>()
  for (const task of list) {
    for (const [name, codec] of task.declarations.awaits) {
      const other = awaits.get(name)
      if (other !== undefined) {
        problems.push(`request ${quote(name)} is awaited by tasks ${quote(other.task.id)} and ${quote(task.id)}; give each request its own name`)
      }
      awaits.set(name, { task, codec })
    }
  }
  if (problems.length > 0) throw new WorkflowDefinitionError({ workflow, problems })
  return {
    root,
    tasks,
    resultCodecs,
    ids: list.map((task) => task.id),
    index,
    input: inputs[0],
    awaits,
    name: workflow
  }
}

/** A pattern in words, for diagrams: literals as JSON, objects by their fields, matchers as "…". */
const describePattern = (pattern: unknown, depth = 0): string => {
  if (pattern === null || typeof pattern !== "object") return typeof pattern === "function" ? "…" : show(pattern)
  if (depth > 2 || Array.isArray(pattern) || Object.getOwnPropertySymbols(pattern).length > 0) return "…"
  return `{ ${Object.entries(pattern).map(([k, v]) => `${k}: ${describePattern(v, depth + 1)}`).join(", ")} }`
}
