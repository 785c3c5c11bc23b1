/**
 * The JSON Schemas of what enters a workflow from outside: its run input
 * (the `Task.input` task's schema) and the response to each request its
 * tasks may wait for (`awaits`), made from their Effect Schemas — what a form
 * or another language's client needs to send a value the workflow accepts.
 *
 * @internal
 */
import { JsonSchema, Schema } from "effect"
import type { ValueSchema } from "../Channel.js"
import type { Plan } from "./plan.js"

/** A JSON Schema (draft 2020-12) of a value the workflow decodes, and where the value goes. */
export interface Described {
  /** The task that takes it: the `Task.input` task, or the task that waits for the request. */
  readonly taskId: string
  /** A standalone schema: `$schema`, the root's keywords, and `$defs` when it has definitions. */
  readonly schema: JsonSchema.JsonSchema
}

/** The JSON Schema of a value schema's JSON form (how the workflow decodes it), standalone. */
const standalone = (schema: ValueSchema): JsonSchema.JsonSchema => {
  const document = Schema.toJsonSchemaDocument(Schema.toCodecJson(schema))
  return {
    $schema: JsonSchema.META_SCHEMA_URI_DRAFT_2020_12,
    ...document.schema,
    ...(Object.keys(document.definitions).length === 0 ? {} : { $defs: document.definitions })
  }
}

/** The input's and every request's JSON Schema (a request's schema is its response's, as the channel encodes it: its JSON form). */
export const jsonSchemasOf = (plan: Plan): {
  readonly input: Described | undefined
  readonly requests: { readonly [name: string]: Described }
} => {
  const input = plan.input
  const inputSchema = input?.declarations.runInput?.schema
  const requests: { [name: string]: Described } = {}
  for (const [name, { codec, task }] of plan.awaits) {
    if (codec.schema !== undefined) requests[name] = { taskId: task.id, schema: standalone(codec.schema) }
  }
  return {
    input: input === undefined || inputSchema === undefined
      ? undefined
      : { taskId: input.id, schema: standalone(inputSchema) },
    requests
  }
}
