/**
 * The studio's server: the JSON API (`api.ts`, handled by `operations.ts`),
 * the live feed of run events as Server-Sent Events, and the page and its
 * assets, on Effect's HTTP stack served by `@effect/platform-node`.
 *
 * @internal
 */
import { Context, Deferred, Effect, Layer, PubSub, Redacted, SchemaIssue, type Scope, Stream } from "effect"
import type { FileSystem, Path } from "effect"
import { type Etag, type HttpPlatform, HttpRouter, HttpServer, type HttpServerRequest, HttpServerResponse } from "effect/http"
import { HttpApiBuilder, HttpApiError } from "effect/http-api"
import { timingSafeEqual } from "node:crypto"
import { readFile } from "node:fs/promises"
import type { unhandled } from "effect/Types"
import type { ChannelBackend } from "../../ChannelBackend.js"
import { watchRuns, type RunEventSeen } from "../runEvents.js"
import { Authorization, BadRequest, DecodeFailures, StudioApi, Unauthorized } from "./api.js"
import type { Operations } from "./operations.js"

/** Where the page's files are: `studio/` at the package's root (next to `src/` and `dist/`). */
const assetsDir = new URL("../../../studio/", import.meta.url)

/** How many live events an open page may leave unread before the oldest are dropped. */
const FEED_BUFFER = 4_096

export interface ServerOptions {
  readonly host: string
  readonly port: number
  readonly token: string
  /** The Mermaid bundle (`mermaid/dist/mermaid.min.js`) to serve, read at start. */
  readonly mermaid: string
  readonly operations: Operations
  readonly backend: ChannelBackend
  /** `NodeHttpServer.layer` from `@effect/platform-node` (loaded by the caller, an optional peer). */
  readonly listen: (options: { readonly host: string; readonly port: number }) => Layer.Layer<
    HttpServer.HttpServer | FileSystem.FileSystem | Path.Path | HttpPlatform.HttpPlatform | Etag.Generator,
    unknown
  >
}

const sameToken = (given: string, token: string): boolean => {
  if (given === "" || token === "") return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

/** The page's headers: nothing from elsewhere, no referrer (the URL carries the token), not framed. */
const pageHeaders = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "cache-control": "no-store"
}

/** Serves the studio in the scope; gives the address it listens on. */
export const serve = (options: ServerOptions): Effect.Effect<HttpServer.HttpServer["Service"]["address"], unknown, Scope.Scope> =>
  Effect.gen(function*() {
    const { operations, token } = options
    const [page, script, style, mermaid] = yield* Effect.tryPromise(() =>
      Promise.all([
        readFile(new URL("index.html", assetsDir), "utf8"),
        readFile(new URL("studio.js", assetsDir), "utf8"),
        readFile(new URL("studio.css", assetsDir), "utf8"),
        readFile(options.mermaid, "utf8")
      ])
    )

    // -- the live feed: one subscription to the backend's run events, handed to every open page --
    const feed = yield* PubSub.sliding<RunEventSeen>(FEED_BUFFER)
    const events = yield* watchRuns(options.backend, undefined)
    yield* Effect.forkScoped(Stream.runForEach(events, (seen) => PubSub.publish(feed, seen)))
    /** Set when the studio stops, before the server closes: open feeds end (a server waits for open responses otherwise). */
    const stopping = yield* Deferred.make<void>()

    const authorization = Layer.succeed(Authorization, Authorization.of({
      bearer: (effect, { credential }) =>
        sameToken(Redacted.value(credential), token)
          ? effect
          : Effect.fail(new Unauthorized({ message: "the studio's token is missing or wrong: open the URL the studio printed" }))
    }))
    const decodeFailures = Layer.succeed(DecodeFailures, DecodeFailures.of((effect) =>
      Effect.catch(effect, (error): Effect.Effect<never, unhandled | BadRequest> => {
        if (!HttpApiError.HttpApiSchemaError.is(error)) return Effect.fail(error)
        const issues = formatter(error.cause.issue).issues.map((issue) => ({
          path: [error.kind.toLowerCase(), ...(issue.path ?? []).map((p) => typeof p === "object" ? String(p.key) : typeof p === "number" ? p : String(p))],
          message: issue.message
        }))
        return Effect.fail(new BadRequest({ message: `the request's ${error.kind.toLowerCase()} is not valid`, issues }))
      })))

    const handlers = HttpApiBuilder.group(StudioApi, "studio", (h) =>
      h.handle("catalog", () => operations.catalog)
        .handle("runs", ({ params, query }) => operations.runs(params.workflow, query))
        .handle("run", ({ params }) => operations.run(params.workflow, params.runId))
        .handle("start", ({ params, payload }) => operations.start(params.workflow, payload))
        .handle("respond", ({ params, payload }) => operations.respond(params.workflow, params.runId, payload))
        .handle("resume", ({ params, payload }) => operations.resume(params.workflow, params.runId, payload))
        .handle("fork", ({ params, payload }) => operations.fork(params.workflow, params.runId, payload))
        .handle("delete", ({ params }) => operations.delete(params.workflow, params.runId)))

    const api = HttpApiBuilder.layer(StudioApi, { openapiPath: "/api/openapi.json" }).pipe(
      Layer.provide(handlers),
      Layer.provide([authorization, decodeFailures])
    )

    const asset = (body: string, contentType: string) =>
      Effect.succeed(HttpServerResponse.text(body, { contentType, headers: { "cache-control": "no-cache", "x-content-type-options": "nosniff" } }))
    const encoder = new TextEncoder()
    const liveFeed = HttpRouter.add("GET", "/api/events", (request: HttpServerRequest.HttpServerRequest) =>
      Effect.gen(function*() {
        const header = request.headers["authorization"]
        const given = header !== undefined && header.startsWith("Bearer ")
          ? header.slice(7)
          : new URL(request.url, "http://studio").searchParams.get("token") ?? ""
        if (!sameToken(given, token)) {
          return HttpServerResponse.jsonUnsafe(
            { _tag: "Unauthorized", message: "the studio's token is missing or wrong: open the URL the studio printed" },
            { status: 401 }
          )
        }
        // Subscribed before the response starts: what is recorded from now on reaches this page.
        const subscription = yield* PubSub.subscribe(feed)
        const messages = Stream.fromSubscription(subscription).pipe(
          Stream.map((seen) => `data: ${JSON.stringify({ workflow: seen.workflow, runId: seen.runId, event: seen.event })}\n\n`)
        )
        const heartbeat = Stream.tick("15 seconds").pipe(Stream.map(() => ": still here\n\n"))
        const body = Stream.concat(Stream.succeed(": live\n\n"), Stream.merge(messages, heartbeat)).pipe(
          Stream.map((text) => encoder.encode(text)),
          Stream.interruptWhen(Deferred.await(stopping))
        )
        return HttpServerResponse.stream(body, {
          contentType: "text/event-stream",
          headers: { "cache-control": "no-cache", "x-accel-buffering": "no" }
        })
      }))

    const pageRoutes = Layer.mergeAll(
      HttpRouter.add("GET", "/", Effect.succeed(HttpServerResponse.text(page, { contentType: "text/html; charset=utf-8", headers: pageHeaders }))),
      HttpRouter.add("GET", "/assets/studio.js", asset(script, "text/javascript; charset=utf-8")),
      HttpRouter.add("GET", "/assets/studio.css", asset(style, "text/css; charset=utf-8")),
      HttpRouter.add("GET", "/assets/mermaid.min.js", asset(mermaid, "text/javascript; charset=utf-8")),
      HttpRouter.add("GET", "/favicon.ico", Effect.succeed(HttpServerResponse.empty({ status: 204 }))),
      liveFeed
    )

    const app = HttpRouter.serve(Layer.mergeAll(api, pageRoutes), { disableListenLog: true, disableLogger: true }).pipe(
      Layer.provideMerge(options.listen({ host: options.host, port: options.port }))
    )
    const context = yield* Layer.build(app)
    // Added after the server: finalizers run last-added first, so the feeds end before the server waits for them.
    yield* Effect.addFinalizer(() => Deferred.succeed(stopping, undefined))
    return Context.get(context, HttpServer.HttpServer).address
  })
