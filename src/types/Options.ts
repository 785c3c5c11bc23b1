/**
 * What the options of `Task.make` and `Task.template` allow and add: the
 * result a body may return with a `result` schema, and the error a timeout
 * adds. (Their return types are spelled out in Task.ts: see the note there.)
 *
 * @internal
 */
import type { Effect } from "effect"
import type {
  ChannelDecodeError,
  ChannelError,
  InvalidTtlError,
  InvalidValueError,
  KeyNotFoundError,
  LockTimeoutError,
  ReservedKeyError,
  WrongTypeError
} from "../ChannelError.js"
import type {
  CheckpointStoreError,
  CycleLimitExceededError,
  InvalidNextTaskError,
  ResultNotAvailableError,
  TaskTimeoutError,
  UnknownTaskError,
  WorkflowCancelled
} from "../WorkflowError.js"
import type { BodyError } from "./BodyResult.js"

/**
 * What a body may return when the task has a `result` schema.
 *
 * @internal
 */
export type ResultBound<RA> = [RA] extends [never] ? unknown : RA | Effect.Effect<RA, unknown, unknown>


/**
 * The errors a body gets from its context (channel operations, results,
 * control flow, checkpoints): the engine's own, which an `error` schema need
 * not describe.
 *
 * @internal
 */
export type ContextError =
  | ChannelError
  | ChannelDecodeError
  | InvalidValueError
  | InvalidTtlError
  | KeyNotFoundError
  | LockTimeoutError
  | ReservedKeyError
  | WrongTypeError
  | CheckpointStoreError
  | CycleLimitExceededError
  | InvalidNextTaskError
  | ResultNotAvailableError
  | UnknownTaskError
  | WorkflowCancelled

/**
 * The check a body's result gets when its task has an `error` schema of
 * errors `EA` (`unknown`: none): every error the body fails with, but the
 * engine's own, must be one the schema describes — in a distributed run the
 * schema is what brings an error back as itself. Intersected with the body's
 * return type: `unknown` when it holds, else an object whose one property
 * says what is wrong, which the body's Effect does not have.
 *
 * @internal
 */
export type ErrorsDescribed<Out, EA> = unknown extends EA ? unknown
  : [Exclude<BodyError<Out>, EA | ContextError>] extends [never] ? unknown
  : ErrorSchemaMisses<Exclude<BodyError<Out>, EA | ContextError>>

/**
 * What a body shows when it fails with errors its task's `error` schema does
 * not describe (`E`).
 *
 * **Example**
 *
 * ```ts
 * import type { ErrorSchemaMisses } from "./Options.js"
 *
 * type Told = ErrorSchemaMisses<"declined"> // `error: Boom` on a body that fails with "declined"
 * ```
 *
 * @category type-level
 * @since 0.3.0
 */
export interface ErrorSchemaMisses<E> {
  readonly "the task fails with errors its `error` schema does not describe: add them to the schema (Schema.Union of the error classes), or catch them in the body": E
}

/**
 * The errors the engine adds to a task's own: a timeout, when it has one.
 *
 * @internal
 */
export type EngineError<Timeout> = [Timeout] extends [never] ? never : TaskTimeoutError


