import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

export default defineConfig({
  resolve: {
    // Examples and docs import the package by name, as users do; tests run them on the sources.
    alias: [
      { find: /^effect-graflow$/, replacement: fileURLToPath(new URL("./src/index.ts", import.meta.url)) },
      { find: /^effect-graflow\/(.*)$/, replacement: fileURLToPath(new URL("./src/$1.ts", import.meta.url)) }
    ]
  },
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/redis-server.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000
  }
})
