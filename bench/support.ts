/** Shared helpers of the benchmarks: timing, paired samples, the machine, medians, tables. */
import { readFileSync } from "node:fs"
import { cpus } from "node:os"

export const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** The spread of a sample: (max - min) / median, as a percentage. */
export const spread = (values: ReadonlyArray<number>): string =>
  `±${((Math.max(...values) - Math.min(...values)) / median(values) * 50).toFixed(0)}%`

const cpuModel = (): string => {
  try {
    return /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpus()[0]?.model ?? "unknown CPU"
  } catch {
    return cpus()[0]?.model ?? "unknown CPU"
  }
}

/** One line describing where the figures come from. */
export const machine = (extra?: string): string =>
  `machine: ${cpuModel()}, ${cpus().length} cores, Node ${process.version}${extra === undefined ? "" : `, ${extra}`}`

export const printTable = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): void => {
  const lines = [header, header.map(() => "---"), ...rows].map((cells) => `| ${cells.join(" | ")} |`)
  console.log(lines.join("\n"))
}

/** How long `run` takes, in ms. */
export const timed = async (run: () => Promise<unknown>): Promise<number> => {
  const started = performance.now()
  await run()
  return performance.now() - started
}

/**
 * Warms both up (at least 5 runs each and half a second), then runs them
 * alternately, `rounds` times each, so that neither gets the quieter moments.
 */
export const samplePair = async (
  a: () => Promise<number>,
  b: () => Promise<number>,
  rounds: number
): Promise<readonly [ReadonlyArray<number>, ReadonlyArray<number>]> => {
  const warmUntil = performance.now() + 500
  for (let i = 0; i < 5 || performance.now() < warmUntil; i++) {
    await a()
    await b()
  }
  const outA: Array<number> = []
  const outB: Array<number> = []
  for (let i = 0; i < rounds; i++) {
    outA.push(await a())
    outB.push(await b())
  }
  return [outA, outB]
}
