/**
 * The checkpoint store on Redis: a KeyValueStore on the channel's client, its
 * keys under `checkpointBase(prefix)` (keys.ts).
 *
 * @internal
 */
import { Effect } from "effect"
import * as KeyValueStore from "effect/persistence/KeyValueStore"
import { describeCause } from "../format.js"
import { type Client, scanAll } from "./connection.js"
import { checkpointBase, decodeSegment, encodeSegment } from "./keys.js"

// ---------------------------------------------------------------------------

/**
 * A KeyValueStore on the client, for the checkpoint store: key `k` is the
 * Redis key `{prefix}:cp:{k encoded}` (no brace of a run id makes a hash
 * tag). No namespace's keys start with `{prefix}:` (a namespace's start with
 * `{prefix}{`), so they never meet a channel's. Each operation the checkpoint
 * store uses is on one key: a Cluster routes it. `keys`, `size` and `clear`
 * (which it does not use) scan every primary.
 */
export const makeKeyValueStore = (client: Client, prefix: string): KeyValueStore.KeyValueStore => {
  const base = checkpointBase(prefix)
  const redisKey = (key: string) => base + encodeSegment(key)
  const attempt = <A>(method: string, key: string, run: () => Promise<A>) =>
    Effect.tryPromise({
      try: run,
      catch: (cause) => new KeyValueStore.KeyValueStoreError({ method, key, message: describeCause(cause), cause })
    })
  // The base has no glob character but what a prefix brings: escaped.
  const scan = (method: string) =>
    attempt(method, base, async () => (await scanAll(client, `${globEscape(base)}*`)).map((key) => decodeSegment(key.slice(base.length))))
  return KeyValueStore.makeStringOnly({
    get: (key) => Effect.map(attempt("get", key, () => client.get(redisKey(key))), (value) => value ?? undefined),
    set: (key, value) => Effect.asVoid(attempt("set", key, () => client.set(redisKey(key), value))),
    remove: (key) => Effect.asVoid(attempt("remove", key, () => client.del(redisKey(key)))),
    keys: scan("keys"),
    size: Effect.map(scan("size"), (keys) => keys.length),
    clear: Effect.flatMap(scan("clear"), (keys) =>
      Effect.forEach(keys, (key) => attempt("clear", key, () => client.del(redisKey(key))), { discard: true }))
  })
}

/** A Redis glob matching `text` literally. */
export const globEscape = (text: string): string => text.replace(/[*?[\]\\]/g, (c) => `\\${c}`)
