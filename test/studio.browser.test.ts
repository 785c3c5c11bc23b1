/**
 * The studio in a real browser (headless Chromium through playwright-core):
 * the page a user opens, driven as they would — the graph, a run started from
 * the start form painted live, the approval form (a wrong answer shows its
 * path and changes nothing, the right one completes the run), a failed task's
 * error and attempts, resume and fork from a checkpoint, and, on Redis, a run
 * of another process that appears without a reload.
 */
import { Effect, Exit, Layer, Option, Scope } from "effect"
import { randomUUID } from "node:crypto"
import { mkdtempSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Browser, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { type Channel, MemoryChannel, Workflow } from "../src/index.js"
import * as RedisChannel from "../src/RedisChannel.js"
import * as Studio from "../src/Studio.js"
import { launchBrowser, pageTimeout } from "./support/browser.js"
import { exited, lineOf, startScript, stopAll } from "./support/processes.js"
import { etl, shop, workflows } from "./fixtures/studio-workflows.js"

const runScript = new URL("./fixtures/studio-run.ts", import.meta.url).pathname

interface Running extends Studio.Served {
  readonly close: () => Promise<void>
  /** Reads through the studio's backend (what the page shows comes from there too). */
  readonly read: <A, E>(effect: Effect.Effect<A, E, Channel.Channel>) => Promise<A>
}

const startStudio = async (layer: Layer.Layer<Channel.Channel, unknown>): Promise<Running> => {
  const scope = Effect.runSync(Scope.make())
  const { context, served } = await Effect.runPromise(
    Effect.gen(function*() {
      const context = yield* Layer.build(layer)
      const served = yield* Studio.serve({ workflows: [...workflows], port: 0, retention: "keep" }).pipe(Effect.provide(context))
      return { context, served }
    }).pipe(Scope.provide(scope))
  )
  return {
    ...served,
    close: () => Effect.runPromise(Scope.close(scope, Exit.void)),
    read: (effect) => Effect.runPromise(Effect.provide(effect, context))
  }
}

let browser: Browser
beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
})

/** A page of the studio; fails the test on any error the page reports. */
const open = async (studio: Running, hash = ""): Promise<{ readonly page: Page; readonly errors: Array<string> }> => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
  page.setDefaultTimeout(pageTimeout)
  const errors: Array<string> = []
  page.on("pageerror", (error) => errors.push(error.message))
  page.on("console", (message) => {
    // A refused request (an answer that does not decode: 400) is the browser's note, not the page's error.
    if (message.type() === "error" && !/the server responded with a status of 4\d\d/.test(message.text())) errors.push(message.text())
  })
  await page.goto(`${studio.url}${hash}`)
  await page.locator("#live.on").waitFor()
  return { page, errors }
}

describe("the studio in a browser, on memory", () => {
  let studio: Running
  beforeAll(async () => {
    studio = await startStudio(MemoryChannel.layerWith({ runEvents: true }))
  })
  afterAll(async () => {
    await studio?.close()
  })

  it("shows each workflow's graph with a node per task; the page needs the token", async () => {
    const { page, errors } = await open(studio)
    await page.locator("nav a[data-workflow='shop'].current").waitFor()
    for (const task of ["order", "approve", "ship"]) await page.locator(`#graph g.node[data-task='${task}']`).waitFor()
    await page.locator("nav a[data-workflow='etl']").click()
    for (const task of ["extract", "transform", "load"]) await page.locator(`#graph g.node[data-task='${task}']`).waitFor()
    // A laptop's screen: nothing runs off the side.
    await page.setViewportSize({ width: 1280, height: 800 })
    expect(await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).toBe(true)
    expect(errors).toEqual([])
    // Dark, when the system says so: the page's background and the graph follow.
    const dark = await browser.newPage({ colorScheme: "dark" })
    dark.setDefaultTimeout(pageTimeout)
    await dark.goto(`${studio.url}#/etl`)
    await dark.locator("#graph g.node[data-task='load']").waitFor()
    const background = await dark.evaluate("getComputedStyle(document.body).backgroundColor")
    expect(background).toBe("rgb(20, 22, 27)")
    await dark.close()
    const anonymous = await fetch(`${studio.origin}/api/workflows`)
    expect(anonymous.status).toBe(401)
    const noToken = await browser.newPage()
    noToken.setDefaultTimeout(pageTimeout)
    await noToken.goto(studio.origin)
    await noToken.locator(".error-first", { hasText: "open the URL the studio printed" }).waitFor()
    await noToken.close()
    await page.close()
  })

  it("starts a run from the input form; it waits for approval, a wrong answer shows its path and changes nothing, the right one completes it live", async () => {
    const { page, errors } = await open(studio, "#/shop")
    // A wrong input first: the form shows the issue by its field, and nothing ran.
    const before = await studio.read(Workflow.listRuns(shop))
    await page.locator("#start input[name='[\"id\"]']").fill("order-7")
    await page.locator("#start button[type=submit]").click()
    await page.locator("#start [data-path='[\"qty\"]'] .issue", { hasText: "Missing key" }).waitFor()
    expect((await studio.read(Workflow.listRuns(shop))).runs.length).toBe(before.runs.length)

    await page.locator("#start input[name='[\"qty\"]']").fill("3")
    await page.locator("#start button[type=submit]").click()
    const detail = page.locator("#run-detail[data-status='suspended']")
    await detail.waitFor()
    const runId = await detail.getAttribute("data-run")
    expect(runId).toMatch(/^run-/)
    await page.locator("#graph g.node[data-task='order'][data-state='succeeded']").waitFor()
    await page.locator("#graph g.node[data-task='approve'][data-state='suspended']").waitFor()
    await page.locator(`#runs tr.run[data-run='${runId}'] [data-status='suspended']`).waitFor()
    await page.locator("#run-detail", { hasText: '"qty": 3' }).waitFor()

    // The request's form, with its prompt; a wrong answer (as JSON) shows the path, and the run still waits.
    const request = page.locator("[data-request='approval']")
    await request.locator("text=Ship this order?").waitFor()
    await request.locator("button", { hasText: "Edit as JSON" }).click()
    await request.locator("textarea.raw").fill('{ "ok": "yes" }')
    await request.locator("button[type=submit]").click()
    await request.locator(".issues li[data-path='ok']", { hasText: "Expected boolean" }).waitFor()
    const still = await studio.read(Workflow.getRun(shop, runId!))
    expect(Option.map(still, (r) => r.status)).toEqual(Option.some("suspended"))
    // The picture in docs/studio.md (STUDIO_SCREENSHOT=docs/studio.png writes it there).
    const screenshot = process.env["STUDIO_SCREENSHOT"] ?? join(mkdtempSync(join(tmpdir(), "studio-")), "studio.png")
    await page.screenshot({ path: screenshot })
    expect(statSync(screenshot).size).toBeGreaterThan(10_000)

    // The right answer: the run completes, the page follows it without a reload.
    await request.locator("button", { hasText: "Edit as a form" }).click()
    await request.locator("input[type=checkbox]").check()
    await request.locator("button[type=submit]").click()
    await page.locator("#run-detail[data-status='completed']").waitFor()
    await page.locator("#graph g.node[data-task='ship'][data-state='succeeded']").waitFor()
    await page.locator(`#runs tr.run[data-run='${runId}'] [data-status='completed']`).waitFor()
    expect(errors).toEqual([])
    await page.close()
  })

  it("a failed task shows its error first, and each attempt in the timeline", async () => {
    const { page, errors } = await open(studio, "#/prices")
    await page.locator("#start button[type=submit]").click()
    await page.locator("#run-detail[data-status='failed']").waitFor()
    await page.locator(".error-first", { hasText: "the upstream answered 503" }).waitFor()
    const outcomes = await page.locator("#timeline tr[data-task='fetch']").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-outcome")))
    expect(outcomes).toEqual(["retried", "retried", "failed"])
    await page.locator("#graph g.node[data-task='fetch'][data-state='failed']").waitFor()
    expect(errors).toEqual([])
    await page.close()
  })

  it("lists runs 50 at a time with older ones on demand, and by status", async () => {
    // 55 runs of prices (each fails) and etl (each completes), started through the API as a script would.
    const call = (path: string, body: unknown) =>
      fetch(`${studio.origin}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${studio.token}`, "content-type": "application/json" },
        body: JSON.stringify(body)
      })
    for (let i = 0; i < 55; i++) expect((await call("/api/workflows/etl/runs", { runId: `many-${String(i).padStart(2, "0")}` })).status).toBe(202)
    const { page, errors } = await open(studio, "#/etl")
    const rows = page.locator("#runs tr.run")
    await expect.poll(() => rows.count()).toBe(50)
    await page.locator("#more").click()
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(55)
    const ids = await page.locator("#runs tr.run").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-run")))
    expect(new Set(ids).size).toBe(ids.length) // no run twice across pages
    expect(ids).toEqual(expect.arrayContaining(["many-00", "many-54"]))
    // By status: none of etl's runs failed; every one completed.
    await page.locator("#status").selectOption("failed")
    await page.locator("#runs", { hasText: "No run yet" }).waitFor()
    await page.locator("#status").selectOption("completed")
    await expect.poll(() => rows.count()).toBe(50)
    expect(await page.locator("#runs tr.run [data-status]:not([data-status='completed'])").count()).toBe(0)
    expect(errors).toEqual([])
    await page.close()
  })

  it("resumes a run from its checkpoint, and forks one under a new run id", async () => {
    const { page, errors } = await open(studio, "#/etl")
    await page.locator("#start button[type=submit]").click()
    await page.locator("#run-detail[data-status='completed']").waitFor()
    const runId = await page.locator("#run-detail").getAttribute("data-run")
    const checkpoint = page.locator("#checkpoints tr[data-checkpoint]").first()
    await checkpoint.waitFor()

    await checkpoint.locator("button.fork").click()
    await page.waitForURL((at) => !at.hash.endsWith(`/${encodeURIComponent(runId ?? "")}`))
    // The new run's detail, completed (the page may still show the first run's for a moment after the URL changed).
    const fork = page.locator(`#run-detail[data-status='completed']:not([data-run="${runId}"])`)
    await fork.waitFor()
    const forked = await fork.getAttribute("data-run")
    expect(forked).not.toBe(runId)
    // The fork replays what the checkpoint had done and runs the rest.
    await page.locator("#graph g.node[data-task='extract'][data-state='replayed']").waitFor()
    await page.locator("#graph g.node[data-task='load'][data-state='succeeded']").waitFor()
    const forkedEvents = await studio.read(Workflow.runEvents(etl, forked!))
    expect(forkedEvents.filter((e) => e.type === "TaskStarted").map((e) => "taskId" in e ? e.taskId : "")).toEqual(["load"])

    await page.goto(`${studio.url}#/etl/${encodeURIComponent(runId!)}`)
    await page.locator("#checkpoints tr[data-checkpoint] button.resume").first().click()
    await page.locator("#timeline tr[data-outcome='replayed']").first().waitFor()
    await page.locator("#run-detail[data-status='completed']").waitFor()
    const events = await studio.read(Workflow.runEvents(etl, runId!))
    expect(events.filter((e) => e.type === "RunStarted").length).toBe(2)
    expect(errors).toEqual([])
    await page.close()
  })
})

describe("the studio in a browser, on Redis", () => {
  const url = inject("redisUrl")
  const prefix = `test:studio:${randomUUID().slice(0, 8)}:`
  let studio: Running
  beforeAll(async () => {
    studio = await startStudio(RedisChannel.layerWithCheckpoints({ url, prefix, runEvents: true }))
  })
  afterAll(async () => {
    await studio?.close()
  })

  it("a run started by another process appears without a reload, and its detail is there", async () => {
    const { page, errors } = await open(studio, "#/etl")
    await page.locator("#runs").waitFor()
    const child = startScript(runScript, [url, prefix, "from-elsewhere"])
    try {
      await lineOf(child, (line) => line === "done")
      expect(await exited(child)).toBe(0)
    } finally {
      await stopAll([child])
    }
    const row = page.locator("#runs tr.run[data-run='from-elsewhere']")
    await row.locator("[data-status='completed']").waitFor()
    await row.click()
    await page.locator("#run-detail[data-run='from-elsewhere'][data-status='completed']").waitFor()
    await page.locator("#graph g.node[data-task='load'][data-state='succeeded']").waitFor()
    expect(await page.locator("#checkpoints tr[data-checkpoint]").count()).toBe(1)
    expect(errors).toEqual([])
    await page.close()
  })
})
