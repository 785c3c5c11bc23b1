/**
 * The checkpoint store on Redis: a KeyValueStore on the channel's client, its
 * keys under `checkpointBase(prefix)` (keys.ts).
 *
 * @internal
 */
import { Effect } from "effect"
import { KeyValueStore } from "effect/persistence"
import type { Redis } from "ioredis"
import { describeCause } from "../format.js"
import { checkpointBase } from "./keys.js"

// ---------------------------------------------------------------------------

/**
 * A KeyValueStore on the client, for the checkpoint store: key `k` is the
 * Redis key `{prefix}:cp:{k}`. No namespace's keys start with `{prefix}:`
 * (a namespace is never empty and its encoding has no `:`), so they never
 * meet a channel's. `keys`, `size` and `clear` scan the store's keys (the
 * checkpoint store does not use them).
 */
export const makeKeyValueStore = (client: Redis, prefix: string): KeyValueStore.KeyValueStore => {
  const base = checkpointBase(prefix)
  const attempt = <A>(method: string, key: string, run: () => Promise<A>) =>
    Effect.tryPromise({
      try: run,
      catch: (cause) => new KeyValueStore.KeyValueStoreError({ method, key, message: describeCause(cause), cause })
    })
  const scan = (method: string) =>
    attempt(method, base, async () => {
      const found: Array<string> = []
      let cursor = "0"
      do {
        const [next, batch] = await client.scan(cursor, "MATCH", `${base}*`, "COUNT", 1000)
        cursor = next
        for (const key of batch) found.push(key.slice(base.length))
      } while (cursor !== "0")
      return found
    })
  return KeyValueStore.makeStringOnly({
    get: (key) => Effect.map(attempt("get", key, () => client.get(base + key)), (value) => value ?? undefined),
    set: (key, value) => Effect.asVoid(attempt("set", key, () => client.set(base + key, value))),
    remove: (key) => Effect.asVoid(attempt("remove", key, () => client.del(base + key))),
    keys: scan("keys"),
    size: Effect.map(scan("size"), (keys) => keys.length),
    clear: Effect.flatMap(scan("clear"), (keys) =>
      Effect.forEach(keys, (key) => attempt("clear", key, () => client.del(base + key)), { discard: true }))
  })
}

