/**
 * What the Redis backend's parts share: the options of a backend, its client
 * and socket batching, and how a failed command becomes a ChannelError.
 *
 * @internal
 */
import type { Schedule, Scope } from "effect"
import type { Retention } from "../../ChannelBackend.js"
import { ChannelError } from "../channelError.js"
import { type Client, isTimeout } from "./connection.js"

/** Redis did not answer within the command timeout: not retried (the server is stuck or gone, not reconnecting). */
export class CommandTimeout extends Error {}

export interface StoreOptions {
  /** Empty, or ending in ":" (see `normalizePrefix` in keys.ts). */
  readonly prefix: string
  /** Retries of the operations that are safe to repeat (reads, set, clear). */
  readonly retry: Schedule.Schedule<unknown, ChannelError>
  /** The lease of a lock; it is renewed while the holder runs. */
  readonly lease: number
  /** The command timeout of the client, in ms (for messages). */
  readonly commandTimeout: number | undefined
  /** What a run's namespace gets when the run ends. */
  readonly retention: Retention
  /** How long a run's lease lasts without a renewal (a driver that died lets it lapse), in ms. */
  readonly runLease: number
  /** Whether runs with a record record their progress events (`ChannelBackend.runEvents`). */
  readonly runEvents: boolean
}

/** What stores share: the client, the options, and where background work (lock releases) runs. */
export interface Shared {
  readonly client: Client
  readonly options: StoreOptions
  /** Called before a command is sent: the tick's later commands share a socket write (see `makeCork`, store.ts). */
  readonly cork: () => void
  /** Sends the commands `send` issues in one socket write, at once (a group known to go together). */
  readonly together: <A>(send: () => A) => A
  /** The backend's scope: a lock release retried in the background lives as long as the backend. */
  readonly scope: Scope.Scope
}

/** The ChannelError of a failed command (a timeout says so, and what the command may still do). */
export const commandError = (op: string, key: string | undefined, error: unknown, timeout: number | undefined): ChannelError => {
  const cause = isTimeout(error)
    ? new CommandTimeout(
      `Redis did not answer within ${timeout ?? "the"} ms (commandTimeout); the server is stopped, overloaded or unreachable. The command may still be applied if the server answers later`
    )
    : error
  return new ChannelError(key === undefined ? { op, cause } : { op, key, cause })
}
