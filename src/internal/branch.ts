/**
 * Where a branch is made and where it runs: `Flow.branch(id, source)` and its
 * cases (`.with(pattern, build)`, `.exhaustive()`, `.otherwise(build)`), and
 * at run time the choice — the first case whose ts-pattern pattern the
 * source's result matches (`isMatching`), else the `otherwise` — recorded
 * under `{id}.__result__` (and journaled in a durable run), so that a resumed
 * or continued run takes the same case without deciding again.
 *
 * @internal
 */
import { Effect } from "effect"
import { isMatching, type P } from "ts-pattern"
import { ownRuntime, RUNTIME, RuntimeId, tagOf, TypeId } from "./flow.js"
import type { BranchStep, Step } from "./plan.js"
import { readResult, storeDecision } from "./results.js"
import { type Signal, type StepFailure, stopsRun } from "./signal.js"
import { absent, replayKey, type RunState } from "./state.js"
import { isTask, type TaskImpl } from "./task.js"
import { TaskFailed } from "./workflowError.js"

/** A case of a branch as it was written: its pattern and its flow. */
export interface Case {
  readonly pattern: P.Pattern<unknown>
  readonly flow: unknown
}

/** A branch as a flow: its id, its source task, its cases in order, and the flow of `otherwise` (if any). */
export class BranchFlow {
  readonly [TypeId] = TypeId
  readonly [RuntimeId] = RUNTIME
  readonly _tag = "Branch"
  declare readonly "~shape": unknown
  constructor(
    readonly id: string,
    readonly source: TaskImpl,
    readonly cases: ReadonlyArray<Case>,
    readonly otherwise: unknown
  ) {}
}

/** Whether a value is a branch this copy can run (ours, or another copy's of the same runtime format). */
export const isBranchFlow = (u: unknown): u is BranchFlow => tagOf(u) === "Branch" && ownRuntime(u)

/** `Flow.branch(id, source)`: cases are added with `with`, then closed with `exhaustive` or `otherwise`. */
export class BranchBuilder {
  constructor(
    readonly id: string,
    readonly source: TaskImpl,
    readonly cases: ReadonlyArray<Case>
  ) {}
  with(pattern: P.Pattern<unknown>, build: (source: TaskImpl) => unknown): BranchBuilder {
    if (typeof build !== "function") {
      throw new TypeError(`Flow.branch ${JSON.stringify(this.id)}: a case is a pattern and a function that makes its flow`)
    }
    // The case's flow is made once, here, with the source as its handle (the types narrow it to the case).
    return new BranchBuilder(this.id, this.source, [...this.cases, { pattern, flow: build(this.source) }])
  }
  exhaustive(): BranchFlow {
    return new BranchFlow(this.id, this.source, this.cases, undefined)
  }
  otherwise(build: (source: TaskImpl) => unknown): BranchFlow {
    if (typeof build !== "function") throw new TypeError(`Flow.branch ${JSON.stringify(this.id)}: otherwise takes a function that makes its flow`)
    return new BranchFlow(this.id, this.source, this.cases, build(this.source))
  }
}

/** Starts a branch on the result of `source`. */
export const branch = (id: unknown, source: unknown): BranchBuilder => {
  if (typeof id !== "string" || id === "") throw new TypeError("Flow.branch: the id must be a non-empty string")
  if (!isTask(source)) throw new TypeError(`Flow.branch ${JSON.stringify(id)}: the source is the task whose result the cases match`)
  return new BranchBuilder(id, source, [])
}

/**
 * Runs a branch: the case recorded for this execution (a resumed or continued
 * run), or the first whose pattern matches the source's result — recorded
 * before the case runs — then that case's flow.
 */
export const runBranch = (
  step: BranchStep,
  state: RunState,
  run: (child: Step) => Effect.Effect<Signal, StepFailure, unknown>
): Effect.Effect<Signal, StepFailure, unknown> => {
  // Called when the branch's turn comes (as `runTask` is): what it counts and reads is this execution's.
  const iteration = state.countRun(step.id, -1)
  const recorded = state.replay?.get(replayKey(step.id, iteration))
  if (recorded !== undefined && typeof recorded.result === "number") {
    state.complete(step.id, -1, iteration, 1, undefined)
    const chosen = step.steps[recorded.result]
    if (chosen !== undefined) return run(chosen)
  }
  // Reading the source or recording the choice may fail (the channel): the branch's failure, named by its id.
  const fail = (cause: unknown): StepFailure =>
    stopsRun(cause) ? cause : new TaskFailed({ taskId: step.id, cause, attempts: 1, retryLimit: 0 })
  const choose = (value: unknown): Effect.Effect<Signal, StepFailure, unknown> => {
    let chosen = step.patterns.findIndex((pattern) => isMatching(pattern, value))
    if (chosen < 0) {
      if (!step.otherwise) {
        // `.exhaustive()` compiled: a value that matches no case came past the types.
        return Effect.die(
          new TypeError(`branch "${step.id}": the result of "${step.source.id}" matches none of its cases, and it has no otherwise`)
        )
      }
      chosen = step.patterns.length
    }
    return Effect.matchEffect(storeDecision(state, step.decisionKey, step.id, iteration, chosen), {
      onFailure: (cause) => Effect.fail(fail(cause)),
      onSuccess: () => run(step.steps[chosen]!)
    })
  }
  // The source ran before the branch in this run (or was replayed into it): its result is at hand.
  const index = state.workflow.plan.index.get(step.source.id)
  const known = index === undefined ? absent : state.resultAt(index)
  if (known !== absent) return choose(known)
  return Effect.matchEffect(readResult(state, step.id, step.source.id), {
    onFailure: (cause) => Effect.fail(fail(cause)),
    onSuccess: choose
  })
}
