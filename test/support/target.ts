/**
 * Where a test's Redis is, as one string a child process can take as an
 * argument: a URL, or `cluster:<url>,<url>,…` for the seed nodes of a Redis
 * Cluster. Fixtures read it with {@link targetOf} and count things with
 * {@link clientOf}.
 */
import { Cluster, Redis } from "ioredis"
import { bullConnectionOf } from "../../src/internal/redis/connection.js"

/** The string for a cluster's seed nodes. */
export const clusterArg = (urls: ReadonlyArray<string>): string => `cluster:${urls.join(",")}`

/** A URL, or a cluster's seed nodes, as the library's options take it. */
export const targetOf = (arg: string): string | { readonly cluster: ReadonlyArray<string> } =>
  arg.startsWith("cluster:") ? { cluster: arg.slice("cluster:".length).split(",") } : arg

/** A plain client (standalone or Cluster) for what a test or fixture reads and counts. */
export const clientOf = (arg: string): Redis | Cluster => {
  const target = targetOf(arg)
  return typeof target === "string"
    ? new Redis(target)
    : new Cluster(target.cluster.map((url) => {
      const { hostname, port } = new URL(url)
      return { host: hostname, port: Number(port) }
    }))
}

/** The channel's options for a target (`url` or `cluster`). */
export const channelTarget = (arg: string): { readonly url: string } | { readonly cluster: ReadonlyArray<string> } => {
  const target = targetOf(arg)
  return typeof target === "string" ? { url: target } : { cluster: target.cluster }
}

const opened: Array<() => void> = []

/**
 * BullMQ's connection to a target, as the library makes it (options for a
 * URL; a lazily connected Cluster for a cluster's seed nodes, released by
 * {@link releaseBullConnections}).
 */
export const bullConnectionFor = (arg: string) => {
  const { connection, release } = bullConnectionOf(targetOf(arg))
  opened.push(release)
  return connection
}

/** Closes the Cluster clients {@link bullConnectionFor} made. */
export const releaseBullConnections = (): void => {
  for (const release of opened.splice(0)) release()
}

/** The keys matching a glob on every primary (KEYS on a Cluster asks one node). */
export const keysEverywhere = async (client: Redis | Cluster, match: string): Promise<Array<string>> => {
  if (client instanceof Cluster && client.status !== "ready") await client.ping() // its nodes are known once ready
  const nodes = client instanceof Cluster ? client.nodes("master") : [client]
  return (await Promise.all(nodes.map((node) => node.keys(match)))).flat()
}
