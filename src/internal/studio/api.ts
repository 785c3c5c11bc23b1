/**
 * The studio's JSON API, as an `HttpApi`: what the page calls and a script
 * may call too (published as OpenAPI at `/api/openapi.json`). Every endpoint
 * needs the studio's token (`Authorization: Bearer <token>`); each failure is
 * a tagged JSON body with its status and its message in words.
 *
 * @internal
 */
import { Schema } from "effect"
import { HttpApi, HttpApiEndpoint, HttpApiGroup, HttpApiMiddleware, HttpApiSchema, HttpApiSecurity, OpenApi } from "effect/http-api"
import { RecordedEvent } from "../runEvents.js"

// -- what the API says ------------------------------------------------------------------------------

const RunStatus = Schema.Literals(["running", "suspended", "completed", "terminated", "failed", "interrupted"])

/** Where a problem is: the keys and indexes from the value's root. */
const Issue = Schema.Struct({ path: Schema.Array(Schema.Union([Schema.String, Schema.Number])), message: Schema.String })

/** A JSON Schema (draft 2020-12) document. */
const JsonSchemaDocument = Schema.Record(Schema.String, Schema.Unknown)

const Described = Schema.Struct({ taskId: Schema.String, schema: JsonSchemaDocument })

export const WorkflowInfo = Schema.Struct({
  name: Schema.String,
  /** The Mermaid flowchart (`Workflow.toMermaid`). */
  mermaid: Schema.String,
  /** Each task's path → its node in the flowchart. */
  nodes: Schema.Record(Schema.String, Schema.String),
  /** The JSON Schema of the run input; `null`: the workflow takes none. */
  input: Schema.NullOr(Described),
  /** The JSON Schema of each request a task may wait for, by name. */
  requests: Schema.Record(Schema.String, Described)
})

export const Catalog = Schema.Struct({
  /** Where the runs are: `memory`, or the Redis server(s), without credentials. */
  backend: Schema.String,
  workflows: Schema.Array(WorkflowInfo)
})

export const RunSummary = Schema.Struct({
  runId: Schema.String,
  status: RunStatus,
  durable: Schema.Boolean,
  startedAt: Schema.Number,
  endedAt: Schema.NullOr(Schema.Number),
  waitingFor: Schema.Array(Schema.String)
})

export const RunsPage = Schema.Struct({
  runs: Schema.Array(RunSummary),
  /** The cursor of the next page; `null`: this is the last. */
  next: Schema.NullOr(Schema.String)
})

export const CheckpointInfo = Schema.Struct({
  id: Schema.String,
  createdAt: Schema.Number,
  metadata: Schema.Record(Schema.String, Schema.Json),
  /** The tasks that had not run yet. */
  pending: Schema.Array(Schema.String)
})

export const PendingRequest = Schema.Struct({
  name: Schema.String,
  taskId: Schema.String,
  /** `true`: the run is suspended waiting for it; `false`: the run is running, and a task may be waiting for it. */
  waiting: Schema.Boolean,
  prompt: Schema.NullOr(Schema.String),
  schema: JsonSchemaDocument
})

export const RunDetail = Schema.Struct({
  run: RunSummary,
  /** What the run recorded (`Workflow.runEvents`), oldest first. */
  events: Schema.Array(RecordedEvent),
  checkpoints: Schema.Array(CheckpointInfo),
  /** The requests the run waits for (suspended), or may (running), each with its schema. */
  requests: Schema.Array(PendingRequest)
})

export const Started = Schema.Struct({ runId: Schema.String })

// -- how it fails -------------------------------------------------------------------------------------

export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", {
  message: Schema.String
}, { httpApiStatus: 401 }) {}

/** A request that does not fit the endpoint (a parameter, the body). */
export class BadRequest extends Schema.TaggedError<BadRequest>()("BadRequest", {
  message: Schema.String,
  issues: Schema.Array(Issue)
}, { httpApiStatus: 400 }) {}

export class WorkflowNotFound extends Schema.TaggedError<WorkflowNotFound>()("WorkflowNotFound", {
  workflow: Schema.String,
  message: Schema.String
}, { httpApiStatus: 404 }) {}

export class RunNotFound extends Schema.TaggedError<RunNotFound>()("RunNotFound", {
  workflow: Schema.String,
  runId: Schema.String,
  message: Schema.String
}, { httpApiStatus: 404 }) {}

/** The input does not decode with the workflow's input schema: nothing ran. */
export class InvalidRunInput extends Schema.TaggedError<InvalidRunInput>()("InvalidRunInputError", {
  workflow: Schema.String,
  message: Schema.String,
  issues: Schema.Array(Issue)
}, { httpApiStatus: 400 }) {}

/** The response does not decode with the request's schema: nothing was sent. */
export class InvalidResponse extends Schema.TaggedError<InvalidResponse>()("InvalidResponseError", {
  workflow: Schema.String,
  runId: Schema.String,
  request: Schema.String,
  message: Schema.String,
  issues: Schema.Array(Issue)
}, { httpApiStatus: 400 }) {}

/** The run takes no response (it does not wait, or has ended): nothing was sent. */
export class RunNotWaiting extends Schema.TaggedError<RunNotWaiting>()("RunNotWaitingError", {
  workflow: Schema.String,
  runId: Schema.String,
  request: Schema.String,
  message: Schema.String
}, { httpApiStatus: 409 }) {}

/** A run id already in use (a run of that id is running or suspended). */
export class RunIdTaken extends Schema.TaggedError<RunIdTaken>()("RunIdTaken", {
  workflow: Schema.String,
  runId: Schema.String,
  message: Schema.String
}, { httpApiStatus: 409 }) {}

/** A checkpoint that is not there, cannot be read, or is of another workflow or version. */
export class CheckpointUnavailable extends Schema.TaggedError<CheckpointUnavailable>()("CheckpointUnavailable", {
  checkpoint: Schema.String,
  message: Schema.String
}, { httpApiStatus: 409 }) {}

/** The channel or the checkpoint store failed (Redis unreachable, say). */
export class BackendFailure extends Schema.TaggedError<BackendFailure>()("BackendFailure", {
  message: Schema.String
}, { httpApiStatus: 503 }) {}

// -- middleware ---------------------------------------------------------------------------------------

/** The studio's token, as a bearer token. */
export class Authorization extends HttpApiMiddleware.Service<Authorization>()("effect-graflow/studio/Authorization", {
  security: { bearer: HttpApiSecurity.bearer },
  error: Unauthorized
}) {}

/** A request that does not decode answers `BadRequest` with its issues (instead of an empty 400). */
export class DecodeFailures extends HttpApiMiddleware.Service<DecodeFailures>()("effect-graflow/studio/DecodeFailures", {
  error: BadRequest
}) {}

// -- the endpoints ------------------------------------------------------------------------------------

const workflowParam = { workflow: Schema.String }
const runParams = { workflow: Schema.String, runId: Schema.String }
const Limit = Schema.NumberFromString.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 1000 }))

export class StudioGroup extends HttpApiGroup.make("studio")
  .add(
    HttpApiEndpoint.get("catalog", "/workflows", { success: Catalog }),
    HttpApiEndpoint.get("runs", "/workflows/:workflow/runs", {
      params: workflowParam,
      query: {
        /** One status, or several separated by commas. */
        status: Schema.optionalKey(Schema.String),
        limit: Schema.optionalKey(Limit),
        cursor: Schema.optionalKey(Schema.String)
      },
      success: RunsPage,
      error: [WorkflowNotFound, BackendFailure]
    }),
    HttpApiEndpoint.get("run", "/workflows/:workflow/runs/:runId", {
      params: runParams,
      success: RunDetail,
      error: [WorkflowNotFound, RunNotFound, BackendFailure]
    }),
    HttpApiEndpoint.post("start", "/workflows/:workflow/runs", {
      params: workflowParam,
      payload: Schema.Struct({ input: Schema.optionalKey(Schema.Json), runId: Schema.optionalKey(Schema.String) }),
      success: Started.pipe(HttpApiSchema.status(202)),
      error: [WorkflowNotFound, InvalidRunInput, RunIdTaken, BackendFailure]
    }),
    HttpApiEndpoint.post("respond", "/workflows/:workflow/runs/:runId/respond", {
      params: runParams,
      payload: Schema.Struct({ request: Schema.String, value: Schema.Json }),
      success: Started.pipe(HttpApiSchema.status(202)),
      error: [WorkflowNotFound, InvalidResponse, RunNotWaiting, CheckpointUnavailable, BackendFailure]
    }),
    HttpApiEndpoint.post("resume", "/workflows/:workflow/runs/:runId/resume", {
      params: runParams,
      payload: Schema.Struct({ checkpoint: Schema.optionalKey(Schema.String) }),
      success: Started.pipe(HttpApiSchema.status(202)),
      error: [WorkflowNotFound, CheckpointUnavailable, RunIdTaken, BackendFailure]
    }),
    HttpApiEndpoint.post("fork", "/workflows/:workflow/runs/:runId/fork", {
      params: runParams,
      payload: Schema.Struct({ checkpoint: Schema.String, runId: Schema.optionalKey(Schema.String) }),
      success: Started.pipe(HttpApiSchema.status(202)),
      error: [WorkflowNotFound, CheckpointUnavailable, RunIdTaken, BackendFailure]
    }),
    HttpApiEndpoint.delete("delete", "/workflows/:workflow/runs/:runId", {
      params: runParams,
      success: Schema.Struct({ deleted: Schema.Boolean }),
      error: [WorkflowNotFound, RunIdTaken, BackendFailure]
    })
  )
  .middleware(DecodeFailures)
  .middleware(Authorization)
  .prefix("/api") {}

export class StudioApi extends HttpApi.make("effect-graflow-studio")
  .add(StudioGroup)
  .annotateMerge(OpenApi.annotations({
    title: "effect-graflow studio",
    description: "The runs of the workflows a module exports: list, inspect, start, respond, resume, fork, delete. " +
      "Live events: GET /api/events (Server-Sent Events; the token as ?token=)."
  })) {}
