/**
 * Runtime form of tasks.
 *
 * @internal
 */
import { Pipeable } from "effect"
import type * as Channel from "../Channel.js"
import { TypeId } from "../Flow.js"
import type * as Task from "../Task.js"
import { type Codec, codecOf } from "./channel.js"

/** What the engine calls: the body, with the context built for the run and the bound parameters. */
export type Body = (ctx: never, params: never) => unknown

/** The runtime declarations of a task. */
export interface Declarations {
  readonly after: ReadonlyArray<TaskImpl>
  readonly reads: ReadonlyArray<string>
  readonly writes: ReadonlyArray<string>
  readonly channels: Channel.ChannelSchema<object> | undefined
  readonly result: Codec<unknown> | undefined
}

const none: Declarations = { after: [], reads: [], writes: [], channels: undefined, result: undefined }

export class TaskImpl extends Pipeable.Class {
  readonly [TypeId] = TypeId
  readonly _tag = "Task"
  declare readonly "~shape": Task.Any["~shape"]
  constructor(
    readonly id: string,
    readonly body: Body,
    readonly params: unknown,
    readonly declarations: Declarations
  ) {
    super()
  }
}

export const isTask = (u: unknown): u is TaskImpl => u instanceof TaskImpl

interface RawOptions {
  readonly channels?: Channel.ChannelSchema<object> | undefined
  readonly after?: ReadonlyArray<Task.Any> | undefined
  readonly reads?: ReadonlyArray<string> | undefined
  readonly writes?: ReadonlyArray<string> | undefined
  readonly result?: Channel.ValueSchema | undefined
}

const declarationsOf = (options: RawOptions | undefined): Declarations => {
  if (options === undefined) return none
  const after: Array<TaskImpl> = []
  for (const task of options.after ?? []) {
    if (!isTask(task)) throw new TypeError("Task: `after` takes tasks (made with Task.make or a template)")
    after.push(task)
  }
  return {
    after,
    reads: options.reads ?? [],
    writes: options.writes ?? [],
    channels: options.channels,
    result: options.result === undefined ? undefined : codecOf(options.result)
  }
}

const checkId = (id: unknown): string => {
  if (typeof id !== "string" || id === "") throw new TypeError("Task: the id must be a non-empty string")
  if (id.endsWith(".__result__")) throw new TypeError(`Task: the id ${JSON.stringify(id)} may not end in ".__result__"`)
  return id
}

// The overloads in Task.ts type the body against the context and parameters
// the engine builds for it; at run time a body is a function of both.
export const make: typeof Task.make = (
  id: string,
  optionsOrBody: RawOptions | Body,
  maybeBody?: Body
): never => {
  const [options, body] = typeof optionsOrBody === "function" ? [undefined, optionsOrBody] : [optionsOrBody, maybeBody]
  if (typeof body !== "function") throw new TypeError("Task.make: the body must be a function")
  return new TaskImpl(checkId(id), body, undefined, declarationsOf(options)) as never
}

export const template: typeof Task.template = (optionsOrBody: RawOptions | Body, maybeBody?: Body): never => {
  const [options, body] = typeof optionsOrBody === "function" ? [undefined, optionsOrBody] : [optionsOrBody, maybeBody]
  if (typeof body !== "function") throw new TypeError("Task.template: the body must be a function")
  const declarations = declarationsOf(options)
  const instantiate = (id: string, params: unknown) => new TaskImpl(checkId(id), body, params, declarations)
  return instantiate as never
}
