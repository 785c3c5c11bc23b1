/**
 * The end of a run without lease or journal on Redis reads its channel and applies its retention in one
 * write. A connection cut after the server ran both must not make the run "complete" with an empty
 * channel (a read sent again after the drop would find nothing): the run fails with the ChannelError,
 * or completes with its channel.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { createServer, type Socket, connect } from "node:net"
import { Task, Workflow } from "../src/index.js"
import * as RedisChannel from "../src/RedisChannel.js"
import { throwawayServer } from "./support/redis.js"

/** A TCP proxy to Redis that, once armed, cuts the connection when the reply to a command naming `marker` comes back. */
const proxy = (target: string) =>
  Effect.acquireRelease(
    Effect.promise(() =>
      new Promise<{ url: string; arm: (marker: string) => void; cuts: () => number; close: () => Promise<void> }>((resolve) => {
        const url = new URL(target)
        let marker: string | undefined
        let cuts = 0
        const sockets = new Set<Socket>()
        const server = createServer((client) => {
          const upstream = connect(Number(url.port), url.hostname)
          sockets.add(client)
          sockets.add(upstream)
          let cutOnReply = false
          client.on("data", (chunk) => {
            if (marker !== undefined && chunk.toString("latin1").includes(marker)) {
              marker = undefined
              cutOnReply = true
            }
            upstream.write(chunk)
          })
          upstream.on("data", (chunk) => {
            if (cutOnReply) {
              cuts++
              client.destroy()
              upstream.destroy()
              return
            }
            client.write(chunk)
          })
          client.on("error", () => upstream.destroy())
          upstream.on("error", () => client.destroy())
          client.on("close", () => upstream.destroy())
          upstream.on("close", () => client.destroy())
        })
        server.listen(0, "127.0.0.1", () => {
          const address = server.address()
          const port = typeof address === "object" && address !== null ? address.port : 0
          resolve({
            url: `redis://127.0.0.1:${port}`,
            arm: (m) => {
              marker = m
            },
            cuts: () => cuts,
            close: () =>
              new Promise<void>((done) => {
                for (const s of sockets) s.destroy()
                server.close(() => done())
              })
          })
        })
      })
    ),
    (p) => Effect.promise(() => p.close())
  )

describe("a connection cut at the end of a run (Redis)", () => {
  it.live("a run's final channel survives a connection cut after the server ran its end", () =>
    Effect.gen(function*() {
      const s = yield* throwawayServer()
      const p = yield* proxy(s.url)
      const layer = RedisChannel.layer({ url: p.url, prefix: "rv:" })
      const write = Task.make("write", (ctx) => Effect.as(ctx.untyped.set("k", 1), "done"))
      const arm = Task.make("arm", { after: [write] }, () =>
        Effect.sync(() => {
          // The run's end is the first command that names the run's lease key (DROP / EXPIRE of the retention).
          p.arm("lease:")
          return "armed"
        }))
      const out = yield* Effect.result(Workflow.run(Workflow.make("w", Workflow.chain(write, arm)), { retention: "delete" }).pipe(
        Effect.provide(layer)
      ))
      const seen = out._tag === "Success" ? { channel: out.success.channel } : { failed: String(out.failure) }
      // What must not happen: a run that "completed" with an empty channel.
      assert.strictEqual(p.cuts(), 1)
      if ("channel" in seen) assert.deepStrictEqual(seen.channel, { k: 1 })
      else assert.include(seen.failed, "ChannelError")
    }), 30_000)
})
