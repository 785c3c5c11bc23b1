/**
 * BodyResult on its own: Effects, plain values, unions, `any`, `never`, Promises, results that are not JSON.
 */
import type { Effect } from "effect"
import type { BodyError, BodyServices, BodySuccess, ResultProblem } from "../../dist/types/BodyResult.js"
import { expectType } from "tsd"
import { is } from "./support.js"

interface Db {
  readonly db: true
}
expectType<number>(is<BodySuccess<number>>())
expectType<number>(is<BodySuccess<Effect.Effect<number, "e", Db>>>())
expectType<"e">(is<BodyError<Effect.Effect<number, "e", Db>>>())
expectType<Db>(is<BodyServices<Effect.Effect<number, "e", Db>>>())
expectType<never>(is<BodyError<number>>())
// a union of values and Effects: each part from its member
expectType<string | number>(is<BodySuccess<string | Effect.Effect<number, "e">>>())
expectType<"e">(is<BodyError<string | Effect.Effect<number, "e">>>())
// any: an unknown result, no errors, no services
expectType<unknown>(is<BodySuccess<any>>())
expectType<never>(is<BodyError<any>>())
expectType<never>(is<BodyServices<any>>())
// never: nothing
expectType<never>(is<BodySuccess<never>>())
// A Promise result is reported with what to do instead (by Workflow.make, where the type is known)
type PromiseWords = `task "t" returned a Promise: wrap it with Effect.tryPromise({ try: () => …, catch: (e) => … }) so that its failure is typed`
expectType<PromiseWords>(is<ResultProblem<"t", Promise<number>>>())
expectType<PromiseWords>(is<ResultProblem<"t", PromiseLike<number> | number>>())
expectType<never>(is<ResultProblem<"t", unknown>>())
// ResultProblem: never for JSON, the task and the path otherwise
expectType<never>(is<ResultProblem<"t", { n: number; tags: Array<string> }>>())
expectType<
  `the result of task "t" is not JSON: at ["at"]: a Date (use Schema.Date); give the task a \`result\` schema (result: Schema.…) to store it, or return JSON`
>(is<ResultProblem<"t", { at: Date }>>())
expectType<never>(is<ResultProblem<"t", never>>())
expectType<never>(is<ResultProblem<"t", unknown>>())
