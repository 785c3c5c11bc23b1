/**
 * Extracts the ```ts examples of the JSDoc in src/ (internal modules aside)
 * into type-tests/jsdoc/, one module per example, so that `tsd` type-checks
 * every example against the built package. Run before `tsd` (npm run test:types).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { basename, join, relative } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const out = join(root, "type-tests", "jsdoc")

const sources = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === "internal" ? [] : sources(path)
    return entry.name.endsWith(".ts") ? [path] : []
  })

rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })
let count = 0
for (const file of sources(join(root, "src"))) {
  const text = readFileSync(file, "utf8")
  for (const comment of text.matchAll(/\/\*\*([\s\S]*?)\*\//g)) {
    const body = (comment[1] ?? "").split("\n").map((line) => line.replace(/^\s*\* ?/, "")).join("\n")
    for (const block of body.matchAll(/```ts[^\n]*\n([\s\S]*?)```/g)) {
      count++
      const name = `${relative(join(root, "src"), file).replace(/[/\\]/g, "_").replace(/\.ts$/, "")}-${count}.ts`
      const origin = `// extracted from src/${relative(join(root, "src"), file)} (${basename(file)}): do not edit\n`
      writeFileSync(join(out, name), `${origin}${block[1]}\nexport {}\n`)
    }
  }
}
console.log(`jsdoc-extract: ${count} examples into ${relative(root, out)}/`)
