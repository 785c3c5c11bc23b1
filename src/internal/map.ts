/**
 * Where a map runs: the items of a `Flow.map` step, one per element of the
 * list its source computed, at most `concurrency` at once; each with its
 * attempts (`attempt.ts`), journaled when the run is durable (a run continued
 * after a crash runs only the items that had not completed), then the map's
 * policy decides. What is kept per item is its result (and the error of one
 * that failed): a list of 100 000 elements costs its results, not 100 000
 * fibers or records.
 *
 * @internal
 */
import { Cause, Effect, Exit, Option } from "effect"
import { attemptsOf } from "./attempt.js"
import type { TaskContext } from "./context.js"
import { describePolicy } from "./group.js"
import { freezeParsed } from "./json.js"
import { encodeResult, readResult } from "./results.js"
import { stopsRun } from "./signal.js"
import { replayKey } from "./state.js"
import { TaskImpl } from "./task.js"
import { type MapItemOutcome, MapItemsError } from "./workflowError.js"

/** A map's way to stop its items at once (`failFast`, or an item that stops the run): the forEach interrupts the others. */
const halt: unique symbol = Symbol("effect-graflow/map/halt")

/** The copy of a map's item that runs element `index`: `{map}[{index}]`, the element its input. */
export const itemTask = (proto: TaskImpl, map: string, index: number, element: unknown): TaskImpl =>
  new TaskImpl(`${map}[${index}]`, proto.body, element, proto.declarations, index)

/** Runs a map step's items (an attempt of the step): the list of their results, or `MapItemsError` when the policy is not met. */
export const runMap = (task: TaskImpl, ctx: TaskContext): Effect.Effect<unknown, unknown, unknown> =>
  Effect.suspend(() => {
    const spec = task.declarations.map
    if (spec === undefined) return Effect.die(new Error(`task "${task.id}" is no map`))
    const state = ctx.state
    const { item } = spec
    const own = item.declarations.execution
    const timeout = own.timeout ?? state.workflow.defaults.timeout
    const retry = own.retry ?? state.workflow.defaults.retry
    const iteration = ctx.iteration
    return Effect.flatMap(readResult(state, task.id, spec.source.id), (list) => {
      if (!Array.isArray(list)) {
        // The types say it is a list; a value that is not one came past them.
        return Effect.die(new TypeError(`map "${task.id}": the result of "${spec.source.id}" is not a list`))
      }
      const n = list.length
      const values: Array<unknown> = new Array(n)
      const done = new Uint8Array(n)
      const failed: Array<MapItemOutcome<unknown>> = []
      let succeeded = 0
      /** What stops the map at once instead of its policy: a cancel, a suspension, a lost lease, a defect. */
      let abort: Cause.Cause<unknown> | undefined
      const succeed = (index: number, value: unknown) => {
        values[index] = value
        done[index] = 1
        succeeded++
      }
      const cannotSucceed = () =>
        spec.policy._tag === "Strict"
          ? failed.length > 0
          : spec.policy._tag === "AtLeast" && failed.length > n - spec.policy.n
      const one = (element: unknown, index: number): Effect.Effect<void, typeof halt, unknown> => {
        const id = `${task.id}[${index}]`
        const recorded = state.replay?.get(replayKey(id, iteration))
        if (recorded !== undefined) {
          // Completed before this run continued: its journaled result, not run again.
          const raw = recorded.result === undefined ? undefined : freezeParsed(recorded.result)
          const codec = item.declarations.result
          return Effect.matchEffect(codec === undefined ? Effect.succeed(raw) : codec.decode(id, raw), {
            onFailure: (error) => {
              failed.push({ index, outcome: "failed", error })
              return Effect.void
            },
            onSuccess: (value) => Effect.sync(() => succeed(index, value))
          })
        }
        const copy = itemTask(item, task.id, index, element)
        const { attempts, last } = attemptsOf(copy, state, element, iteration, timeout, retry)
        const stored = Effect.flatMap(attempts, (value) =>
          Effect.flatMap(encodeResult(copy, value), (encoded) => {
            const journal = state.durable
            const entry = journal === undefined ? Effect.void : journal.record(
              JSON.stringify(encoded === undefined
                ? { task: id, iteration, attempts: last().attempt }
                : { task: id, iteration, attempts: last().attempt, result: encoded })
            )
            return Effect.as(entry, value)
          }))
        return Effect.flatMap(Effect.exit(stored), (exit): Effect.Effect<void, typeof halt> => {
          if (Exit.isSuccess(exit)) {
            succeed(index, exit.value)
            return Effect.void
          }
          const error = Cause.findErrorOption(exit.cause)
          if (Option.isNone(error) || Cause.hasDies(exit.cause) || stopsRun(error.value)) {
            abort ??= exit.cause
            return Effect.fail(halt)
          }
          failed.push({ index, outcome: "failed", error: error.value })
          return spec.failFast && cannotSucceed() ? Effect.fail(halt) : Effect.void
        })
      }
      return Effect.forEach(list, one, { concurrency: spec.concurrency, discard: true }).pipe(
        Effect.catch(() => Effect.void),
        Effect.flatMap(() => {
          if (abort !== undefined) return Effect.failCause(abort)
          const satisfied = spec.policy._tag === "BestEffort" ||
            (spec.policy._tag === "AtLeast" ? succeeded >= spec.policy.n : failed.length === 0 && succeeded === n)
          if (!satisfied) {
            // The items stopped early (failFast) are reported as interrupted.
            const reported = failed.slice().sort((a, b) => a.index - b.index)
            if (succeeded + failed.length < n) {
              const seen = new Set(failed.map((f) => f.index))
              for (let i = 0; i < n; i++) if (done[i] === 0 && !seen.has(i)) reported.push({ index: i, outcome: "interrupted" })
            }
            return Effect.fail(
              new MapItemsError({ map: task.id, policy: describePolicy(spec.policy), items: n, succeeded, failed: reported })
            )
          }
          if (spec.policy._tag === "Strict") return Effect.succeed(Object.freeze(values))
          const outcomes: Array<Option.Option<unknown>> = new Array(n)
          for (let i = 0; i < n; i++) outcomes[i] = done[i] === 1 ? Option.some(values[i]) : Option.none()
          return Effect.succeed(Object.freeze(outcomes))
        })
      )
    })
  })
