/**
 * Workflow.jsonSchemas: the JSON Schema of a run's input and of each request's
 * response, from their Effect Schemas, as standalone draft 2020-12 documents
 * describing the JSON form the workflow decodes.
 */
import { describe, expect, it } from "vitest"
import { Schema } from "effect"
import { Task, Workflow } from "../src/index.js"

class Item extends Schema.Class<Item>("Item")({ sku: Schema.String, qty: Schema.Int }) {}

describe("Workflow.jsonSchemas", () => {
  const order = Task.input("order", Schema.Struct({ id: Schema.String, items: Schema.Array(Item), at: Schema.Date }))
  const approve = Task.make("approve", {
    awaits: {
      approval: Schema.Struct({ ok: Schema.Boolean, note: Schema.optionalKey(Schema.String) }),
      budget: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 100 }))
    }
  }, (ctx) => ctx.waitFor("approval"))
  const shop = Workflow.make("shop", Workflow.chain(order, approve))

  it("the input's schema: its JSON form (a Date as a string, a class by its fields, shared as $defs)", () => {
    const { input } = Workflow.jsonSchemas(shop)
    expect(input?.taskId).toBe("order")
    expect(input?.schema).toMatchObject({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      required: ["id", "items", "at"],
      properties: { id: { type: "string" }, at: { type: "string" }, items: { type: "array", items: { $ref: "#/$defs/ItemEncoded" } } },
      $defs: { ItemEncoded: { type: "object", required: ["sku", "qty"], properties: { sku: { type: "string" }, qty: { type: "integer" } } } }
    })
  })

  it("each request's response, by name, with the task that waits for it; checks become keywords", () => {
    const { requests } = Workflow.jsonSchemas(shop)
    expect(Object.keys(requests).sort()).toEqual(["approval", "budget"])
    expect(requests.approval).toMatchObject({
      taskId: "approve",
      schema: { type: "object", required: ["ok"], properties: { ok: { type: "boolean" }, note: { type: "string" } } }
    })
    expect(requests.budget.schema).toMatchObject({ type: "integer", minimum: 0, maximum: 100 })
  })

  it("a workflow without input or requests has none", () => {
    const plain = Workflow.make("plain", Task.make("a", () => 1))
    expect(Workflow.jsonSchemas(plain)).toEqual({ input: undefined, requests: {} })
  })

  it("a value that is no workflow (past the types) is a TypeError in words", () => {
    expect(() => Workflow.jsonSchemas({} as never)).toThrow("Workflow.jsonSchemas: expects a workflow made by Workflow.make")
  })
})
