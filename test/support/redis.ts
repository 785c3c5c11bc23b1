/**
 * Starts and stops throwaway redis-server processes: on a free loopback port
 * (never 6379), persistence off, in a temporary directory. Used by the test
 * setup and by the benchmarks.
 */
import { Effect } from "effect"
import { Redis } from "ioredis"
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { createConnection, createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"

export interface RedisServer {
  readonly url: string
  readonly port: number
  readonly version: string
  /** The server's process id (tests stop it with SIGSTOP to see a server that does not answer). */
  readonly pid: number
  /** Settles when the process has exited (after `stop()`, or a SIGKILL a test sent). */
  readonly exited: Promise<void>
  readonly stop: () => Promise<void>
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

/** Whether the server answers PING with PONG. */
const ping = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port })
    let reply = ""
    socket.once("error", () => resolve(false))
    socket.on("data", (chunk) => {
      reply += chunk.toString()
      if (reply.includes("\r\n")) {
        socket.end()
        // A server with a password answers NOAUTH: it is up all the same.
        resolve(reply.startsWith("+PONG") || reply.startsWith("-NOAUTH"))
      }
    })
    socket.once("connect", () => socket.write("PING\r\n"))
  })

/** Starts a throwaway server; `args` are more redis-server options (`["--requirepass", "…"]`). */
export const startRedisServer = (args: ReadonlyArray<string> = []): Promise<RedisServer> => startOn(undefined, args)

/**
 * A new server on the port of `server`, which a test killed (SIGKILL): what
 * clients see as the same server restarted (empty: there is no persistence).
 * It is stopped by its own `stop()`.
 */
export const restartOnSamePort = (server: RedisServer, args: ReadonlyArray<string> = []): Promise<RedisServer> =>
  startOn(server.port, args)

const startOn = async (givenPort: number | undefined, args: ReadonlyArray<string>): Promise<RedisServer> => {
  const probe = spawnSync("redis-server", ["--version"], { encoding: "utf8" })
  if (probe.error !== undefined) {
    throw new Error(
      "redis-server is not installed: run `bash scripts/ensure-redis.sh` (it installs Debian's redis-server), or set REDIS_URL"
    )
  }
  const version = /v=(\S+)/.exec(probe.stdout)?.[1] ?? "unknown"
  const port = givenPort ?? await freePort()
  const dir = mkdtempSync(join(tmpdir(), "effect-graflow-redis-"))
  const server: ChildProcess = spawn(
    "redis-server",
    ["--port", `${port}`, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--loglevel", "warning", ...args],
    { stdio: ["ignore", "ignore", "inherit"] }
  )
  const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()))
  const deadline = Date.now() + 10_000
  while (!(await ping(port))) {
    if (server.exitCode !== null || Date.now() > deadline) {
      server.kill("SIGKILL")
      rmSync(dir, { recursive: true, force: true })
      throw new Error(`redis-server did not start on port ${port}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    version,
    pid: server.pid ?? 0,
    exited,
    stop: async () => {
      // A process killed by a signal has no exit code, but a signal code: it cannot be signalled again.
      if (server.pid !== undefined && server.exitCode === null && server.signalCode === null) {
        process.kill(server.pid, "SIGCONT") // a stopped server handles SIGTERM only once it runs again
        process.kill(server.pid, "SIGTERM")
      }
      await exited
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

/** A throwaway server for one test (an Effect), stopped — resumed first, if a test stopped it — when the scope closes. */
export const throwawayServer = (args: ReadonlyArray<string> = []) =>
  Effect.acquireRelease(Effect.promise(() => startRedisServer(args)), (s) => Effect.promise(() => s.stop()))

/** A plain ioredis connection for looking at what the code under test wrote; closed with the scope. */
export const adminClient = (url: string) =>
  Effect.acquireRelease(
    Effect.sync(() => new Redis(url)),
    (client) => Effect.promise(() => client.quit().catch(() => "closed"))
  )

/** A throwaway Redis Cluster: primaries on free loopback ports, no replicas, persistence off. */
export interface RedisCluster {
  /** The seed URLs, one per primary. */
  readonly urls: ReadonlyArray<string>
  readonly nodes: ReadonlyArray<RedisServer>
  readonly stop: () => Promise<void>
}

/** Runs redis-cli with `args`; its output, or a rejection with what it printed. */
export const redisCli = (args: ReadonlyArray<string>): Promise<string> =>
  new Promise((resolve, reject) => {
    const child = spawn("redis-cli", [...args], { stdio: ["ignore", "pipe", "pipe"] })
    let out = ""
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString()
    })
    child.stderr.on("data", (chunk: Buffer) => {
      out += chunk.toString()
    })
    child.once("error", reject)
    child.once("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`redis-cli ${args.join(" ")} exited with ${code}:\n${out}`))))
  })

/** Whether every node reports `cluster_state:ok` and agrees on the slots. */
const clusterReady = async (nodes: ReadonlyArray<RedisServer>): Promise<boolean> => {
  for (const node of nodes) {
    const info = await redisCli(["-p", `${node.port}`, "cluster", "info"]).catch(() => "")
    if (!info.includes("cluster_state:ok") || !info.includes("cluster_slots_assigned:16384")) return false
  }
  const check = await redisCli(["--cluster", "check", `127.0.0.1:${nodes[0]!.port}`]).catch(() => "")
  return check.includes("[OK] All nodes agree about slots configuration.") && check.includes("[OK] All 16384 slots covered.")
}

/**
 * Starts a cluster of `primaries` redis-servers (`cluster-enabled yes`), joined
 * with `redis-cli --cluster create`, and waits until every node says it is ok.
 */
export const startRedisCluster = async (primaries = 3): Promise<RedisCluster> => {
  const nodes: Array<RedisServer> = []
  try {
    for (let i = 0; i < primaries; i++) {
      nodes.push(
        await startRedisServer(["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000"])
      )
    }
    await redisCli([
      "--cluster",
      "create",
      ...nodes.map((node) => `127.0.0.1:${node.port}`),
      "--cluster-replicas",
      "0",
      "--cluster-yes"
    ])
    const deadline = Date.now() + 20_000
    while (!(await clusterReady(nodes))) {
      if (Date.now() > deadline) throw new Error("the Redis Cluster did not become ready within 20 s")
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  } catch (error) {
    await Promise.all(nodes.map((node) => node.stop()))
    throw error
  }
  return {
    urls: nodes.map((node) => node.url),
    nodes,
    stop: async () => {
      await Promise.all(nodes.map((node) => node.stop()))
    }
  }
}

/** The hash slot of a Redis key (CRC16-XMODEM of its hash tag, or of the whole key, mod 16384), as Redis computes it. */
export const slotOf = (key: string): number => {
  const open = key.indexOf("{")
  const close = open === -1 ? -1 : key.indexOf("}", open + 1)
  const hashed = Buffer.from(close > open + 1 ? key.slice(open + 1, close) : key)
  let crc = 0
  for (const byte of hashed) {
    crc ^= byte << 8
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff
  }
  return crc % 16384
}

/** The id, port and lowest slot of each primary of a cluster (`CLUSTER NODES` of the node at `port`). */
export const primariesOf = async (port: number): Promise<Array<{ readonly id: string; readonly port: number; readonly slots: ReadonlyArray<readonly [number, number]> }>> => {
  const text = await redisCli(["-p", `${port}`, "cluster", "nodes"])
  return text.trim().split("\n").flatMap((line) => {
    const fields = line.split(" ")
    if (!(fields[2] ?? "").includes("master") || (fields[2] ?? "").includes("fail")) return []
    const nodePort = Number(/:(\d+)@/.exec(fields[1] ?? "")?.[1])
    const slots = fields.slice(8).flatMap((range): Array<readonly [number, number]> => {
      if (range.startsWith("[")) return [] // a slot being migrated
      const [from, to] = range.split("-").map(Number)
      return from === undefined ? [] : [[from, to ?? from] as const]
    })
    return [{ id: fields[0] ?? "", port: nodePort, slots }]
  })
}
