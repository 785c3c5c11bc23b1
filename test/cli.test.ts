import { execFile } from "node:child_process"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { describe, expect, it } from "vitest"
import { main } from "../src/cli.js"
import { Effect } from "effect"
import { Task, Workflow } from "../src/index.js"
import { pipeline } from "./fixtures/graph-workflow.js"
import { exited, lineOf, startScript, stopAll } from "./support/processes.js"

const fixture = fileURLToPath(new URL("./fixtures/graph-workflow.ts", import.meta.url))

describe("Workflow.toMermaid", () => {
  it("draws tasks, sequences, parallel groups with their policy, and jumps", () => {
    expect(Workflow.toMermaid(pipeline)).toBe(
      [
        "flowchart TD",
        "  %% workflow pipeline",
        "  t0[\"fetch\"]",
        "  t1[\"validate\"]",
        "  t0 --> t1",
        "  subgraph g0[\"enrich · best-effort\"]",
        "    direction LR",
        "    t2[\"a\"]",
        "    t3[\"b\"]",
        "  end",
        "  t1 --> t2",
        "  t1 --> t3",
        "  t4[\"report\"]",
        "  t2 --> t4",
        "  t3 --> t4",
        "  t1 -. goto .-> t4"
      ].join("\n")
    )
  })
})

describe("Workflow.toMermaid draws what tasks may do at run time", () => {
  it("a task's loop, the tasks it may add and the tools it may call, each on a dashed edge", () => {
    const extra = Task.make("extra", () => 1)
    const weather = Task.template({ name: "weather" }, (_ctx, city: string) => city.length)
    const agent = Task.make("agent", { adds: [extra, weather], input: { round: 0 }, maxCycles: 3 }, (ctx, state) =>
      state.round < 2 ? Effect.as(ctx.nextIteration({ round: state.round + 1 }), state.round) : Effect.succeed(state.round))
    const chart = Workflow.toMermaid(Workflow.make("agentic", Workflow.chain(Task.make("plain", () => 0), agent)))
    expect(chart.split("\n")).toEqual([
      "flowchart TD",
      "  %% workflow agentic",
      "  t0[\"plain\"]",
      "  t1[\"agent\"]",
      "  t0 --> t1",
      "  t1 -. next iteration .-> t1",
      "  a0([\"extra\"])",
      "  t1 -. adds .-> a0",
      "  a1([\"weather · tool\"])",
      "  t1 -. calls .-> a1"
    ])
  })
})

describe("Workflow.toMermaid escapes what it draws", () => {
  it("a line break, a quote or markup in a workflow or task name never starts a Mermaid statement", () => {
    const hostile = "x\"]\nclick t0 href \"javascript:alert(1)\"\n%% <b>&#"
    const chart = Workflow.toMermaid(
      Workflow.make(hostile, Workflow.chain(Task.make(hostile, () => 1), Workflow.parallelWith({ policy: "best-effort", name: hostile }, Task.make("b", () => 2))))
    )
    const statement = /^(flowchart TD|  %% workflow [^\n]*|\s*t\d+\["[^"\n<>&`]*"\]|\s*t\d+ --> t\d+|\s*subgraph g\d+\["[^"\n<>&`]*"\]|\s*direction LR|\s*end)$/
    for (const line of chart.split("\n")) expect(line).toMatch(statement)
    expect(chart).not.toMatch(/^\s*click/m)
    expect(chart).toContain(`t0["x#34;]#10;click t0 href #34;javascript:alert(1)#34;#10;%% #60;b#62;#38;#35;"]`)
  })
})

describe("effect-graflow graph", () => {
  it("prints the chart of every workflow a module exports", async () => {
    const outcome = await main(["graph", fixture])
    expect(outcome.code).toBe(0)
    expect(outcome.stdout).toContain("%% workflow pipeline")
    expect(outcome.stdout).toContain("%% workflow single")
  })

  it("prints only the one named with --export", async () => {
    const outcome = await main(["graph", fixture, "--export", "single"])
    expect(outcome.code).toBe(0)
    expect(outcome.stdout).not.toContain("pipeline")
  })

  it("fails clearly on a missing module, a module without workflows, and bad arguments", async () => {
    expect(await main(["graph", "nope.ts"])).toMatchObject({ code: 1, stderr: expect.stringContaining("no such module") })
    expect(await main(["graph", fixture, "--export", "notAWorkflow"])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("no workflow named \"notAWorkflow\"")
    })
    const unknown = await main(["draw"])
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining('Unknown subcommand "draw"') })
    // The help shown for a mistake goes to stderr: stdout (a chart's file, say) gets nothing.
    expect(unknown.stdout).toBe("")
    expect(unknown.stderr).toContain("effect-graflow <subcommand>")
    expect(await main(["graph"])).toMatchObject({ code: 2, stderr: expect.stringContaining("Missing required argument: module") })
    expect(await main(["graph", fixture, "--bogus", "1"])).toMatchObject({ code: 2, stderr: expect.stringContaining("Unrecognized flag: --bogus") })
    expect(await main(["worker", fixture, "--redis", "redis://127.0.0.1:1", "--concurrency", "many"])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('Invalid value for flag --concurrency: "many"')
    })
  })

  it("worker: the runs' Redis is --redis or --cluster, one of them", async () => {
    const oneOf = "worker: give the runs' Redis: --redis <url>, or --cluster <url>[,<url>…] (one of them)"
    expect(await main(["worker", fixture])).toMatchObject({ code: 2, stderr: expect.stringContaining(oneOf) })
    expect(await main(["worker", fixture, "--redis", "redis://127.0.0.1:1", "--cluster", "redis://127.0.0.1:2"])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(oneOf)
    })
    // Seeds split where a URL starts: a comma in a password stays in it, and never shows.
    const comma = await main(["worker", fixture, "--cluster", "redis://:s3cr,etpass@127.0.0.1:1,redis://127.0.0.1:2"])
    expect(comma.code).toBe(1)
    expect(comma.stderr).toContain("redis://:***@127.0.0.1:1")
    expect(comma.stderr).not.toMatch(/s3cr|etpass/)
    expect(await main(["worker", fixture, "--cluster", " , "])).toMatchObject({
      code: 2,
      stderr: "worker: --cluster needs at least one seed node URL"
    })
  })

  it("--help and --version answer, with exit code 0; each command has its help", async () => {
    for (const flag of ["--help", "-h"]) {
      const outcome = await main([flag])
      expect(outcome).toMatchObject({ code: 0, stderr: "" })
      expect(outcome.stdout).toContain("effect-graflow <subcommand>")
      for (const command of ["graph", "worker", "studio"]) expect(outcome.stdout).toMatch(new RegExp(`^  ${command} `, "m"))
      expect(outcome.stdout).toContain("--version")
    }
    expect((await main(["--help"])).stdout).not.toContain("--wizard") // it would ask questions; the command asks none
    const studio = await main(["studio", "--help"])
    expect(studio).toMatchObject({ code: 0, stderr: "" })
    for (const flag of ["--redis", "--cluster", "--port", "--host", "--prefix"]) expect(studio.stdout).toContain(flag)
    const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
    for (const flag of ["--version", "-v"]) expect(await main([flag])).toEqual({ code: 0, stdout: `effect-graflow v${version}\n`, stderr: "" })
  })

  it("runs as a command", async () => {
    const cli = fileURLToPath(new URL("../src/cli.ts", import.meta.url))
    const { stdout } = await promisify(execFile)("npx", ["tsx", cli, "graph", fixture, "--export", "single"])
    expect(stdout).toContain("t0[\"only\"]")
  }, 30_000)
})

describe("effect-graflow studio", () => {
  const cli = fileURLToPath(new URL("../src/cli.ts", import.meta.url))
  const studioModule = fileURLToPath(new URL("./fixtures/studio-workflows.ts", import.meta.url))

  it("prints the studio's URL, serves the module's workflows to whoever has the token, and stops on SIGTERM", async () => {
    const child = startScript(cli, ["studio", studioModule, "--port", "0"])
    try {
      const line = await lineOf(child, (text) => text.startsWith("effect-graflow studio: http://"))
      const url = new URL(line.slice("effect-graflow studio: ".length))
      expect(url.hostname).toBe("127.0.0.1")
      const token = url.searchParams.get("token") ?? ""
      expect(token.length).toBeGreaterThanOrEqual(32)
      expect((await fetch(`${url.origin}/api/workflows`)).status).toBe(401)
      const catalog = await (await fetch(`${url.origin}/api/workflows`, { headers: { authorization: `Bearer ${token}` } })).json() as {
        readonly backend: string
        readonly workflows: ReadonlyArray<{ readonly name: string }>
      }
      expect(catalog.backend).toContain("memory")
      expect(catalog.workflows.map((w) => w.name)).toEqual(["etl", "prices", "shop"]) // a module namespace lists its exports by name
      const page = await fetch(url)
      expect(page.headers.get("content-security-policy")).toContain("default-src 'none'")
      child.kill("SIGTERM")
      expect(await exited(child)).toBe(0)
    } finally {
      await stopAll([child])
    }
  }, 30_000)

  it("refuses a module without workflows, a port out of range, and --redis with --cluster, in words", async () => {
    expect(await main(["studio", fixture.replace("graph-workflow", "nothing-here")])).toMatchObject({ code: 1, stderr: expect.stringContaining("no such module") })
    expect(await main(["studio", studioModule, "--port", "70000"])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("the port must be a whole number from 0 to 65535, not 70000")
    })
    expect(await main(["studio", studioModule, "--redis", "redis://127.0.0.1:1", "--cluster", "redis://127.0.0.1:2"])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("studio: give the runs' Redis")
    })
  })
})
