/** ctx.getResult("x") has x's result type: its Effect's success type, or its return value. */
import { Effect, Option, Schema } from "effect"
import { expectError, expectType } from "tsd"
import { type ChannelError, Task } from "effect-graflow"

const fromEffect = Task.make("fromEffect", () => Effect.succeed({ data: [1, 2, 3] }))
const fromValue = Task.make("fromValue", () => "plain")
const fromGen = Task.make("fromGen", () =>
  Effect.gen(function*() {
    yield* Effect.void
    return 42 as const
  }))
const fromVoid = Task.make("fromVoid", () => Effect.void)
const withSchema = Task.make("withSchema", { result: Schema.Date }, () => new Date(0))
const template = Task.template((_ctx, params: { readonly factor: number }) => params.factor * 2)
const instance = template("doubled", { factor: 2 })

Task.make(
  "reader",
  { after: [fromEffect, fromValue, fromGen, fromVoid, withSchema, instance] },
  (ctx) =>
    Effect.gen(function*() {
      expectType<{ data: Array<number> }>(yield* ctx.getResult("fromEffect"))
      expectType<string>(yield* ctx.getResult("fromValue"))
      expectType<42>(yield* ctx.getResult("fromGen"))
      expectType<void>(yield* ctx.getResult("fromVoid"))
      expectType<Date>(yield* ctx.getResult("withSchema"))
      expectType<number>(yield* ctx.getResult("doubled"))
      expectType<Effect.Effect<{ data: Array<number> }, ChannelError.ChannelDecodeError | ChannelError.ChannelError>>(
        ctx.getResult("fromEffect")
      )
    })
)

// Task.optional gives an Option
Task.make("optionalReader", { after: [Task.optional(fromValue)] }, (ctx) =>
  Effect.map(ctx.getResult("fromValue"), (r) => expectType<Option.Option<string>>(r)))

// the result type of a task
expectType<{ data: Array<number> }>(null! as Task.Result<typeof fromEffect>)
expectType<Date>(null! as Task.Result<typeof withSchema>)

// a result schema constrains what the body returns
expectError(Task.make("badSchema", { result: Schema.Date }, () => "not a date"))
expectError(Task.make("badSchemaEffect", { result: Schema.Number }, () => Effect.succeed("nope")))
