/**
 * The run-time twins of the compile-time checks: `Workflow.make` rejects, with
 * a WorkflowDefinitionError listing every problem in words, the definitions
 * that the types reject but plain JavaScript, computed ids or casts can still
 * build.
 */
import { Effect, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { Channel, Flow, Task, Workflow, WorkflowError } from "../src/index.js"

/** `Workflow.make` as plain JavaScript sees it: no compile-time check. */
const unchecked = Workflow.make as unknown as (name: string, optionsOrFlow: unknown, flow?: unknown) => unknown

/** The problems `Workflow.make` reports for a definition (fails the test when it accepts it). */
const problemsOf = (make: () => unknown): ReadonlyArray<string> => {
  try {
    make()
  } catch (error) {
    if (error instanceof WorkflowError.WorkflowDefinitionError) return error.problems
    throw error
  }
  throw new Error("Workflow.make accepted the definition")
}

/** An id the type checker only knows as `string`. */
const computed = (id: string): string => [id].join("")

describe("Workflow.make checks at run time what the types check", () => {
  it("duplicate task ids", () => {
    const a = Task.make(computed("a"), () => 1)
    const again = Task.make(computed("a"), () => 2)
    expect(problemsOf(() => unchecked("dup", Workflow.chain(a, again)))).toEqual([`task id "a" is used more than once`])
  })

  it("a workflow that contains itself, as a step or as a map's item, at any depth", () => {
    // Two workflows of one name, made apart: the outer one runs the other as a step (or per element).
    const inner = Workflow.make(computed("loop"), Task.make("x", () => 1))
    expect(problemsOf(() => unchecked("loop", Task.workflow("again", inner)))).toEqual([
      `step "again" runs workflow "loop" itself: a workflow cannot contain itself`
    ])
    const middle = Workflow.make("middle", Task.workflow("deeper", inner))
    expect(problemsOf(() => unchecked("loop", Workflow.chain(Task.make("a", () => 1), Task.workflow("step", middle))))).toEqual([
      `step "step" → "deeper" runs workflow "loop" itself: a workflow cannot contain itself`
    ])
    const n = Task.input("n", Schema.Number)
    const each = Workflow.make(computed("loop"), n)
    const list = Task.make("list", () => [1, 2])
    expect(problemsOf(() => unchecked("loop", Workflow.chain(list, Flow.map("each", list, each))))).toEqual([
      `step "each" runs workflow "loop" itself: a workflow cannot contain itself`
    ])
  })

  it("a result read from a task that does not certainly run before", () => {
    const fetch = Task.make("fetch", () => 1)
    const sibling = Task.make("sibling", { after: [fetch] }, (ctx) => ctx.getResult("fetch"))
    expect(problemsOf(() => unchecked("w", Workflow.parallel(fetch, sibling)))).toEqual([
      `task "sibling" reads the result of "fetch", which does not certainly run before it`
    ])
    const later = Task.make("later", { after: [fetch] }, (ctx) => ctx.getResult("fetch"))
    expect(problemsOf(() => unchecked("w", Workflow.chain(later, fetch)))).toEqual([
      `task "later" reads the result of "fetch", which does not certainly run before it`
    ])
  })

  it("a required result of a task that may be skipped (lenient group)", () => {
    const maybe = Task.make("maybe", () => 1)
    const other = Task.make("other", () => 2)
    const reader = Task.make("reader", { after: [maybe] }, (ctx) => ctx.getResult("maybe"))
    const flow = Workflow.chain(Workflow.parallelWith({ policy: "best-effort" }, maybe, other), reader)
    expect(problemsOf(() => unchecked("w", flow))[0]).toContain(
      `task "reader" requires the result of "maybe", which may be absent`
    )
  })

  it("what certainly ran before a task, through nested groups, branch cases and jumps", () => {
    const make = (id: string, after: ReadonlyArray<Task.Any | Task.Optional<Task.Any>> = []) =>
      Task.make(computed(id), { after }, () => 1)
    const a = make("a")
    const b = make("b")
    // Within a member, after the group, and the steps before the group: certain.
    const c = make("c", [b])
    const d = make("d", [a])
    const e = make("e", [c, d, a])
    expect(() => unchecked("w", Workflow.chain(a, Workflow.parallel(Workflow.chain(b, c), d), e))).not.toThrow()
    // Another member of the same group, nested deeper: not before.
    const f = make("f", [c])
    expect(problemsOf(() => unchecked("w", Workflow.chain(a, Workflow.parallel(Workflow.chain(b, c), Workflow.chain(d, f)))))).toEqual([
      `task "f" reads the result of "c", which does not certainly run before it`
    ])
    // A lenient group inside a strict one: its tasks may be absent afterwards, and within their own member.
    const x1 = make("x1")
    const x2 = make("x2", [x1])
    const y = make("y")
    const z = make("z")
    const w = make("w", [x1])
    const lenient = Workflow.parallelWith({ policy: "best-effort" }, Workflow.chain(x1, x2), y)
    expect(problemsOf(() => unchecked("w", Workflow.chain(Workflow.parallel(lenient, z), w)))).toEqual([
      `task "x2" requires the result of "x1", which may be absent (it is in a lenient parallel group, or runs after a task that may jump or terminate); read it with Task.optional(…)`,
      `task "w" requires the result of "x1", which may be absent (it is in a lenient parallel group, or runs after a task that may jump or terminate); read it with Task.optional(…)`
    ])
    const lenientOne = Workflow.parallelWith({ policy: "best-effort" }, x1, y)
    expect(() => unchecked("w", Workflow.chain(Workflow.parallel(lenientOne, z), make("w", [Task.optional(x1), z])))).not.toThrow()
    // Branch cases: a case sees what came before the branch and its own tasks, not another case's; after the
    // branch, a task of one case may be absent.
    const classify = Task.make("classify", (): "a" | "b" => "a")
    const p = make("p")
    const q = make("q", [p, classify])
    const r = make("r", [p])
    const route = Flow.branch("route", classify).with("a", () => Workflow.chain(p, q)).with("b", () => r).exhaustive()
    expect(problemsOf(() => unchecked("w", Workflow.chain(classify, route, make("s", [p]))))).toEqual([
      `task "r" reads the result of "p", which does not certainly run before it`,
      `task "s" requires the result of "p", which may be absent (it is in a lenient parallel group, or runs after a task that may jump or terminate); read it with Task.optional(…)`
    ])
    // After a task that may jump, the tasks that follow may be skipped.
    const jumper = Task.make("jumper", { goto: [computed("last")] }, () => Effect.void)
    const m = make("m")
    const n = make("n", [m, a])
    expect(problemsOf(() => unchecked("w", Workflow.chain(a, jumper, m, n, make("last"))))).toEqual([
      `task "n" requires the result of "m", which may be absent (it is in a lenient parallel group, or runs after a task that may jump or terminate); read it with Task.optional(…)`
    ])
  })

  it("a channel key read before any task writes it, without an initial value", () => {
    const Channels = Channel.schema({ config: Schema.Number })
    const use = Task.make("use", { channels: Channels, reads: ["config"] }, (ctx) => ctx.channel.get("config"))
    const write = Task.make("write", { channels: Channels, writes: ["config"] }, (ctx) => ctx.channel.set("config", 1))
    expect(problemsOf(() => unchecked("w", { channels: Channels }, Workflow.chain(use, write)))).toEqual([
      `task "use" reads channel key "config", which no task before it writes and which has no initial value`
    ])
    // The same flow with an initial value is valid.
    expect(() => unchecked("w", { channels: Channels, initial: { config: 1 } }, Workflow.chain(use, write))).not.toThrow()
  })

  it("a jump to an id that is not a task of the workflow", () => {
    const jumper = Task.make("jumper", { goto: [computed("nowhere")] }, () => Effect.void)
    expect(problemsOf(() => unchecked("w", jumper))).toEqual([
      `task "jumper" may jump to "nowhere", which is not a task of this workflow`
    ])
  })

  it("an optional result of a task that does not run before", () => {
    const absent = Task.make("absent", () => 1)
    const reader = Task.make("reader", { after: [Task.optional(absent)] }, (ctx) => Effect.as(ctx.getResult("absent"), 1))
    expect(problemsOf(() => unchecked("w", reader))).toEqual([
      `task "reader" reads the optional result of "absent", which does not run before it`
    ])
  })

  it("every problem at once, each naming its task", () => {
    const a = Task.make(computed("a"), () => 1)
    const jumper = Task.make("jumper", { goto: [computed("x")] }, () => Effect.void)
    const problems = problemsOf(() => unchecked("w", Workflow.chain(a, a, jumper)))
    expect(problems).toHaveLength(2)
    const error = new WorkflowError.WorkflowDefinitionError({ workflow: "w", problems })
    expect(error.message).toBe(
      `workflow "w" is not valid:\n- task id "a" is used more than once\n- task "jumper" may jump to "x", which is not a task of this workflow`
    )
  })
})

describe("Workflow.make rejects definitions the types cannot see, naming the bad value", () => {
  const a = Task.make("a", () => 1)
  const b = Task.make("b", () => 2)
  const parallelWith = Workflow.parallelWith as unknown as (options: unknown, ...flows: ReadonlyArray<unknown>) => unknown

  it("an unknown policy (a string, an object, a missing options object)", () => {
    expect(problemsOf(() => unchecked("w", parallelWith({ policy: "strictest" }, a, b)))).toEqual([
      `parallel group "parallel(a, b)": "strictest" is not a policy (use "strict", "best-effort", { atLeast: n }, { critical: [ids] } or a function of the members' outcomes)`
    ])
    expect(problemsOf(() => unchecked("w", parallelWith({ policy: { atMost: 1 } }, a, b)))[0]).toContain(
      `{"atMost":1} is not a policy`
    )
    expect(problemsOf(() => unchecked("w", parallelWith({ policy: { critical: [1] } }, a, b)))[0]).toContain(
      `is not a policy`
    )
    // No options at all is the strict default, not a crash.
    expect(() => unchecked("w", parallelWith(undefined, a, b))).not.toThrow()
  })

  it("at least N members, or critical ids, that cannot be met", () => {
    expect(problemsOf(() => unchecked("w", Workflow.parallelWith({ policy: { atLeast: 3 } }, a, b)))).toEqual([
      `parallel group "parallel(a, b)": at least 3 of 2 members cannot be met`
    ])
    expect(problemsOf(() => unchecked("w", parallelWith({ policy: { critical: ["c"] } }, a, b)))).toEqual([
      `parallel group "parallel(a, b)": critical task "c" is not a member`
    ])
  })

  it("failFast with a policy that never knows early that it fails", () => {
    expect(problemsOf(() => unchecked("w", Workflow.parallelWith({ policy: "best-effort", failFast: true }, a, b)))).toEqual([
      `parallel group "parallel(a, b)": failFast needs a policy that can tell early that it fails (strict, { atLeast }, { critical }), not best-effort`
    ])
  })

  it("something that is not a task or a flow", () => {
    const chain = Workflow.chain as unknown as (...flows: ReadonlyArray<unknown>) => unknown
    expect(problemsOf(() => unchecked("w", chain(a, 42, { then: 1 })))).toEqual([
      `42 is not a task or a flow (in the flow given to Workflow.make)`,
      `{"then":1} is not a task or a flow (in the flow given to Workflow.make)`
    ])
  })
})

describe("what the types accept and check only when it runs", () => {
  // A generic factory compiles for any flow (TypeScript cannot see the flow
  // yet); the definition is checked when the factory runs.
  const named = <F extends Task.Any>(flow: F) => Workflow.make("factory", flow)

  it("a generic factory made with an invalid flow throws WorkflowDefinitionError", () => {
    const fetch = Task.make("fetch", () => 1)
    const reader = Task.make("reader", { after: [fetch] }, (ctx) => ctx.getResult("fetch"))
    expect(problemsOf(() => named(reader))).toEqual([
      `task "reader" reads the result of "fetch", which does not certainly run before it`
    ])
    expect(Workflow.isWorkflow(named(fetch))).toBe(true)
  })

  it("a generic factory's workflow runs", async () => {
    const out = await Effect.runPromise(Workflow.run(named(Task.make("one", () => 1))))
    expect(out.results).toEqual({ one: 1 })
  })
})

describe("Task.forEach", () => {
  it("makes one task per id, in order, that run and store their results by id", async () => {
    const sources = ["api", "db", "files"] as const
    const fetchers = Task.forEach(sources, (id, index) => Task.make(id, () => Effect.succeed(`${id}:${index}`)))
    expect(fetchers.map((t) => t.id)).toEqual(["api", "db", "files"])
    const total = Task.make("total", { after: fetchers }, (ctx) =>
      Effect.all([ctx.getResult("api"), ctx.getResult("db"), ctx.getResult("files")]))
    const out = await Effect.runPromise(
      Workflow.run(Workflow.make("fan-out", Workflow.chain(Workflow.parallel(...fetchers), total)))
    )
    expect(out.results).toEqual({ api: "api:0", db: "db:1", files: "files:2", total: ["api:0", "db:1", "files:2"] })
  })

  it("takes template instances", () => {
    const scaled = Task.template((_ctx, params: { readonly factor: number }) => params.factor * 2)
    const tasks = Task.forEach(["x", "y"], (id, index) => scaled(id, { factor: index }))
    expect(tasks.map((t) => t.id)).toEqual(["x", "y"])
  })

  it("rejects a task made with another id, and a callback that returns no task", () => {
    const forEach = Task.forEach as unknown as (ids: ReadonlyArray<string>, make: (id: string) => unknown) => unknown
    expect(() => forEach(["a"], (id) => Task.make(`x-${id}`, () => 1))).toThrow(
      `Task.forEach: the task made for the id "a" has the id "x-a"; make each task with the id it is given`
    )
    expect(() => forEach(["a"], () => 1)).toThrow(`Task.forEach: the function returned no task for the id "a"`)
    expect(() => forEach("ab" as never, () => 1)).toThrow("Task.forEach: expects an array of task ids")
  })
})
