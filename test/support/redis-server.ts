/**
 * vitest globalSetup: one throwaway redis-server and one throwaway 3-primary
 * Redis Cluster for the whole test run, stopped by their PIDs afterwards.
 * With REDIS_URL (and REDIS_CLUSTER_URLS, comma-separated seed nodes) set, the
 * tests use those instead. A missing redis-server is an error, never a skip.
 */
import type { TestProject } from "vitest/node"
import { startRedisCluster, startRedisServer } from "./redis.js"

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string
    /** The seed nodes of the cluster, as `cluster:<url>,…` (see target.ts). */
    redisCluster: string
  }
}

export default async function setup(project: TestProject) {
  const stops: Array<() => Promise<void>> = []
  const external = process.env["REDIS_URL"]
  if (external !== undefined && external !== "") {
    project.provide("redisUrl", external)
  } else {
    const server = await startRedisServer()
    stops.push(server.stop)
    project.provide("redisUrl", server.url)
  }
  const externalCluster = process.env["REDIS_CLUSTER_URLS"]
  if (externalCluster !== undefined && externalCluster !== "") {
    project.provide("redisCluster", `cluster:${externalCluster}`)
  } else {
    const cluster = await startRedisCluster()
    stops.push(cluster.stop)
    project.provide("redisCluster", `cluster:${cluster.urls.join(",")}`)
  }
  return async () => {
    await Promise.all(stops.map((stop) => stop()))
  }
}
