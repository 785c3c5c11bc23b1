/**
 * Parallel groups: where a group runs (`runGroup`) and everything about its
 * policy — the runtime form of the option users write (`toPolicy`), what it
 * means once every member has ended (`satisfied`), when it can no longer be
 * met (`cannotSucceed`, for `failFast`), which members' results are certain
 * (`memberIsCertain`, for the plan's checks), and what `Workflow.make` reports
 * about one that cannot work (`policyProblems`).
 *
 * @internal
 */
import { Cause, Effect, Option } from "effect"
import { quote, show } from "./format.js"
import type { MemberEnd } from "./attempt.js"
import type { ParallelStep, Step } from "./plan.js"
import { combine, type StepFailure, type Signal, stopsRun } from "./signal.js"
import { type MemberOutcome, ParallelGroupError } from "./workflowError.js"

/** A parallel group's policy at run time (`Invalid`: a value that is no policy, reported by `compile`). */
export type PolicyRule =
  | { readonly _tag: "Strict" }
  | { readonly _tag: "BestEffort" }
  | { readonly _tag: "AtLeast"; readonly n: number }
  | { readonly _tag: "Critical"; readonly ids: ReadonlyArray<string> }
  | { readonly _tag: "Custom"; readonly decide: (members: ReadonlyArray<MemberOutcome<unknown>>) => boolean }
  | { readonly _tag: "Invalid"; readonly value: string }

export const strict: PolicyRule = { _tag: "Strict" }

/** The runtime form of a policy option; anything else is `Invalid`, so `Workflow.make` names it. */
export const toPolicy = (policy: unknown): PolicyRule => {
  if (policy === undefined || policy === "strict") return strict
  if (policy === "best-effort") return { _tag: "BestEffort" }
  if (typeof policy === "function") {
    return { _tag: "Custom", decide: (members) => Reflect.apply(policy, undefined, [members]) === true }
  }
  if (typeof policy === "object" && policy !== null) {
    const atLeast: unknown = Reflect.get(policy, "atLeast")
    const critical: unknown = Reflect.get(policy, "critical")
    if (typeof atLeast === "number" && critical === undefined) return { _tag: "AtLeast", n: atLeast }
    if (Array.isArray(critical) && critical.every((id) => typeof id === "string") && atLeast === undefined) {
      return { _tag: "Critical", ids: [...critical] }
    }
  }
  return { _tag: "Invalid", value: show(policy) }
}

/**
 * Whether the members that ended so far already make the policy fail, whatever
 * the others do (for `failFast`).
 */
const cannotSucceed = (policy: PolicyRule, members: ReadonlyArray<MemberOutcome<unknown>>): boolean => {
  switch (policy._tag) {
    case "Strict":
      return members.some((m) => m.outcome === "failed")
    case "AtLeast":
      return members.filter((m) => m.outcome === "failed").length > members.length - policy.n
    case "Critical":
      return members.some((m) => m.outcome === "failed" && m.tasks.some((id) => policy.ids.includes(id)))
    case "BestEffort":
    case "Custom":
    case "Invalid":
      return false
  }
}

/** Whether the members' outcomes meet the policy (every member has ended). */
export const satisfied = (policy: PolicyRule, members: ReadonlyArray<MemberOutcome<unknown>>): boolean => {
  switch (policy._tag) {
    case "Strict":
      return members.every((m) => m.outcome === "succeeded")
    case "BestEffort":
      return true
    case "AtLeast":
      return members.filter((m) => m.outcome === "succeeded").length >= policy.n
    case "Critical":
      return members.every((m) => m.outcome === "succeeded" || !m.tasks.some((id) => policy.ids.includes(id)))
    case "Custom":
      return policy.decide(members)
    case "Invalid":
      return false
  }
}

export const describePolicy = (policy: PolicyRule): string => {
  switch (policy._tag) {
    case "Strict":
      return "strict"
    case "BestEffort":
      return "best-effort"
    case "AtLeast":
      return `at least ${policy.n}`
    case "Critical":
      return `critical: ${policy.ids.join(", ")}`
    case "Custom":
      return "custom"
    case "Invalid":
      return `invalid (${policy.value})`
  }
}

/**
 * What is wrong with a group's policy, in words (for `Workflow.make`): a value
 * that is no policy, `failFast` where it means nothing, an `atLeast` or
 * `critical` that the members cannot meet.
 */
export const policyProblems = (
  name: string,
  policy: PolicyRule,
  failFast: boolean,
  members: ReadonlyArray<ReadonlyArray<string>>
): ReadonlyArray<string> => {
  const group = `parallel group ${quote(name)}`
  const problems: Array<string> = []
  if (policy._tag === "Invalid") {
    problems.push(
      `${group}: ${policy.value} is not a policy (use "strict", "best-effort", { atLeast: n }, { critical: [ids] } or a function of the members' outcomes)`
    )
  }
  if (failFast && (policy._tag === "BestEffort" || policy._tag === "Custom")) {
    problems.push(
      `${group}: failFast needs a policy that can tell early that it fails (strict, { atLeast }, { critical }), not ${describePolicy(policy)}`
    )
  }
  if (policy._tag === "AtLeast" && (!Number.isInteger(policy.n) || policy.n < 0 || policy.n > members.length)) {
    problems.push(`${group}: at least ${policy.n} of ${members.length} members cannot be met`)
  }
  if (policy._tag === "Critical") {
    if (policy.ids.length === 0) problems.push(`${group}: no critical task given`)
    const ids = new Set(members.flat())
    for (const id of policy.ids) {
      if (!ids.has(id)) problems.push(`${group}: critical task ${quote(id)} is not a member`)
    }
  }
  return problems
}

/** Whether a member's tasks certainly ran once the group succeeded (its results need no `Task.optional`). */
export const memberIsCertain = (policy: PolicyRule, member: ReadonlyArray<string>): boolean =>
  policy._tag === "Strict" || (policy._tag === "Critical" && member.some((id) => policy.ids.includes(id)))

// ---------------------------------------------------------------------------
// running a group
// ---------------------------------------------------------------------------

const groupError = (step: ParallelStep, members: ReadonlyArray<MemberOutcome<unknown>>) =>
  new ParallelGroupError({ group: step.name, policy: describePolicy(step.policy), members })

const SUCCEEDED = 1
const FAILED = 2

/** A member's way to stop the group at once: the forEach below interrupts the others when one fails with it. */
const halt: unique symbol = Symbol("effect-graflow/halt")

/**
 * Runs a parallel group: every member to its end, then the policy decides.
 * Four things stop the others at once (they are reported "interrupted"): a
 * member that cancels the run, one that suspends it (a request not answered in
 * time), a defect or an interruption inside a member, and with `failFast` a
 * failure after which the policy can no longer be met.
 */
export const runGroup = (
  step: ParallelStep,
  /** Runs a member, its end handed to the group (`endWith`, or `runMember` for a task: one match for both). */
  run: <E>(child: Step, end: MemberEnd<E>) => Effect.Effect<void, E, unknown>
): Effect.Effect<Signal, StepFailure, unknown> =>
  Effect.suspend(() => {
    const count = step.steps.length
    // How each member ended, without an object per member until a policy or an error needs the outcomes.
    const ended = new Uint8Array(count) // INTERRUPTED, SUCCEEDED or FAILED
    const errors: Array<unknown> = []
    let succeeded = 0
    const signals: Array<Signal> = new Array(count).fill(undefined)
    const outcomes = (): ReadonlyArray<MemberOutcome<unknown>> =>
      step.members.map((tasks, i): MemberOutcome<unknown> =>
        ended[i] === SUCCEEDED
          ? { tasks, outcome: "succeeded" }
          : ended[i] === FAILED
          ? { tasks, outcome: "failed", error: errors[i] }
          : { tasks, outcome: "interrupted" }
      )
    /** What ends the group at once instead of the policy: a cancel, a defect, an interruption. */
    let abort: Cause.Cause<StepFailure> | undefined
    const member = (child: Step, i: number) =>
      run<typeof halt>(child, {
        onSuccess: (signal): Effect.Effect<void, typeof halt> => {
          ended[i] = SUCCEEDED
          succeeded++
          signals[i] = signal
          return Effect.void
        },
        onFailure: (cause): Effect.Effect<void, typeof halt> => {
          const error = Cause.findErrorOption(cause)
          // Defects, interruptions, a cancel and a suspension are not failures a policy may absorb.
          if (Option.isNone(error) || Cause.hasDies(cause) || stopsRun(error.value)) {
            abort ??= cause
            return Effect.fail(halt)
          }
          ended[i] = FAILED
          errors[i] = error.value
          return step.failFast && cannotSucceed(step.policy, outcomes()) ? Effect.fail(halt) : Effect.void
        }
      })
    return Effect.forEach(step.steps, member, { concurrency: "unbounded", discard: true }).pipe(
      Effect.catch(() => Effect.void),
      Effect.flatMap((): Effect.Effect<Signal, StepFailure> => {
        if (abort !== undefined) return Effect.failCause(abort)
        // Every member succeeded: every policy is met but a custom one, which decides.
        if (succeeded === count && step.policy._tag !== "Custom") return Effect.succeed(combine(signals))
        const all = outcomes()
        return satisfied(step.policy, all) ? Effect.succeed(combine(signals)) : Effect.fail(groupError(step, all))
      })
    )
  })
