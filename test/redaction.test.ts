/**
 * A run's recorded input hides what its schema keeps `Redacted`, whatever
 * the shape around it: classes, options, unions, renamed and swapped keys,
 * maps, records, a redacted struct (cases from the studio's review).
 */
import { Effect, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { MemoryChannel, Task, Workflow } from "../src/index.js"

class Creds extends Schema.Class<Creds>("Creds")({ user: Schema.String, apiKey: Schema.Redacted(Schema.String) }) {}
const R = Schema.Redacted(Schema.String)
const cases: ReadonlyArray<readonly [string, Schema.Codec<unknown, unknown>, unknown]> = [
  ["a class inside", Schema.Struct({ creds: Creds }), { creds: { user: "ada", apiKey: "SECRET-klass" } }],
  ["a class", Creds, { user: "ada", apiKey: "SECRET-klassTop" }],
  ["an Option", Schema.Struct({ key: Schema.Option(R) }), { key: { _tag: "Some", value: "SECRET-option" } }],
  ["OptionFromNullOr", Schema.Struct({ key: Schema.OptionFromNullOr(R) }), { key: "SECRET-optnull" }],
  ["a union", Schema.Struct({ auth: Schema.Union([Schema.Struct({ kind: Schema.Literal("k"), key: R }), Schema.String]) }), { auth: { kind: "k", key: "SECRET-union" } }],
  ["an array of unions", Schema.Array(Schema.Union([Schema.Struct({ key: R }), Schema.Number])), [1, { key: "SECRET-arr" }]],
  ["a renamed key", Schema.Struct({ apiKey: R, user: Schema.String }).pipe(Schema.encodeKeys({ apiKey: "api_key" })), { api_key: "SECRET-rename", user: "u" }],
  ["swapped keys", Schema.Struct({ a: R, b: Schema.String }).pipe(Schema.encodeKeys({ a: "b", b: "a" })), { b: "SECRET-swap", a: "plain" }],
  ["a redacted struct", Schema.Struct({ x: Schema.Redacted(Schema.Struct({ k: Schema.String })) }), { x: { k: "SECRET-rstruct" } }],
  ["a map", Schema.Struct({ m: Schema.ReadonlyMap(Schema.String, R) }), { m: [["a", "SECRET-map"]] }],
  ["a record", Schema.Record(Schema.String, R), { a: "SECRET-record" }]
]

describe("a run's recorded input", () => {
  for (const [name, schema, json] of cases) {
    it(`hides a Redacted value in ${name}`, () =>
      Effect.runPromise(Effect.gen(function*() {
        const flow = Workflow.make("redacted", Task.input("in", schema))
        // The input as the run takes it: decoded from the JSON a form would send.
        const input = yield* Schema.decodeUnknownEffect(Schema.toCodecJson(schema))(json)
        yield* Workflow.run(flow, { runId: "r", retention: "keep", input } as never)
        const events = yield* Workflow.runEvents(flow, "r")
        expect(events[0]?.type).toBe("RunStarted")
        expect(JSON.stringify(events)).not.toContain("SECRET")
        expect(JSON.stringify(events[0])).toContain("<redacted>")
      }).pipe(Effect.provide(MemoryChannel.layerWith({ runEvents: true })))))
  }
})
