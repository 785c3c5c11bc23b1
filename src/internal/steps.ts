/**
 * Where the flow is walked: sequences run their steps in order, parallel
 * groups run their members concurrently (`group.ts`), every task runs once per
 * execution after everything before it has finished (`attempt.ts`); a jump
 * continues the run at the target's position.
 *
 * @internal
 */
import { Effect } from "effect"
import { endWith, runMember, runTask } from "./attempt.js"
import { runBranch } from "./branch.js"
import { runGroup } from "./group.js"
import { positionOf } from "./identity.js"
import type { Step } from "./plan.js"
import { type StepFailure, type Signal, Stop } from "./signal.js"
import type { RunState } from "./state.js"

const exec = (step: Step, state: RunState): Effect.Effect<Signal, StepFailure, unknown> => {
  switch (step._tag) {
    case "Task":
      return runTask(step.task, step.index, state)
    case "Sequence":
      return runSequence(step.steps, 0, state)
    case "Parallel":
      return runGroup(step, (child, end) => child._tag === "Task" ? runMember(child.task, child.index, state, end) : endWith(exec(child, state), end))
    case "Branch":
      return runBranch(step, state, (child) => exec(child, state))
  }
}

const runSequence = (
  steps: ReadonlyArray<Step>,
  from: number,
  state: RunState
): Effect.Effect<Signal, StepFailure, unknown> => {
  let i = from
  let signal: Signal = undefined
  return Effect.as(
    Effect.whileLoop({
      while: () => signal === undefined && i < steps.length,
      body: () => state.stopped ? Effect.succeed(Stop) : exec(steps[i++]!, state),
      step: (next: Signal) => {
        signal = next
      }
    }),
    undefined
  ).pipe(Effect.map(() => signal))
}

/** Runs `step` from the task at `path` on: that task, then everything that follows it. */
const execFrom = (step: Step, path: ReadonlyArray<number>, state: RunState): Effect.Effect<Signal, StepFailure, unknown> => {
  const [index, ...rest] = path
  if (index === undefined || step._tag === "Task") return exec(step, state)
  const child = step.steps[index]!
  // Into a group's member or a branch's case: its rest, then what follows the group or the branch.
  if (step._tag === "Parallel" || step._tag === "Branch") return execFrom(child, rest, state)
  return Effect.flatMap(
    execFrom(child, rest, state),
    (signal) => signal === undefined ? runSequence(step.steps, index + 1, state) : Effect.succeed(signal)
  )
}

/** Runs the whole flow, following jumps until the run ends. */
export const drive = (state: RunState): Effect.Effect<void, StepFailure, unknown> => {
  const { plan } = state.workflow
  const loop = (signal: Signal): Effect.Effect<void, StepFailure, unknown> => {
    if (signal === undefined || signal._tag !== "Jump") return Effect.void
    // A jump's target is a task of the plan (Workflow.make checked it).
    const path = positionOf(plan, signal.target)!
    return Effect.flatMap(execFrom(plan.root, path, state), loop)
  }
  return Effect.flatMap(exec(plan.root, state), loop)
}
