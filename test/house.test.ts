/**
 * The house rules of src/, checked on the source: no runtime import cycles
 * between modules, `internal/` and `types/` import the public modules only as
 * types, and `types/` imports no runtime code at all.
 */
import { readdirSync, readFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const src = fileURLToPath(new URL("../src", import.meta.url))

const files = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : []
  )

interface Import {
  readonly from: string
  readonly to: string
  readonly typeOnly: boolean
}

/** The relative imports of a module, each resolved to a file of src/, and whether it brings types only. */
const importsOf = (file: string): Array<Import> => {
  const text = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "")
  const out: Array<Import> = []
  for (const match of text.matchAll(/^(?:import|export)\s+(type\s+)?([^;'"=()]*?)\s*from\s+"(\.[^"]+)"/gm)) {
    // `import type …`, or braces whose every name is marked `type`
    const names = /^\{([^}]*)\}$/.exec(match[2]!.trim())?.[1]?.split(",").map((n) => n.trim()).filter((n) => n !== "")
    const typeOnly = match[1] !== undefined || (names !== undefined && names.every((n) => n.startsWith("type ")))
    out.push({ from: file, to: resolve(dirname(file), match[3]!.replace(/\.js$/, ".ts")), typeOnly })
  }
  return out
}

const all = files(src)
const imports = all.flatMap(importsOf)
const name = (file: string) => relative(src, file)
const isPublic = (file: string) => dirname(file) === src

describe("the house", () => {
  it("every relative import names a module of src/", () => {
    const known = new Set(all)
    expect(imports.filter((i) => !known.has(i.to)).map((i) => `${name(i.from)} -> ${name(i.to)}`)).toEqual([])
  })

  it("internal/ and types/ import the public modules only as types", () => {
    const bad = imports.filter((i) => !isPublic(i.from) && isPublic(i.to) && !i.typeOnly)
    expect(bad.map((i) => `${name(i.from)} -> ${name(i.to)}`)).toEqual([])
  })

  it("types/ brings in no runtime code", () => {
    const bad = imports.filter((i) => name(i.from).startsWith("types/") && !i.typeOnly)
    expect(bad.map((i) => `${name(i.from)} -> ${name(i.to)}`)).toEqual([])
  })

  it("no runtime import cycle between the modules of src/", () => {
    const edges = new Map<string, Array<string>>()
    for (const i of imports) if (!i.typeOnly) edges.set(i.from, [...(edges.get(i.from) ?? []), i.to])
    const cycles: Array<string> = []
    const state = new Map<string, "open" | "done">()
    const stack: Array<string> = []
    const visit = (file: string) => {
      state.set(file, "open")
      stack.push(file)
      for (const next of edges.get(file) ?? []) {
        if (state.get(next) === "open") cycles.push([...stack.slice(stack.indexOf(next)), next].map(name).join(" -> "))
        else if (state.get(next) === undefined) visit(next)
      }
      stack.pop()
      state.set(file, "done")
    }
    for (const file of all) if (state.get(file) === undefined) visit(file)
    expect(cycles).toEqual([])
  })
})
