/**
 * The flows of a group (`chain`, `parallel`, `parallelWith`) as the compiler
 * checks them: written out, one argument each, or spread from a tuple whose
 * length is known. An array spread into a group (`Flow.chain(...tasks)` with
 * `tasks: Array<Task>`) has no order or ids the compiler can check; the error
 * names what to use instead. No flow at all says so, too.
 *
 * A non-empty array type (`[Task, ...Array<Task>]`) is taken as written: its
 * writer chose to give up the per-task checks; so is the list `Task.forEach`
 * makes from ids known only when the program runs (`Task.FromAList`). Intersected with the group's
 * rest parameter: `unknown` for a tuple, so inference and the flows' types are
 * untouched.
 */
export type WrittenOut<Flows extends ReadonlyArray<unknown>> =
  // Flows written out (the common case) told by their length alone: a
  // conditional type on the tuple itself would make TypeScript walk every flow
  // in it (see FoldShape: "How the fold reads a flow").
  0 extends Flows["length"] ? Checked<Flows>
  : number extends Flows["length"] ? Checked<Flows>
  : unknown

type Checked<Flows extends ReadonlyArray<unknown>> = Flows extends readonly [] ? NoFlows
  : Flows extends readonly [unknown, ...Array<unknown>] ? unknown
  // Task.forEach over a list known only when the program runs: spread as it was meant to be.
  : Flows extends ReadonlyArray<{ readonly "~fromAList": true }> ? unknown
  : ReadonlyArray<SpreadArray>

/** What an empty group's error shows. */
export interface NoFlows {
  readonly "a group needs at least one flow": true
}

/** What an array spread into a group shows. */
export type SpreadArray =
  "a list whose length is known only at run time cannot be spread into chain or parallel: run a template or a workflow over it with Flow.map, or write the ids `as const` and make the tasks with Task.forEach(ids, template)"
