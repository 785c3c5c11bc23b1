/**
 * vitest globalSetup: one throwaway redis-server for the whole test run,
 * stopped by its PID afterwards. With REDIS_URL set, the tests use that server
 * instead. A missing redis-server is an error, never a skip.
 */
import type { TestProject } from "vitest/node"
import { startRedisServer } from "./redis.js"

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string
  }
}

export default async function setup(project: TestProject) {
  const external = process.env["REDIS_URL"]
  if (external !== undefined && external !== "") {
    project.provide("redisUrl", external)
    return
  }
  const server = await startRedisServer()
  project.provide("redisUrl", server.url)
  return server.stop
}
