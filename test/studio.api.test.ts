/**
 * The studio's JSON API, without a browser: the token, run ids claimed once
 * when requests race, what a run's detail shows and hides, answers to a run
 * that waits live, resume and fork refusing another run's checkpoint, delete,
 * the OpenAPI document, and a studio that stops at once with a page open.
 */
import { Deferred, Effect, Exit, Layer, Schema, Scope } from "effect"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { type Channel, Checkpoint, MemoryChannel, Task, Workflow } from "../src/index.js"
import * as RedisChannel from "../src/RedisChannel.js"
import * as Studio from "../src/Studio.js"

let executions = 0
const gate = Effect.runSync(Deferred.make<void>())
const counted = Workflow.make("counted", Task.make("count", () => Effect.andThen(Effect.sync(() => executions++), Deferred.await(gate))))
const secret = Workflow.make(
  "secret",
  Task.input("login", Schema.Struct({ user: Schema.String, apiKey: Schema.Redacted(Schema.String) }))
)
const live = Workflow.make(
  "live",
  Task.make("ask", { awaits: { go: Schema.Struct({ ok: Schema.Boolean }) } }, (ctx) =>
    Effect.map(ctx.waitFor("go", { timeout: "1 minute" }), (answer) => answer.ok))
)
const steps = Workflow.make(
  "steps",
  Workflow.chain(
    Task.make("one", (ctx) => Effect.as(ctx.checkpoint({ at: "one" }), 1)),
    Task.make("two", () => 2)
  )
)

interface Running {
  readonly served: Studio.Served
  readonly scope: Scope.Closeable
  readonly call: (method: string, path: string, body?: unknown) => Promise<{ readonly status: number; readonly body: any }>
}

const Ok = Schema.Struct({ ok: Schema.Boolean })
const both = Workflow.make(
  "both",
  Workflow.parallel(
    Task.make("x", { awaits: { x: Ok } }, (ctx) => Effect.map(ctx.waitFor("x", { timeout: 0 }), (a) => a.ok)),
    Task.make("y", { awaits: { y: Ok } }, (ctx) => Effect.map(ctx.waitFor("y", { timeout: 0 }), (a) => a.ok))
  )
)

const memory = Layer.merge(MemoryChannel.layerWith({ runEvents: true }), Checkpoint.layerMemory)

const start = async (options: Partial<Studio.Options> = {}, layer: Layer.Layer<Channel.Channel, unknown> = memory): Promise<Running> => {
  const scope = Effect.runSync(Scope.make())
  const served = await Effect.runPromise(
    Effect.gen(function*() {
      const context = yield* Layer.build(layer)
      return yield* Studio.serve({ workflows: [counted, secret, live, steps, both], port: 0, retention: "keep", ...options }).pipe(
        Effect.provide(context)
      )
    }).pipe(Scope.provide(scope))
  )
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${served.origin}${path}`, {
      method,
      headers: { authorization: `Bearer ${served.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    })
    const text = await response.text()
    return { status: response.status, body: text === "" ? undefined : JSON.parse(text) }
  }
  return { served, scope, call }
}

/** Polls the API until `check` holds (a run started from the API runs on its own). */
const until = async <A>(read: () => Promise<A>, check: (a: A) => boolean): Promise<A> => {
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    const value = await read()
    if (check(value)) return value
    await new Promise((resolve) => setImmediate(resolve))
  }
  throw new Error("the studio never got there")
}

describe("the studio's API", () => {
  let studio: Running
  beforeAll(async () => {
    studio = await start()
  })
  afterAll(async () => {
    await Effect.runPromise(Scope.close(studio.scope, Exit.void))
  })

  it("refuses an empty or short token, and a call without the right one", async () => {
    for (const token of ["", "short"]) {
      const exit = await Effect.runPromiseExit(
        Studio.serve({ workflows: [counted], port: 0, token }).pipe(Effect.scoped, Effect.provide(MemoryChannel.layer))
      )
      expect(JSON.stringify(exit)).toContain("the token must have at least 16 characters")
    }
    for (const authorization of [undefined, "Bearer ", `Bearer ${studio.served.token}x`]) {
      const response = await fetch(`${studio.served.origin}/api/workflows`, authorization === undefined ? {} : { headers: { authorization } })
      expect(response.status).toBe(401)
    }
    expect((await fetch(`${studio.served.origin}/api/events?token=`)).status).toBe(401)
  })

  it("starts a run of an id once when requests race: one is accepted, the others refused, the task runs once", async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, () => studio.call("POST", "/api/workflows/counted/runs", { runId: "same" })))
    expect(answers.map((a) => a.status).sort()).toEqual([202, 409, 409, 409, 409, 409])
    expect(answers.filter((a) => a.status === 409).every((a) => a.body._tag === "RunIdTaken")).toBe(true)
    await Effect.runPromise(Deferred.succeed(gate, undefined))
    await until(() => studio.call("GET", "/api/workflows/counted/runs/same"), (r) => r.body?.run?.status === "completed")
    expect(executions).toBe(1)
    // Ended: the id may be used again.
    expect((await studio.call("POST", "/api/workflows/counted/runs", { runId: "same" })).status).toBe(202)
  })

  it("a run's detail shows its input with Redacted parts hidden", async () => {
    expect((await studio.call("POST", "/api/workflows/secret/runs", { runId: "s1", input: { user: "ada", apiKey: "sk-live-9" } })).status).toBe(202)
    const detail = await until(() => studio.call("GET", "/api/workflows/secret/runs/s1"), (r) => r.body?.run?.status === "completed")
    expect(detail.body.events[0]).toMatchObject({ type: "RunStarted", input: { user: "ada", apiKey: "<redacted>" } })
    expect(JSON.stringify(detail.body)).not.toContain("sk-live-9")
  })

  it("a running run's detail offers the requests a task may wait for; an answer reaches the task that waits", async () => {
    expect((await studio.call("POST", "/api/workflows/live/runs", { runId: "l1" })).status).toBe(202)
    const running = await until(() => studio.call("GET", "/api/workflows/live/runs/l1"), (r) => r.body?.events?.some((e: { type: string }) => e.type === "TaskStarted"))
    expect(running.body.run.status).toBe("running")
    expect(running.body.requests).toEqual([expect.objectContaining({ name: "go", taskId: "ask", waiting: false })])
    const wrong = await studio.call("POST", "/api/workflows/live/runs/l1/respond", { request: "go", value: { ok: 1 } })
    expect(wrong).toMatchObject({ status: 400, body: { _tag: "InvalidResponseError", issues: [{ path: ["ok"], message: "Expected boolean" }] } })
    expect((await studio.call("POST", "/api/workflows/live/runs/l1/respond", { request: "go", value: { ok: true } })).status).toBe(202)
    await until(() => studio.call("GET", "/api/workflows/live/runs/l1"), (r) => r.body?.run?.status === "completed")
  })

  it("resume and fork take their run's own checkpoints; delete refuses nothing that has ended", async () => {
    for (const runId of ["a", "b"]) {
      expect((await studio.call("POST", "/api/workflows/steps/runs", { runId })).status).toBe(202)
      await until(() => studio.call("GET", `/api/workflows/steps/runs/${runId}`), (r) => r.body?.run?.status === "completed")
    }
    const ofB = (await studio.call("GET", "/api/workflows/steps/runs/b")).body.checkpoints[0].id
    for (const action of ["resume", "fork"]) {
      const refused = await studio.call("POST", `/api/workflows/steps/runs/a/${action}`, { checkpoint: ofB })
      expect(refused).toMatchObject({ status: 409, body: { _tag: "CheckpointUnavailable", message: expect.stringContaining("is one of run \"b\", not of \"a\"") } })
    }
    const forked = await studio.call("POST", "/api/workflows/steps/runs/b/fork", { checkpoint: ofB, runId: "b2" })
    expect(forked).toMatchObject({ status: 202, body: { runId: "b2" } })
    await until(() => studio.call("GET", "/api/workflows/steps/runs/b2"), (r) => r.body?.run?.status === "completed")
    expect(await studio.call("DELETE", "/api/workflows/steps/runs/b2")).toMatchObject({ status: 200, body: { deleted: true } })
    expect(await studio.call("GET", "/api/workflows/steps/runs/b2")).toMatchObject({ status: 404, body: { _tag: "RunNotFound" } })
    expect(await studio.call("GET", "/api/workflows/nope/runs")).toMatchObject({ status: 404, body: { _tag: "WorkflowNotFound" } })
    expect(await studio.call("GET", "/api/workflows/steps/runs?status=lost")).toMatchObject({ status: 400, body: { _tag: "BadRequest" } })
    expect(await studio.call("GET", "/api/workflows/steps/runs?limit=0")).toMatchObject({ status: 400, body: { _tag: "BadRequest" } })
  })

  it("publishes its API as OpenAPI", async () => {
    const spec = await (await fetch(`${studio.served.origin}/api/openapi.json`)).json() as { openapi: string; paths: Record<string, unknown> }
    expect(spec.openapi).toMatch(/^3\./)
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining([
      "/api/workflows",
      "/api/workflows/{workflow}/runs",
      "/api/workflows/{workflow}/runs/{runId}",
      "/api/workflows/{workflow}/runs/{runId}/respond"
    ]))
  })
})

describe("the studio stops", () => {
  it("at once with a page's live feed open", async () => {
    const studio = await start()
    const feed = await fetch(`${studio.served.origin}/api/events?token=${studio.served.token}`)
    const reader = feed.body!.getReader()
    await reader.read() // the feed's first line: it is open
    const began = Date.now()
    await Effect.runPromise(Scope.close(studio.scope, Exit.void))
    expect(Date.now() - began).toBeLessThan(1_000)
    expect((await reader.read()).done).toBe(true)
  })
})

describe("the studio on Redis", () => {
  it("two answers at once to a suspended run: both are taken, the run completes (each time)", async () => {
    const studio = await start({}, RedisChannel.layerWithCheckpoints({ url: inject("redisUrl"), prefix: `test:studio-api:${Date.now()}:`, runEvents: true }))
    try {
      for (let i = 0; i < 40; i++) {
        const runId = `both-${i}`
        expect((await studio.call("POST", "/api/workflows/both/runs", { runId })).status).toBe(202)
        await until(() => studio.call("GET", `/api/workflows/both/runs/${runId}`), (r) => r.body?.run?.status === "suspended")
        // The second answer 0–7 ms after the first: over the runs, it lands before, during and after the resume
        // the first one starts (a stress of timing, not a wait for anything).
        const answers = await Promise.all(["x", "y"].map(async (request, k) => {
          if (k === 1) await new Promise((resolve) => setTimeout(resolve, i % 8))
          return studio.call("POST", `/api/workflows/both/runs/${runId}/respond`, { request, value: { ok: true } })
        }))
        expect(answers.map((a) => a.status)).toEqual([202, 202])
        await until(() => studio.call("GET", `/api/workflows/both/runs/${runId}`), (r) => r.body?.run?.status === "completed")
      }
    } finally {
      await Effect.runPromise(Scope.close(studio.scope, Exit.void))
    }
  }, 60_000)
})
