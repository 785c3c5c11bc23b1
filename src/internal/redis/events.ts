/**
 * The runs' recorded events as every process on a Redis publishes them
 * (`RunEvents.watch`): one Pub/Sub channel, `<prefix>:events`, each message
 * the namespace (JSON) and the event on a line of its own.
 *
 * @internal
 */
import { Effect, Queue, type Scope, Stream } from "effect"
import type { WatchedEvent } from "../../ChannelBackend.js"
import type { ChannelError } from "../channelError.js"
import { WATCH_BUFFER } from "../runEvents.js"
import { decode } from "./codec.js"
import { blockingDuplicate, type Client, destroyClient } from "./connection.js"
import { commandError } from "./shared.js"

/** A message of the events channel: the namespace as a JSON string, a newline, the event (`undefined`: not ours). */
const watchedOf = (message: string): WatchedEvent | undefined => {
  const newline = message.indexOf("\n")
  if (newline < 0) return undefined
  try {
    const namespace: unknown = JSON.parse(message.slice(0, newline))
    const event = decode("event", message.slice(newline + 1))
    return typeof namespace === "string" && event !== undefined ? { namespace, event } : undefined
  } catch {
    return undefined // another program's message
  }
}

/**
 * Subscribes to the recorded events of every process on this Redis, as they
 * are published (`RunEvents.watch`): a subscriber connection of its own (a
 * Cluster's receives what any node publishes), subscribed before this
 * succeeds and closed with the scope; ioredis subscribes again after a
 * reconnection.
 */
export const watchEvents = (
  client: Client,
  channel: string,
  commandTimeout: number | undefined
): Effect.Effect<Stream.Stream<WatchedEvent>, ChannelError, Scope.Scope> =>
  Effect.gen(function*() {
    const queue = yield* Effect.acquireRelease(Queue.sliding<WatchedEvent>(WATCH_BUFFER), Queue.shutdown)
    yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: async () => {
          const subscriber = blockingDuplicate(client, undefined)
          subscriber.on("error", () => {}) // a lost connection is re-established by ioredis; failures reach the promises
          subscriber.on("message", (from: string, message: string) => {
            const seen = from === channel ? watchedOf(message) : undefined
            if (seen !== undefined) Queue.offerUnsafe(queue, seen)
          })
          try {
            await subscriber.connect()
            await subscriber.subscribe(channel)
            return subscriber
          } catch (error) {
            destroyClient(subscriber)
            throw error
          }
        },
        catch: (cause) => commandError("watch the runs' events", undefined, cause, commandTimeout)
      }),
      (subscriber) => Effect.sync(() => destroyClient(subscriber))
    )
    return Stream.fromQueue(queue)
  })
