/**
 * An agent that calls tools in parallel. Each round, a stand-in for a model
 * reads the question and what the tools returned so far, and either asks for
 * tools — several at once, the same tool more than once — or answers. The
 * calls of a round run concurrently, each a task of its own (`ctx.call`), and
 * the next round reads their results, typed by the tool. The tools' errors
 * and services are the run's, because the agent declares them in `adds`; in a
 * durable run each call is journaled with its input, so a run continued after
 * a crash does not call a tool again that had answered.
 *
 *   npx tsx examples/agent-tools.ts
 */
import { Effect } from "effect"
import { Task, Workflow, type WorkflowError } from "effect-graflow"

/** How many tool calls were running at most at once (what the example shows). */
const concurrency = { running: 0, most: 0 }
const slowApi = <A>(answer: A) =>
  Effect.gen(function*() {
    concurrency.running++
    concurrency.most = Math.max(concurrency.most, concurrency.running)
    yield* Effect.sleep("30 millis") // a stand-in for a remote API's latency
    concurrency.running--
    return answer
  })

const temperatures: Record<string, number> = { Paris: 14, Tokyo: 19, Oslo: 3 }

/** Tools: templates. `name` makes the calls' ids readable (`agent.1.0.weather#2`). */
export const weather = Task.template({ name: "weather" }, (_ctx, city: string) =>
  city in temperatures ? slowApi({ city, celsius: temperatures[city] ?? 0 }) : Effect.fail({ unknownCity: city }))
export const search = Task.template({ name: "search" }, (_ctx, query: string) =>
  slowApi([`${query}: effect-graflow runs tasks as Effects`, `${query}: tools run in parallel`]))

type Call = { readonly tool: "weather"; readonly id: string; readonly input: string } | {
  readonly tool: "search"
  readonly id: string
  readonly input: string
}
interface Round {
  readonly round: number
  readonly calls: ReadonlyArray<Call>
  readonly notes: ReadonlyArray<string>
}

/** A stand-in for a model: round 1 asks for three tools at once, round 2 answers from what they returned. */
const decide = (question: string, notes: ReadonlyArray<string>) =>
  notes.length === 0
    ? { tools: [{ tool: "weather", input: "Paris" }, { tool: "weather", input: "Tokyo" }, { tool: "search", input: question }] as const }
    : { answer: `${question} — ${notes.join("; ")}` }

const question = "where is it warmer"

export const agent = Task.make(
  "agent",
  { adds: [weather, search], input: { round: 1, calls: [], notes: [] } satisfies Round as Round, maxCycles: 4 },
  (ctx, state) =>
    Effect.gen(function*() {
      // What the previous round's calls returned: the typed handle of a call is its template with the call's id.
      const observed = yield* Effect.forEach(state.calls, (call) =>
        call.tool === "weather"
          ? Effect.map(ctx.lookupResult(weather(call.id, call.input)), (w) => `${w.city} ${w.celsius}°C`)
          : Effect.map(ctx.lookupResult(search(call.id, call.input)), (hits) => hits[0] ?? "nothing found"))
      const notes = [...state.notes, ...observed]
      const decision = decide(question, notes)
      if ("answer" in decision) return decision.answer
      // Each call becomes a task of its own after this attempt; the calls of one round run at once.
      const calls = yield* Effect.forEach(decision.tools, (tool): Effect.Effect<Call, WorkflowError.InvalidNextTaskError> =>
        tool.tool === "weather"
          ? Effect.map(ctx.call(weather, tool.input), (task) => ({ tool: "weather", id: task.id, input: tool.input }))
          : Effect.map(ctx.call(search, tool.input), (task) => ({ tool: "search", id: task.id, input: tool.input })))
      yield* ctx.nextIteration({ round: state.round + 1, calls, notes })
      return `round ${state.round}: called ${calls.map((c) => c.id).join(", ")}`
    })
)

export const assistant = Workflow.make("assistant", agent)

export const program = Effect.gen(function*() {
  concurrency.most = 0
  const out = yield* Workflow.run(assistant)
  return { answer: out.results.agent, mostAtOnce: concurrency.most }
})

if (import.meta.url === `file://${process.argv[1]}`) {
  Effect.runPromise(program).then(({ answer, mostAtOnce }) => {
    console.log(answer)
    console.log(`tool calls running at once: ${mostAtOnce}`)
  })
}
