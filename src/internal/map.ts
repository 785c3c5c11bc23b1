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
import type { Completion } from "./checkpoint.js"
import { TaskContext } from "./context.js"
import { describePolicy } from "./group.js"
import { withEncoding } from "./channel.js"
import { InvalidValueError } from "./channelError.js"
import { freezeParsed, type Json, type Value } from "./json.js"
import { asStored, checkResult, encodeResult, readResult } from "./results.js"
import { stopsRun } from "./signal.js"
import { replayKey, type RunState } from "./state.js"
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

/**
 * The context of an item run without attempts (see `plain` in `runMap`): its
 * copy of the template, and the copy's id, are made when something asks for
 * them (`ctx.taskId`, the channel, an error naming the item), not per item.
 */
class ItemContext extends TaskContext {
  constructor(
    private readonly proto: TaskImpl,
    private readonly map: string,
    private readonly index: number,
    state: RunState,
    element: unknown,
    iteration: number
  ) {
    super(undefined, state, element, 1, iteration)
  }
  protected override make(): TaskImpl {
    return itemTask(this.proto, itemId(this.map, this.index), this.index, this.input)
  }
}

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
      const keep = (copy: { readonly resultKey: string }, index: number, value: unknown): Effect.Effect<void, typeof halt> => {
        const checked = checkResult(copy, value)
        if (checked instanceof InvalidValueError) return failure(index, Cause.fail(checked))
        succeed(index, asStored(value), checked)
        return Effect.void
      }
      const plain = retry === undefined && timeout === undefined && !state.tracing && state.progress === undefined &&
        state.remote === undefined && codec === undefined && journal === undefined && item.declarations.subWorkflow === undefined
      /**
       * The item a worker is running, and what ends it: a worker runs one item at a time, so one pair of
       * handlers a worker serves all its items (no closures made per item).
       */
      interface Running {
        ctx: TaskContext | undefined
        index: number
        readonly ends: {
          readonly onFailure: (cause: Cause.Cause<unknown>) => Effect.Effect<void, typeof halt>
          readonly onSuccess: (value: unknown) => Effect.Effect<void, typeof halt>
        }
      }
      const running = (): Running => {
        const self: Running = {
          ctx: undefined,
          index: 0,
          ends: {
            onFailure: (cause) => failure(self.index, cause),
            onSuccess: (value) => keep(self.ctx ?? item, self.index, value)
          }
        }
        return self
      }
      /** An item completed before this run continued (a durable run's journal says so): its result, not run again. */
      const replayed = (id: string, index: number, recorded: Completion): Effect.Effect<void> => {
        const raw = recorded.result === undefined ? undefined : freezeParsed(recorded.result)
        return Effect.matchEffect(codec === undefined ? Effect.succeed(raw) : codec.decode(id, raw), {
          onFailure: (error) => {
            failed.push({ index, outcome: "failed", error })
            return Effect.void
          },
          onSuccess: (value) => Effect.sync(() => succeed(index, value, recorded.result))
        })
      }
      const one = (element: unknown, index: number, worker: Running): Effect.Effect<void, typeof halt, unknown> => {
        // A run continued after a crash: an item completed before is not run again.
        const replay = state.replay
        if (replay !== undefined) {
          const id = itemId(task.id, index)
          const recorded = replay.get(replayKey(id, iteration))
          if (recorded !== undefined) return replayed(id, index, recorded)
        }
        if (plain) {
          // No retries, time limit, span, progress, remote worker, schema or journal: the body is called here,
          // and a body that gives a value (not an Effect) costs no Effect step at all. The item's copy of the
          // template is made only if something asks for it.
          const ctx = new ItemContext(item, task.id, index, state, element, iteration)
          let out: unknown
          try {
            out = callBody(item, ctx, element)
          } catch (defect) {
            return failure(index, Cause.die(defect))
          }
          if (!Effect.isEffect(out)) return keep(ctx, index, out)
          worker.ctx = ctx
          worker.index = index
          return Effect.matchCauseEffect(out, worker.ends)
        }
        const copy = itemTask(item, itemId(task.id, index), index, element)
        const { attempts, last } = attemptsOf(copy, state, element, iteration, timeout, retry)
        return Effect.matchCauseEffect(attempts, {
          onFailure: (cause) => failure(index, cause),
          onSuccess: (value): Effect.Effect<void, typeof halt> => {
            if (codec === undefined && journal === undefined) return keep(copy, index, value)
            const stored = Effect.flatMap(encodeResult(copy, value), (json) => {
              const entry = journal === undefined ? Effect.void : journal.record(
                JSON.stringify(json === undefined
                  ? { task: copy.id, iteration, attempts: last().attempt }
                  : { task: copy.id, iteration, attempts: last().attempt, result: json })
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
      const worker = Effect.suspend(() => {
        const self = running()
        return Effect.whileLoop({
          while: () => next < n,
          body: () => {
            for (let k = 0; k < SYNC_BATCH && next < n; k++) {
              const index = next++
              const effect = one(list[index], index, self)
              if (effect !== Effect.void) return effect
            }
            return Effect.void
          },
          step: ignore
        })
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
