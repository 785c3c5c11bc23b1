import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { describe, expect, it } from "vitest"
import { main } from "../src/cli.js"
import { Workflow } from "../src/index.js"
import { pipeline } from "./fixtures/graph-workflow.js"

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
    expect(await main(["draw"])).toMatchObject({ code: 2, stderr: expect.stringContaining("usage") })
  })

  it("runs as a command", async () => {
    const cli = fileURLToPath(new URL("../src/cli.ts", import.meta.url))
    const { stdout } = await promisify(execFile)("npx", ["tsx", cli, "graph", fixture, "--export", "single"])
    expect(stdout).toContain("t0[\"only\"]")
  }, 30_000)
})
