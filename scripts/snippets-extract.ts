/**
 * Extracts the TypeScript examples of the documentation — the ```ts blocks of
 * README.md and docs/*.md, and of the JSDoc in src/ (internal modules aside) —
 * into type-tests/snippets/, one module per example, so that `tsd` type-checks
 * every one against the built package. Examples that import by relative path
 * (the internal machinery of src/types/) are left to type-tests/types/. Run before `tsd` (npm run test:types).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const out = join(root, "type-tests", "snippets")

const files = (dir: string, extension: string, skip: ReadonlyArray<string> = []): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return skip.includes(entry.name) ? [] : files(path, extension, skip)
    return entry.name.endsWith(extension) ? [path] : []
  })

const blocks = (text: string): Array<string> =>
  [...text.matchAll(/```ts[^\n]*\n([\s\S]*?)```/g)].map((match) => match[1] ?? "")

/** An example of the package's internals (src/types/ imports its neighbours by relative path): type-tests/types/ checks those. */
const internal = (code: string): boolean => /from "\.\.?\//.test(code)

rmSync(out, { recursive: true, force: true })
rmSync(join(root, "type-tests", "jsdoc"), { recursive: true, force: true })
mkdirSync(out, { recursive: true })
let count = 0
const write = (origin: string, code: string) => {
  count++
  const name = `${origin.replace(/[/\\.]/g, "_")}-${count}.ts`
  writeFileSync(join(out, name), `// extracted from ${origin}: do not edit\n${code}\nexport {}\n`)
}

for (const file of [join(root, "README.md"), ...files(join(root, "docs"), ".md")]) {
  for (const code of blocks(readFileSync(file, "utf8"))) write(relative(root, file), code)
}
for (const file of files(join(root, "src"), ".ts", ["internal"])) {
  for (const comment of readFileSync(file, "utf8").matchAll(/\/\*\*([\s\S]*?)\*\//g)) {
    const body = (comment[1] ?? "").split("\n").map((line) => line.replace(/^\s*\* ?/, "")).join("\n")
    for (const code of blocks(body)) if (!internal(code)) write(relative(root, file), code)
  }
}
console.log(`snippets-extract: ${count} examples into ${relative(root, out)}/`)
