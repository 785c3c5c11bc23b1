/**
 * Error messages are read by Cause.pretty, loggers and Node's uncaught-error
 * handler: reading one never throws, whatever the failure holds, and it says
 * what happened in words.
 */
import { Cause, Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"
import * as Distributed from "../src/Distributed.js"
import { ChannelError, MemoryChannel, Workflow, WorkflowError } from "../src/index.js"
import * as Worker from "../src/Worker.js"

const cyclic = (): unknown => {
  const value: { amount: bigint; self?: unknown } = { amount: 10n }
  value.self = value
  return value
}

const throwing = (what: string) => () => {
  throw new Error(what)
}

/**
 * Values that JSON.stringify (or a naive String()) cannot show. `pretty` says
 * whether Effect's own Cause.pretty can print them too: it walks an error's
 * `cause` itself, and a Proxy whose traps throw, or an Error whose message getter
 * throws, make it throw — our messages hold even then.
 */
const hostile: ReadonlyArray<readonly [string, unknown, boolean]> = [
  ["a bigint", { amount: 10n }, true],
  ["a cycle", cyclic(), true],
  ["a symbol", Symbol("s"), true],
  ["an object whose toString throws", { toString: throwing("toString") }, true],
  ["a Proxy whose traps throw", new Proxy({}, { ownKeys: throwing("trap"), get: throwing("trap") }), false],
  ["an Error whose message getter throws", Object.defineProperty(new Error(), "message", { get: throwing("getter") }), false]
]

describe("error messages never throw", () => {
  for (const [what, cause, pretty] of hostile) {
    it(`with ${what}`, () => {
      const errors: ReadonlyArray<Error> = [
        new WorkflowError.TaskFailed({ taskId: "t", cause, attempts: 1, retryLimit: 0 }),
        new WorkflowError.ParallelGroupError({
          group: "g",
          policy: "strict",
          members: [{ tasks: ["t"], outcome: "failed", error: cause }, { tasks: ["u"], outcome: "succeeded" }]
        }),
        new ChannelError.ChannelError({ op: "get", key: "k", cause })
      ]
      for (const error of errors) {
        expect(error.message).toMatch(/^(task "t" failed|parallel group "g" failed|channel get on key "k" failed)/)
        if (!pretty) continue
        const exit = Effect.runSyncExit(Effect.fail(error))
        expect(Exit.isFailure(exit) ? Cause.pretty(exit.cause) : "").toContain(error.message.split("\n")[0])
      }
    })
  }

  it("and say what happened", () => {
    expect(new WorkflowError.TaskFailed({ taskId: "money", cause: { amount: 10n }, attempts: 1, retryLimit: 0 }).message)
      .toBe(`task "money" failed: {"amount":10n}`)
    expect(new WorkflowError.TaskFailed({ taskId: "t", cause: new Error("down"), attempts: 4, retryLimit: 3 }).message)
      .toBe(`task "t" failed after 4 attempts (3 retries allowed): down`)
    expect(new WorkflowError.TaskFailed({ taskId: "t", cause: "down", attempts: 2, retryLimit: undefined }).message)
      .toBe(`task "t" failed after 2 attempts: down`)
    expect(new ChannelError.ChannelError({ op: "get", key: "k", cause: cyclic() }).message)
      .toBe(`channel get on key "k" failed: {"amount":10n,"self":[Circular]}`)
    expect(new ChannelError.InvalidNamespaceError({ namespace: "undefined", reason: "a namespace is a non-empty string, not undefined" }).message)
      .toBe("cannot open the channel namespace undefined: a namespace is a non-empty string, not undefined")
  })
})

describe("one way to fail: misuse the types let through is a defect inside the Effect", () => {
  const notAWorkflow = { name: "not-a-workflow" } as unknown as Workflow.Any
  const defectOf = (effect: Effect.Effect<unknown, unknown, never>) => {
    const exit = Effect.runSyncExit(effect)
    if (Exit.isSuccess(exit)) throw new Error("expected a defect")
    const defect = Cause.squash(exit.cause)
    return { dies: Cause.hasDies(exit.cause), message: defect instanceof Error ? defect.message : "" }
  }
  // Each call makes an Effect (nothing thrown while making it); running it dies with a TypeError in words.
  const cases: ReadonlyArray<readonly [string, () => Effect.Effect<unknown, unknown, never>]> = [
    ["Workflow.run", () => Workflow.run(notAWorkflow as never) as Effect.Effect<unknown, unknown, never>],
    ["Workflow.resume", () => Workflow.resume(notAWorkflow as never, "cp") as Effect.Effect<unknown, unknown, never>],
    [
      "Workflow.respond",
      () => Workflow.respond(notAWorkflow as never, "r1", "x" as never, true as never).pipe(Effect.provide(MemoryChannel.layer))
    ],
    [
      "Distributed.run",
      () => Distributed.run(notAWorkflow as never).pipe(Effect.provideService(Distributed.Dispatcher, {} as never))
    ],
    ["Worker.run", () => Worker.run({ workflows: [notAWorkflow], redis: "redis://127.0.0.1:1" }) as Effect.Effect<unknown, unknown, unknown> as Effect.Effect<unknown, unknown, never>]
  ]
  for (const [name, make] of cases) {
    it(name, () => {
      const effect = make()
      const { dies, message } = defectOf(effect)
      expect(dies).toBe(true)
      expect(message).toBe(`${name}: expects a workflow made by Workflow.make, not {"name":"not-a-workflow"}`)
    })
  }
})
