/**
 * vitest globalSetup: starts a throwaway redis-server for the test run (on a
 * free loopback port, never 6379, persistence off, its own temporary
 * directory) and stops it by its PID afterwards. With REDIS_URL set, the tests
 * use that server instead. A missing redis-server is an error, never a skip.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { createConnection, createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { TestProject } from "vitest/node"

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string
  }
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => (port === 0 || port === 6379 ? freePort().then(resolve, reject) : resolve(port)))
    })
  })

/** Resolves once the server answers PING with PONG. */
const ping = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port })
    let reply = ""
    socket.once("error", () => resolve(false))
    socket.on("data", (chunk) => {
      reply += chunk.toString()
      if (reply.includes("\r\n")) {
        socket.end()
        resolve(reply.startsWith("+PONG"))
      }
    })
    socket.once("connect", () => socket.write("PING\r\n"))
  })

export default async function setup(project: TestProject) {
  const external = process.env["REDIS_URL"]
  if (external !== undefined && external !== "") {
    project.provide("redisUrl", external)
    return
  }
  if (spawnSync("redis-server", ["--version"]).error !== undefined) {
    throw new Error(
      "redis-server is not installed: run `bash scripts/ensure-redis.sh` (it installs Debian's redis-server), or set REDIS_URL"
    )
  }
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), "effect-graflow-redis-"))
  const server: ChildProcess = spawn(
    "redis-server",
    ["--port", `${port}`, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--loglevel", "warning"],
    { stdio: ["ignore", "ignore", "inherit"] }
  )
  const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()))
  const deadline = Date.now() + 10_000
  while (!(await ping(port))) {
    if (server.exitCode !== null || Date.now() > deadline) {
      server.kill("SIGKILL")
      throw new Error(`redis-server did not start on port ${port}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  project.provide("redisUrl", `redis://127.0.0.1:${port}`)
  return async () => {
    if (server.pid !== undefined && server.exitCode === null) process.kill(server.pid, "SIGTERM")
    await exited
    rmSync(dir, { recursive: true, force: true })
  }
}
