/**
 * The channel views users hold (`Untyped`, `Typed`) over a backend store. The
 * views check everything before they call the store: reserved keys, TTLs, and
 * values (JSON model, or the key's schema), so a store only ever sees good
 * input and a failed call writes nothing.
 *
 * @internal
 */
import { Context, Duration, Effect, Option, Schema, SchemaIssue } from "effect"
import type * as Channel from "../Channel.js"
import type { ChannelStore } from "../ChannelBackend.js"
import { isResultKey } from "../ChannelBackend.js"
import {
  ChannelDecodeError,
  type ChannelError,
  type Issue,
  InvalidTtlError,
  InvalidValueError,
  type KeyNotFoundError,
  type LockTimeoutError,
  ReservedKeyError,
  type WrongTypeError
} from "../ChannelError.js"
import { Channel as ChannelService } from "../Channel.js"
import { type Json, snapshot, type Value } from "./json.js"

// ---------------------------------------------------------------------------
// checks shared by every view
// ---------------------------------------------------------------------------

const DEFAULT_LOCK_TIMEOUT = 10_000

const describeInput = (input: unknown): string => {
  if (typeof input === "string") return JSON.stringify(input)
  if (typeof input === "number" || typeof input === "bigint" || typeof input === "boolean") return `${input}`
  return input === null ? "null" : typeof input
}

/** A TTL in whole milliseconds (rounded up), `undefined` for none, or the error. */
export const ttlMillis = (key: string, ttl: Duration.Input | undefined): number | undefined | InvalidTtlError => {
  if (ttl === undefined) return undefined
  const decoded = Duration.fromInput(ttl)
  if (Option.isNone(decoded)) return new InvalidTtlError({ key, ttl: describeInput(ttl) })
  const millis = Duration.toMillis(decoded.value)
  if (!(millis > 0) || !Number.isFinite(millis) || (typeof ttl === "number" && Number.isNaN(ttl))) {
    return new InvalidTtlError({ key, ttl: Duration.format(decoded.value) })
  }
  return Math.ceil(millis)
}

const timeoutMillis = (options: Channel.LockOptions | undefined): number => {
  if (options?.timeout === undefined) return DEFAULT_LOCK_TIMEOUT
  const decoded = Duration.fromInput(options.timeout)
  return Option.isSome(decoded) ? Math.max(0, Duration.toMillis(decoded.value)) : DEFAULT_LOCK_TIMEOUT
}

/** Checks a raw value against the JSON model and returns its frozen snapshot. */
export const checkValue = (key: string, value: unknown): Value | InvalidValueError => {
  const result = snapshot(value)
  return result.ok
    ? result.value
    : new InvalidValueError({ key, issues: [{ path: result.rejection.path, message: result.rejection.reason }] })
}

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

const pathSegment = (segment: unknown): string | number => {
  if (typeof segment === "number" || typeof segment === "string") return segment
  if (typeof segment === "symbol") return segment.description ?? "symbol"
  if (typeof segment === "object" && segment !== null && "key" in segment) return pathSegment(segment.key)
  return describeInput(segment)
}

/** Schema issues as a list of `{ path, message }`. */
export const issuesOf = (error: Schema.SchemaError): ReadonlyArray<Issue> =>
  formatter(error.issue).issues.map((issue) => ({
    path: (issue.path ?? []).map(pathSegment),
    message: issue.message
  }))

// ---------------------------------------------------------------------------
// schema codecs
// ---------------------------------------------------------------------------

/** A value schema compiled once: JSON codec, decoder and encoder. */
export interface Codec<A> {
  readonly decode: (key: string, raw: unknown) => Effect.Effect<A, ChannelDecodeError>
  readonly encode: (key: string, value: A) => Effect.Effect<Value, InvalidValueError>
  /** Encodes one element of a list-typed schema (by encoding a one-element list). */
  readonly encodeElement: (key: string, element: unknown) => Effect.Effect<Json, InvalidValueError>
}

const codecs = new WeakMap<object, Codec<unknown>>()

const compile = <A>(schema: Channel.ValueSchema<A>): Codec<A> => {
  const json = Schema.toCodecJson(schema)
  const decode = Schema.decodeUnknownEffect(json)
  const encode = Schema.encodeUnknownEffect(json)
  const encodeValue = (key: string, value: unknown): Effect.Effect<Value, InvalidValueError> =>
    encode(value).pipe(
      Effect.mapError((error) => new InvalidValueError({ key, issues: issuesOf(error) })),
      Effect.flatMap((encoded) => {
        const checked = checkValue(key, encoded)
        return checked instanceof InvalidValueError ? Effect.fail(checked) : Effect.succeed(checked)
      })
    )
  return {
    decode: (key, raw) => Effect.mapError(decode(raw), (error) => new ChannelDecodeError({ key, issues: issuesOf(error) })),
    encode: encodeValue,
    encodeElement: (key, element) =>
      Effect.flatMap(encodeValue(key, [element]), (encoded): Effect.Effect<Json, InvalidValueError> => {
        const first: Json | undefined = Array.isArray(encoded) && encoded.length === 1 ? encoded[0] : undefined
        return first !== undefined
          ? Effect.succeed(first)
          : Effect.fail(
            new InvalidValueError({
              key,
              issues: [{ path: [], message: "the key's schema is not a list of elements, so it cannot take one element" }]
            })
          )
      })
  }
}

/** The compiled codec of a schema (compiled once per schema object). */
export const codecOf = <A>(schema: Channel.ValueSchema<A>): Codec<A> => {
  const cached = codecs.get(schema)
  if (cached !== undefined) {
    // The cache is keyed by the schema object itself, so the codec stored for it
    // was compiled from it and decodes to its `A`.
    return cached as Codec<A>
  }
  const codec = compile(schema)
  // Stored under its own schema: `codecOf` gives it back only for that schema, at its `A`.
  codecs.set(schema, codec as Codec<unknown>)
  return codec
}

// ---------------------------------------------------------------------------
// locks
// ---------------------------------------------------------------------------

/** The locks held by the current fiber (inherited by the fibers it forks): makes `lock` reentrant. */
const HeldLocks = Context.Reference<ReadonlySet<string>>("effect-graflow/HeldLocks", { defaultValue: () => new Set() })

const lockWith = <A, E, R>(
  store: ChannelStore,
  key: string,
  self: Effect.Effect<A, E, R>,
  options: Channel.LockOptions | undefined
) => {
  const id = `${store.namespace}\u0000${key}`
  return Effect.flatMap(HeldLocks, (held): Effect.Effect<A, E | LockTimeoutError | ChannelError, R> =>
    held.has(id)
      ? self
      : store.lock(key, Effect.provideService(self, HeldLocks, new Set([...held, id])), {
        timeout: timeoutMillis(options)
      }))
}

// ---------------------------------------------------------------------------
// views
// ---------------------------------------------------------------------------

const reserved = (key: string, op: string) => Effect.fail(new ReservedKeyError({ key, op }))

/** The untyped view: raw JSON values, checked against the JSON model. */
export class UntypedView implements Channel.Untyped {
  constructor(readonly store: ChannelStore) {}
  get namespace(): string {
    return this.store.namespace
  }
  get(key: string): Effect.Effect<unknown, KeyNotFoundError | ChannelError>
  get<D>(key: string, orElse: D): Effect.Effect<unknown, ChannelError>
  get<D>(key: string, ...orElse: [] | [D]): Effect.Effect<unknown, KeyNotFoundError | ChannelError> {
    return orElse.length === 0 ? this.store.get(key) : this.store.getOrElse(key, orElse[0])
  }
  getOption(key: string): Effect.Effect<Option.Option<unknown>, ChannelError> {
    return Effect.map(this.store.getOrElse(key, absent), (value) => value === absent ? Option.none() : Option.some(value))
  }
  set(key: string, value: unknown, options?: Channel.SetOptions): Effect.Effect<void, Channel.WriteError> {
    if (isResultKey(key)) return reserved(key, "set")
    const ttl = ttlMillis(key, options?.ttl)
    if (ttl instanceof InvalidTtlError) return Effect.fail(ttl)
    const checked = checkValue(key, value)
    if (checked instanceof InvalidValueError) return Effect.fail(checked)
    return this.store.set(key, checked, ttl)
  }
  exists(key: string): Effect.Effect<boolean, ChannelError> {
    return this.store.exists(key)
  }
  delete(key: string): Effect.Effect<boolean, ReservedKeyError | ChannelError> {
    return isResultKey(key) ? reserved(key, "delete") : this.store.delete(key)
  }
  keys(): Effect.Effect<ReadonlyArray<string>, ChannelError> {
    return this.store.keys
  }
  clear(): Effect.Effect<void, ChannelError> {
    return this.store.clear
  }
  append(key: string, value: unknown, options?: Channel.SetOptions) {
    return this.push("append", key, value, options)
  }
  prepend(key: string, value: unknown, options?: Channel.SetOptions) {
    return this.push("prepend", key, value, options)
  }
  private push(
    op: "append" | "prepend",
    key: string,
    value: unknown,
    options: Channel.SetOptions | undefined
  ): Effect.Effect<number, Channel.WriteError | WrongTypeError> {
    if (isResultKey(key)) return reserved(key, op)
    const ttl = ttlMillis(key, options?.ttl)
    if (ttl instanceof InvalidTtlError) return Effect.fail(ttl)
    const checked = checkValue(key, value)
    if (checked instanceof InvalidValueError) return Effect.fail(checked)
    if (checked === undefined) {
      return Effect.fail(new InvalidValueError({ key, issues: [{ path: [], message: "a list element cannot be undefined" }] }))
    }
    return this.store[op](key, checked, ttl)
  }
  atomicAdd(
    key: string,
    delta = 1
  ): Effect.Effect<number, WrongTypeError | InvalidValueError | ReservedKeyError | ChannelError> {
    if (isResultKey(key)) return reserved(key, "atomicAdd")
    if (typeof delta !== "number" || !Number.isFinite(delta)) {
      return Effect.fail(
        new InvalidValueError({ key, issues: [{ path: [], message: `the delta ${describeInput(delta)} is not a finite number` }] })
      )
    }
    return this.store.atomicAdd(key, delta)
  }
  lock<A, E, R>(
    key: string,
    self: Effect.Effect<A, E, R>,
    options?: Channel.LockOptions
  ): Effect.Effect<A, E | LockTimeoutError | ChannelError, R> {
    return lockWith(this.store, key, self, options)
  }
  typed<A>(schema: Channel.ValueSchema<A>): Channel.Typed<{ readonly [key: string]: A }, string, string> {
    const codec = codecOf(schema)
    return makeTyped<{ readonly [key: string]: A }, string, string>(this.store, () => codec)
  }
}

const absent: unique symbol = Symbol("effect-graflow/absent")

/**
 * The typed view: every read is decoded with the key's schema, every write
 * encoded with it. `codecFor` returns the key's codec.
 */
export const makeTyped = <T extends object, R extends keyof T & string, W extends keyof T & string>(
  store: ChannelStore,
  codecFor: <K extends keyof T & string>(key: K) => Codec<T[K]>
): Channel.Typed<T, R, W> => {
  const untyped = new UntypedView(store)
  const decodeRead = <K extends R>(key: K) => (raw: Value) => codecFor(key).decode(key, raw)
  const push = <K extends W>(op: "append" | "prepend", key: K, value: unknown, options: Channel.SetOptions | undefined) => {
    if (isResultKey(key)) return reserved(key, op)
    const ttl = ttlMillis(key, options?.ttl)
    if (ttl instanceof InvalidTtlError) return Effect.fail(ttl)
    return Effect.flatMap(codecFor(key).encodeElement(key, value), (element) => store[op](key, element, ttl))
  }
  function get<K extends R>(key: K): Effect.Effect<T[K], KeyNotFoundError | ChannelDecodeError | ChannelError>
  function get<K extends R, D>(key: K, orElse: D): Effect.Effect<T[K] | D, ChannelDecodeError | ChannelError>
  function get<K extends R, D>(
    key: K,
    ...orElse: [] | [D]
  ): Effect.Effect<T[K] | D, KeyNotFoundError | ChannelDecodeError | ChannelError> {
    if (orElse.length === 0) return Effect.flatMap(store.get(key), decodeRead(key))
    const fallback = orElse[0]
    return Effect.flatMap(
      store.getOrElse(key, absent),
      (raw): Effect.Effect<T[K] | D, ChannelDecodeError> => raw === absent ? Effect.succeed(fallback) : decodeRead(key)(raw)
    )
  }
  return {
    namespace: store.namespace,
    get,
    getOption: (key) =>
      Effect.flatMap(
        store.getOrElse(key, absent),
        (raw) => raw === absent ? Effect.succeed(Option.none()) : Effect.map(decodeRead(key)(raw), Option.some)
      ),
    set: (key, value, options) => {
      if (isResultKey(key)) return reserved(key, "set")
      const ttl = ttlMillis(key, options?.ttl)
      if (ttl instanceof InvalidTtlError) return Effect.fail(ttl)
      return Effect.flatMap(codecFor(key).encode(key, value), (encoded) => store.set(key, encoded, ttl))
    },
    exists: (key) => store.exists(key),
    delete: (key) => untyped.delete(key),
    append: (key, value, options) => push("append", key, value, options),
    prepend: (key, value, options) => push("prepend", key, value, options),
    atomicAdd: (key, delta = 1) =>
      Effect.flatMap(untyped.atomicAdd(key, delta), (next) =>
        Effect.matchEffect(codecFor(key).decode(key, next), {
          onSuccess: () => Effect.succeed(next),
          // The sum is not a value of the key's schema (say 1.5 for an Int): undo the add.
          onFailure: (error) =>
            Effect.andThen(
              store.atomicAdd(key, -delta),
              Effect.fail(new InvalidValueError({ key, issues: error.issues }))
            )
        })),
    lock: (key, self, options) => lockWith(store, key, self, options)
  }
}

// ---------------------------------------------------------------------------
// constructors
// ---------------------------------------------------------------------------

const identity = <A>(a: A): A => a

export const schema = <const Fields extends { readonly [key: string]: Channel.ValueSchema }>(
  fields: Fields
): Channel.ChannelSchema<{ -readonly [K in keyof Fields]: Fields[K]["Type"] }> => {
  for (const key of Object.keys(fields)) {
    if (isResultKey(key)) throw new TypeError(`Channel.schema: key ${JSON.stringify(key)} ends in ".__result__", which holds task results`)
  }
  return { "~effect-graflow/ChannelSchema": identity, fields }
}

/** The schema of a declared key, or `undefined` for a key the schema does not declare. */
export const fieldSchema = (
  channels: Channel.ChannelSchema<object> | undefined,
  key: string
): Channel.ValueSchema | undefined => {
  if (channels === undefined || !Object.hasOwn(channels.fields, key)) return undefined
  // `fields` maps each declared key to its schema; `key` is one of them.
  return (channels.fields as { readonly [key: string]: Channel.ValueSchema })[key]
}

/** The typed view of a channel schema over a store. */
export const typedFromSchema = <T extends object, R extends keyof T & string, W extends keyof T & string>(
  store: ChannelStore,
  channels: Channel.ChannelSchema<T>
): Channel.Typed<T, R, W> => makeTyped<T, R, W>(store, (key) => codecOf(channels.fields[key]))

export const open = (namespace: string) =>
  Effect.flatMap(ChannelService, (backend) => Effect.map(backend.open(namespace), (store) => new UntypedView(store)))
