/** Workflow.jsonSchemas: `requests` has exactly the names the workflow's tasks wait for. */
import { type JsonSchema, Schema } from "effect"
import { expectError, expectType } from "tsd"
import { Task, Workflow } from "effect-graflow"

const approve = Task.make("approve", { awaits: { approval: Schema.Boolean, budget: Schema.Int } }, (ctx) => ctx.waitFor("approval"))
const flow = Workflow.make("flow", approve)
const schemas = Workflow.jsonSchemas(flow)
expectType<Workflow.JsonSchemaOf>(schemas.requests.approval)
expectType<JsonSchema.JsonSchema>(schemas.requests.budget.schema)
expectType<Workflow.JsonSchemaOf | undefined>(schemas.input)
expectError(schemas.requests.nope)
// a workflow that waits for nothing has no request to name
expectError(Workflow.jsonSchemas(Workflow.make("plain", Task.make("a", () => 1))).requests.approval)
