/**
 * What tests that run real processes share: a TypeScript script started with
 * `node --import tsx` (its stderr kept for messages), the first stdout line
 * that matches, its exit, and stopping the ones still running.
 */
import { type ChildProcess, spawn } from "node:child_process"

/** What each child wrote to stderr (drained, so that a full pipe never blocks it). */
const stderrOf = new WeakMap<ChildProcess, { text: string }>()

/** Starts `script` (TypeScript) with `args` under `node --import tsx`; `env` is added to this process's. */
export const startScript = (
  script: string,
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string>> = {}
): ChildProcess => {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env }
  })
  const errors = { text: "" }
  stderrOf.set(child, errors)
  child.stderr?.on("data", (chunk: Buffer) => {
    errors.text += chunk.toString()
  })
  return child
}

/** What the child wrote to stderr so far. */
export const stderr = (child: ChildProcess): string => stderrOf.get(child)?.text ?? ""

/** Resolves with the child's first stdout line that satisfies `match`; rejects if it exits first. */
export const lineOf = (child: ChildProcess, match: (line: string) => boolean): Promise<string> =>
  new Promise((resolve, reject) => {
    let buffer = ""
    child.stdout?.on("data", (chunk: Buffer) => {
      buffer += chunk.toString()
      for (const line of buffer.split("\n")) if (match(line)) resolve(line)
    })
    child.once("exit", (code, signal) => reject(new Error(`child exited (${code ?? signal}) before the line: ${stderr(child)}`)))
  })

/** Resolves with the child's exit code (`null` when a signal ended it). */
export const exited = (child: ChildProcess): Promise<number | null> =>
  new Promise((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once("exit", (code) => resolve(code))
  )

/** Kills (SIGKILL) the children still running and waits for every one to exit. */
export const stopAll = async (children: ReadonlyArray<ChildProcess>): Promise<void> => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
  await Promise.all(children.map(exited))
}
