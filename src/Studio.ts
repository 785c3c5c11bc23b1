/**
 * The studio: a local page to see and drive the runs of workflows — each
 * workflow's graph painted live, its runs (paged, by status), a run's
 * timeline with its attempts and errors, its checkpoints with resume and
 * fork, a form for each request it waits for and one to start a run, both
 * made from the workflow's own schemas and checked by them — and the typed
 * JSON API the page uses (OpenAPI at `/api/openapi.json`).
 *
 * The command `effect-graflow studio <module> [--redis <url>]` serves one for
 * a module's workflows. Serving it needs `@effect/platform-node` and
 * `mermaid` (optional peers: `npm i -D @effect/platform-node mermaid`); the
 * rest of the library never loads them. See docs/studio.md.
 *
 * @since 0.5.0
 */
import { Effect, Schema, type Scope } from "effect"
import { randomBytes } from "node:crypto"
import { createRequire } from "node:module"
import type * as Channel from "./Channel.js"
import { Channel as ChannelService } from "./internal/channel.js"
import { make as makeOperations } from "./internal/studio/operations.js"
import { serve as serveOn } from "./internal/studio/server.js"
import { isWorkflowImpl, workflowProblem } from "./internal/workflow.js"
import type * as Workflow from "./Workflow.js"

/**
 * The options of {@link serve}: the workflows, where to listen (default
 * `127.0.0.1:4700`; port `0` takes a free one), the token that every API call
 * needs (default: 24 random bytes), what the page calls the backend, and
 * what a run started from the page keeps when it ends.
 *
 * **Example**
 *
 * ```ts
 * import { Task, Workflow } from "effect-graflow"
 * import type * as Studio from "effect-graflow/Studio"
 *
 * const options: Studio.Options = { workflows: [Workflow.make("hello", Task.make("hello", () => "world"))], port: 0 }
 * ```
 *
 * @category models
 * @since 0.5.0
 */
export interface Options {
  readonly workflows: ReadonlyArray<Workflow.Any>
  /** The interface to listen on (default `127.0.0.1`: this machine only). */
  readonly host?: string | undefined
  /** The port (default 4700; `0`: any free port, read back from {@link Served}). */
  readonly port?: number | undefined
  /** The token the page and every API call must give (default: a random one). */
  readonly token?: string | undefined
  /** What the page says the runs are on (default: the channel backend's name); never a credential. */
  readonly backend?: string | undefined
  /** What a run started from the page keeps when it ends (default: the backend's). */
  readonly retention?: Channel.Retention | undefined
}

/**
 * A studio being served: the URL to open (with the token), where it listens,
 * and the token (for a script: `Authorization: Bearer <token>`).
 *
 * **Example**
 *
 * ```ts
 * import type * as Studio from "effect-graflow/Studio"
 *
 * const open = (served: Studio.Served) => console.log(`effect-graflow studio: ${served.url}`)
 * ```
 *
 * @category models
 * @since 0.5.0
 */
export interface Served {
  readonly url: string
  readonly origin: string
  readonly token: string
}

/**
 * Why the studio could not be served: a dependency to install (named, with
 * the command), options it cannot use, or a port it cannot listen on.
 *
 * **Example**
 *
 * ```ts
 * import type * as Studio from "effect-graflow/Studio"
 *
 * const say = (error: Studio.StudioError) => `${error.reason}: ${error.message}`
 * ```
 *
 * @category errors
 * @since 0.5.0
 */
export class StudioError extends Schema.TaggedError<StudioError>()("StudioError", {
  reason: Schema.Literals(["MissingDependency", "InvalidOptions", "CannotListen"]),
  message: Schema.String
}) {}

const optionalPeer = async <A>(name: string, load: () => Promise<A>): Promise<A> => {
  try {
    return await load()
  } catch (error) {
    const code = typeof error === "object" && error !== null ? Reflect.get(error, "code") : undefined
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      throw new StudioError({
        reason: "MissingDependency",
        message: `the studio needs ${name}, which is not installed: npm i -D @effect/platform-node mermaid`
      })
    }
    throw error
  }
}

/** The Mermaid bundle the page loads (an optional peer, resolved from here: the user's install). */
const mermaidBundle = (): string => {
  try {
    return createRequire(import.meta.url).resolve("mermaid/dist/mermaid.min.js")
  } catch {
    throw new StudioError({ reason: "MissingDependency", message: "the studio needs mermaid, which is not installed: npm i -D @effect/platform-node mermaid" })
  }
}

/**
 * Serves the studio for the given workflows on the provided channel (and
 * checkpoint store), in the scope: the page at `/`, the JSON API under
 * `/api`, live events at `/api/events`. Runs started from the page run in
 * this process, in the scope, with the services in context (provide what the
 * workflows' tasks need around it); what they and every other process on the
 * same backend record appears live — give the backends `runEvents: true`.
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { MemoryChannel, Task, Workflow } from "effect-graflow"
 * import * as Studio from "effect-graflow/Studio"
 *
 * const hello = Workflow.make("hello", Task.make("hello", () => "world"))
 * const main = Effect.gen(function*() {
 *   const served = yield* Studio.serve({ workflows: [hello] })
 *   yield* Effect.log(`open ${served.url}`)
 *   return yield* Effect.never
 * }).pipe(Effect.scoped, Effect.provide(MemoryChannel.layerWith({ runEvents: true })))
 * ```
 *
 * @category serving
 * @since 0.5.0
 */
export const serve = (options: Options): Effect.Effect<Served, StudioError, Channel.Channel | Scope.Scope> =>
  Effect.gen(function*() {
    const workflows = []
    for (const [i, workflow] of options.workflows.entries()) {
      const problem = workflowProblem(`Studio.serve: workflows[${i}]`, workflow)
      if (problem !== undefined || !isWorkflowImpl(workflow)) return yield* new StudioError({ reason: "InvalidOptions", message: problem ?? "not a workflow" })
      workflows.push(workflow)
    }
    const names = new Set<string>()
    for (const w of workflows) {
      if (names.has(w.name)) {
        return yield* new StudioError({ reason: "InvalidOptions", message: `two workflows are named ${JSON.stringify(w.name)}: a studio shows each name once` })
      }
      names.add(w.name)
    }
    const port = options.port ?? 4700
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      return yield* new StudioError({ reason: "InvalidOptions", message: `the port must be a whole number from 0 to 65535, not ${port}` })
    }
    const host = options.host ?? "127.0.0.1"
    const token = options.token ?? randomBytes(24).toString("base64url")
    if (token.length < 16) {
      return yield* new StudioError({
        reason: "InvalidOptions",
        message: "the token must have at least 16 characters (leave it out for a random one): every API call is checked against it"
      })
    }
    const [{ NodeHttpServer }, { createServer }] = yield* Effect.tryPromise({
      try: () => Promise.all([optionalPeer("@effect/platform-node", () => import("@effect/platform-node")), import("node:http")]),
      catch: (error) => error instanceof StudioError ? error : new StudioError({ reason: "MissingDependency", message: String(error) })
    })
    const mermaid = yield* Effect.try({
      try: mermaidBundle,
      catch: (error) => error instanceof StudioError ? error : new StudioError({ reason: "MissingDependency", message: "mermaid cannot be found" })
    })
    const backend = yield* ChannelService
    const context = yield* Effect.context<never>()
    const scope = yield* Effect.scope
    const operations = makeOperations({
      workflows,
      backend: options.backend ?? backend.name,
      context,
      scope,
      retention: options.retention
    })
    const address = yield* serveOn({
      host,
      port,
      token,
      mermaid,
      operations,
      backend,
      listen: (at) => NodeHttpServer.layer(createServer, { ...at, gracefulShutdownTimeout: "2 seconds" })
    }).pipe(Effect.mapError((error) =>
      new StudioError({
        reason: "CannotListen",
        message: `the studio cannot listen on ${host}:${port}: ${error instanceof Error ? error.message : "the server did not start"}`
      })
    ))
    const shownHost = host.includes(":") ? `[${host}]` : host
    const origin = address._tag === "UnixPathAddress" ? `http://${host}` : `http://${shownHost}:${address.port}`
    return { url: `${origin}/?token=${encodeURIComponent(token)}`, origin, token }
  })
