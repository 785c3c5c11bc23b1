// Runs a benchmark as plain JavaScript on Node (no loader in the measured path):
// bundles bench/<name>.ts with the library's sources, leaves dependencies external.
//   node bench/run.mjs <name>
import { build } from "esbuild"
import { spawnSync } from "node:child_process"
import { fileURLToPath, pathToFileURL } from "node:url"

const name = process.argv[2]
if (name === undefined) {
  console.error("usage: node bench/run.mjs <benchmark name>")
  process.exit(2)
}
const root = fileURLToPath(new URL("..", import.meta.url))
const outfile = `${root}.bench/${name}.mjs`
/** Bundles bench/<entry>.ts with the library's sources into `outfile`, dependencies left external. */
const bundle = (entry, outfile) =>
  build({
    entryPoints: [`${root}bench/${entry}.ts`],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    alias: {
      "effect-graflow": `${root}src/index.ts`,
      "effect-graflow/RedisChannel": `${root}src/RedisChannel.ts`,
      "effect-graflow/Distributed": `${root}src/Distributed.ts`,
      "effect-graflow/Worker": `${root}src/Worker.ts`,
      "effect-graflow/Studio": `${root}src/Studio.ts`
    },
    // The studio reads its page's files from `studio/` next to its module (../../../studio/ from
    // src/internal/studio/), which a bundle in .bench/ would miss: its import.meta.url stays its source's.
    ...(entry === "studio" ? { define: { "import.meta.url": JSON.stringify(pathToFileURL(`${root}src/internal/studio/server.ts`).href) } } : {}),
    outfile,
    logLevel: "warning"
  })
// Processes a benchmark starts run plain JavaScript too, as deployed (worker processes: bundled like the library's dist).
const extra = { distributed: ["fixtures/distributed-worker"], composition: ["fixtures/composition-worker"], cluster: ["fixtures/distributed-worker"], studio: ["fixtures/studio-producer"] }[name] ?? []
for (const entry of extra) await bundle(entry, `${root}.bench/${entry.split("/").pop()}.mjs`)
await bundle(name, outfile)
// A benchmark of several parts runs each in a fresh process.
// (`node bench/run.mjs <name> <part>` runs that part alone.)
const all = {
  engine: ["chain", "fanout", "channel", "make"],
  durable: ["memory", "redis"],
  composition: ["map", "memory", "subworkflow", "branch", "distributed"],
  floor: ["chain", "reads", "fanout", "small", "durable", "resume", "rss"],
  cluster: ["channel", "run", "distributed"],
  studio: ["events", "runs"]
}[name]
const parts = all === undefined ? [undefined] : all.includes(process.argv[3]) ? [process.argv[3]] : all
for (const part of parts) {
  const args = part === undefined ? process.argv.slice(3) : [part]
  const result = spawnSync(process.execPath, ["--expose-gc", outfile, ...args], { stdio: "inherit" })
  if (result.status !== 0) process.exit(result.status ?? 1)
}
