/** Shared helpers of the benchmarks: the machine, medians, tables. */
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
