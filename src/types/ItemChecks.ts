/**
 * The checks of a composition step's item with an error in words: what a map's
 * item may not do, what a workflow given to `Flow.map` or `Task.workflow` must
 * take as its input. Each check is `unknown` when it holds, so intersected with
 * the parameter it leaves inference and the item's type untouched; when it
 * fails it is an interface whose name and key say what to do, which is what
 * the compiler's error shows.
 */
import type { Io } from "./Io.js"

/** A map's item that declares `goto`, `terminate`, `adds` or `awaits`. */
export interface AMapItemCannotSteerTheRun_DeclareItOnATaskBeforeOrAfterTheMap {
  readonly "a map's item cannot jump, terminate, add tasks nor wait for requests (goto, terminate, adds, awaits): it runs once per element, side by side with the others; declare them on a task before or after the map": true
}

/** `unknown` when a template's declarations let it be a map's item. */
export type ItemDoesNotSteer<I extends Io> = [I["goto"] | I["skips"] | I["stops"] | I["adds"] | I["awaits"]] extends [never] ? unknown
  : AMapItemCannotSteerTheRun_DeclareItOnATaskBeforeOrAfterTheMap

/** A workflow mapped over a list that has no `Task.input`. */
export interface TheWorkflowOfAMapTakesTheElementAsItsInput_GiveItATaskInput<Element> {
  readonly "the workflow run for each element takes the element as its input: give it a Task.input whose schema is the element's type": Element
}

/** A workflow mapped over a list whose elements its input does not take. */
export interface TheElementIsNotTheWorkflowsInput<Element, In> {
  readonly "the elements of the list are not of the workflow's input type": { readonly element: Element; readonly input: In }
}

/** A workflow mapped over a list that waits for requests. */
export interface AMappedWorkflowCannotWaitForRequests_RunItWithTaskWorkflow {
  readonly "a workflow run for each element cannot wait for requests (awaits): the answers could not tell the elements apart; run it as a step with Task.workflow": true
}

/** `unknown` when a workflow with input `In` and requests `Aw` can run for each `Element`. */
export type WorkflowFitsElement<In, Aw, Element> = [In] extends [never] ? TheWorkflowOfAMapTakesTheElementAsItsInput_GiveItATaskInput<Element>
  : [Element] extends [In] ? ([Aw] extends [never] ? unknown : AMappedWorkflowCannotWaitForRequests_RunItWithTaskWorkflow)
  : TheElementIsNotTheWorkflowsInput<Element, In>

/** A workflow with an input run as a step without `{ input }`. */
export interface TheWorkflowTakesAnInput_MakeItWithTheInputOption<In> {
  readonly "the workflow takes an input: make it from the step's context with Task.workflow(id, workflow, { after, input: (ctx) => … })": In
}

/** `unknown` when a workflow takes no input (a step without options). */
export type TakesNoInput<In> = [In] extends [never] ? unknown : TheWorkflowTakesAnInput_MakeItWithTheInputOption<In>
