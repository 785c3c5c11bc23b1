/**
 * task instances with bound parameters (Graflow's
 * `fetch_data(task_id="fetch_a", source="api")`) are typed: a wrong parameter
 * type or a missing parameter does not compile.
 */
import { Effect } from "effect"
import { expectError, expectType } from "tsd"
import { Task, Workflow } from "effect-graflow"

const fetchData = Task.template((_ctx, params: { readonly source: string; readonly limit?: number }) =>
  Effect.succeed(`Data from ${params.source}`))

const fetchA = fetchData("fetch_a", { source: "api" })
const fetchB = fetchData("fetch_b", { source: "db", limit: 10 })
expectType<Task.Task<"fetch_a", string>>(fetchA)
expectType<"fetch_b">(fetchB.id)

expectError(fetchData("fetch_c", { source: 1 })) // wrong type
expectError(fetchData("fetch_d", {})) // missing parameter
expectError(fetchData("fetch_e", { source: "x", limit: "ten" })) // wrong optional type
expectError(fetchData("fetch_f")) // no parameters at all

const merge = Task.make("merge", { after: [fetchA, fetchB] }, (ctx) =>
  Effect.all([ctx.getResult("fetch_a"), ctx.getResult("fetch_b")]))
const workflow = Workflow.make("collect", Workflow.chain(Workflow.parallel(fetchA, fetchB), merge))
Effect.gen(function*() {
  const out = yield* Workflow.run(workflow)
  expectType<[string, string]>(out.results.merge)
})
