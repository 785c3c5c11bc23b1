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
import { Cause, Effect, Option } from "effect"
import { attemptsOf, callBody } from "./attempt.js"
import { TaskContext } from "./context.js"
import { describePolicy } from "./group.js"
import { withEncoding } from "./channel.js"
import { InvalidValueError } from "./channelError.js"
import { freezeParsed, type Json, type Value } from "./json.js"
import { asStored, checkResult, encodeResult, readResult } from "./results.js"
import { stopsRun } from "./signal.js"
import { replayKey } from "./state.js"
import { TaskImpl } from "./task.js"
import { type MapItemOutcome, MapItemsError } from "./workflowError.js"

/** A map's way to stop its items at once (`failFast`, or an item that stops the run): the forEach interrupts the others. */
const halt: unique symbol = Symbol("effect-graflow/map/halt")

/** How many items done without an Effect step a worker takes before the scheduler may run other fibers. */
const SYNC_BATCH = 64

/** A step of a loop that keeps nothing. */
const ignore = (): void => undefined

/** The id of the item of map `map` that runs element `index`. */
export const itemId = (map: string, index: number): string => `${map}[${index}]`

/** The copy of a map's item that runs element `index` (its id made by `itemId`), the element its input. */
export const itemTask = (proto: TaskImpl, id: string, index: number, element: unknown): TaskImpl =>
  new TaskImpl(id, proto.body, element, proto.declarations, index)

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
      // Each item's result as stored (checked, or encoded by its schema) when it completed: the map's own
      // result is stored from these, not encoded a second time.
      const encoded: Array<Json> = new Array(n)
      const done = new Uint8Array(n)
      const failed: Array<MapItemOutcome<unknown>> = []
      let succeeded = 0
      /** What stops the map at once instead of its policy: a cancel, a suspension, a lost lease, a defect. */
      let abort: Cause.Cause<unknown> | undefined
      const codec = item.declarations.result
      const journal = state.durable
      const succeed = (index: number, value: unknown, json: Value) => {
        values[index] = value
        encoded[index] = json === undefined ? null : json
        done[index] = 1
        succeeded++
      }
      const cannotSucceed = () =>
        spec.policy._tag === "Strict"
          ? failed.length > 0
          : spec.policy._tag === "AtLeast" && failed.length > n - spec.policy.n
      /** An item that did not succeed: counted against the policy, or the map stopped at once. */
      const failure = (index: number, cause: Cause.Cause<unknown>): Effect.Effect<void, typeof halt> => {
        const error = Cause.findErrorOption(cause)
        if (Option.isNone(error) || Cause.hasDies(cause) || stopsRun(error.value)) {
          abort ??= cause
          return Effect.fail(halt)
        }
        failed.push({ index, outcome: "failed", error: error.value })
        return spec.failFast && cannotSucceed() ? Effect.fail(halt) : Effect.void
      }
      /** A result without a schema in a run without a journal: checked as JSON and kept, without a step of its own. */
      const keep = (copy: TaskImpl, index: number, value: unknown): Effect.Effect<void, typeof halt> => {
        const checked = checkResult(copy, value)
        if (checked instanceof InvalidValueError) return failure(index, Cause.fail(checked))
        succeed(index, asStored(value), checked)
        return Effect.void
      }
      const plain = retry === undefined && timeout === undefined && !state.tracing && state.progress === undefined &&
        state.remote === undefined && codec === undefined && journal === undefined && item.declarations.subWorkflow === undefined
      const one = (element: unknown, index: number): Effect.Effect<void, typeof halt, unknown> => {
        const id = itemId(task.id, index)
        const recorded = state.replay?.get(replayKey(id, iteration))
        if (recorded !== undefined) {
          // Completed before this run continued: its journaled result, not run again.
          const raw = recorded.result === undefined ? undefined : freezeParsed(recorded.result)
          return Effect.matchEffect(codec === undefined ? Effect.succeed(raw) : codec.decode(id, raw), {
            onFailure: (error) => {
              failed.push({ index, outcome: "failed", error })
              return Effect.void
            },
            onSuccess: (value) => Effect.sync(() => succeed(index, value, recorded.result))
          })
        }
        const copy = itemTask(item, id, index, element)
        if (plain) {
          // No retries, time limit, span, progress, remote worker, schema or journal: the body is called here,
          // and a body that gives a value (not an Effect) costs no Effect step at all.
          let out: unknown
          try {
            out = callBody(copy, new TaskContext(copy, state, element, 1, iteration), element)
          } catch (defect) {
            return failure(index, Cause.die(defect))
          }
          if (!Effect.isEffect(out)) return keep(copy, index, out)
          return Effect.matchCauseEffect(out, {
            onFailure: (cause) => failure(index, cause),
            onSuccess: (value) => keep(copy, index, value)
          })
        }
        const { attempts, last } = attemptsOf(copy, state, element, iteration, timeout, retry)
        return Effect.matchCauseEffect(attempts, {
          onFailure: (cause) => failure(index, cause),
          onSuccess: (value): Effect.Effect<void, typeof halt> => {
            if (codec === undefined && journal === undefined) return keep(copy, index, value)
            const stored = Effect.flatMap(encodeResult(copy, value), (json) => {
              const entry = journal === undefined ? Effect.void : journal.record(
                JSON.stringify(json === undefined
                  ? { task: id, iteration, attempts: last().attempt }
                  : { task: id, iteration, attempts: last().attempt, result: json })
              )
              return Effect.as(entry, json)
            })
            return Effect.matchCauseEffect(stored, {
              onFailure: (cause) => failure(index, cause),
              onSuccess: (json) => {
                succeed(index, value, json)
                return Effect.void
              }
            })
          }
        })
      }
      // `concurrency` workers take the elements in the list's order, one after another: at most that many items
      // run at once, and an item costs no fiber of its own. A worker that halts fails, which interrupts the others.
      // Items whose body gave a value are done when `one` returns: a worker goes on with the next ones at once, up
      // to `SYNC_BATCH` of them before it lets the scheduler in.
      let next = 0
      const worker = Effect.whileLoop({
        while: () => next < n,
        body: () => {
          for (let k = 0; k < SYNC_BATCH && next < n; k++) {
            const index = next++
            const effect = one(list[index], index)
            if (effect !== Effect.void) return effect
          }
          return Effect.void
        },
        step: ignore
      })
      const width = Math.min(spec.concurrency, n)
      const workers = width <= 1 ? worker : Effect.all(Array.from({ length: width }, () => worker), { concurrency: "unbounded", discard: true })
      return workers.pipe(
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
          if (spec.policy._tag === "Strict") return Effect.succeed(withEncoding(Object.freeze(values), encoded))
          const outcomes: Array<Option.Option<unknown>> = new Array(n)
          const stored: Array<Json> = new Array(n)
          for (let i = 0; i < n; i++) {
            outcomes[i] = done[i] === 1 ? Option.some(values[i]) : Option.none()
            stored[i] = done[i] === 1 ? [encoded[i]!] : []
          }
          return Effect.succeed(withEncoding(Object.freeze(outcomes), stored))
        })
      )
    })
  })
