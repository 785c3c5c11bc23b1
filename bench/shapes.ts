/**
 * The workflows the benchmarks share, with their plain-Effect floors: a chain
 * of trivial tasks and a fan-out of tasks appending to one list.
 */
import { Effect } from "effect"
import { Task, Workflow } from "effect-graflow"

/** A chain of `n` trivial tasks. */
export const chainOf = (n: number) => {
  const [first, ...rest] = Array.from({ length: n }, (_, i) => Task.make(`t${i}`, () => i))
  return Workflow.make(`chain-${n}`, Workflow.chain(first!, ...rest))
}

/** `n` parallel tasks, each appending its index to one channel list. */
export const fanoutOf = (n: number) => {
  const [first, ...rest] = Array.from({ length: n }, (_, i) => Task.make(`f${i}`, (ctx) => ctx.untyped.append("items", i)))
  return Workflow.make(`fanout-${n}`, Workflow.parallel(first!, ...rest))
}

/** The floor of a fan-out: `n` concurrent fibers pushing to one array. */
export const plainFanout = (n: number) =>
  Effect.gen(function*() {
    const items: Array<number> = []
    yield* Effect.forEach(Array.from({ length: n }, (_, i) => i), (i) => Effect.sync(() => items.push(i)), {
      concurrency: "unbounded",
      discard: true
    })
    return items
  })
