/**
 * The channel views users hold (`Untyped`, `Typed`) over a backend store. The
 * views check everything before they call the store: reserved keys, TTLs, and
 * values (JSON model, or the key's schema), so a store only ever sees good
 * input and a failed call writes nothing.
 *
 * @internal
 */
import { Context, Duration, Effect, Option, Result, Schema, SchemaIssue, Scope } from "effect"
import type * as Api from "../Channel.js"
import type { ChannelBackend, ChannelStore, Retention } from "../ChannelBackend.js"
import {
  ChannelDecodeError,
  type ChannelError,
  InvalidNamespaceError,
  InvalidTtlError,
  InvalidValueError,
  type Issue,
  type KeyNotFoundError,
  type LockTimeoutError,
  MAX_TTL_MILLIS,
  ReservedKeyError,
  type WrongTypeError
} from "./channelError.js"
import { describeCause, show } from "./format.js"
import { heightOf, type Json, MAX_DEPTH, snapshot, type Value } from "./json.js"
import { isResultKey, namespaceProblem } from "./keys.js"

/** The channel backend service (documented in Channel.ts). */
export class Channel extends Context.Service<Channel, ChannelBackend>()("effect-graflow/Channel") {}

// ---------------------------------------------------------------------------
// checks shared by every view
// ---------------------------------------------------------------------------

const DEFAULT_LOCK_TIMEOUT = 10_000

/**
 * A TTL in whole milliseconds (rounded up), `undefined` for none, or the error.
 * Every backend gets the same bounds: positive, and at most `MAX_TTL_MILLIS`
 * (Redis rejects an expiry past 2^63 ms, and a backend that failed a write
 * after a first step would leave it half-applied).
 */
const ttlMillis = (key: string, ttl: Duration.Input | undefined): number | undefined | InvalidTtlError => {
  if (ttl === undefined) return undefined
  const decoded = Duration.fromInput(ttl)
  if (Option.isNone(decoded)) return new InvalidTtlError({ key, ttl: show(ttl) })
  const millis = Math.ceil(Duration.toMillis(decoded.value))
  if (!(millis > 0) || !(millis <= MAX_TTL_MILLIS) || (typeof ttl === "number" && Number.isNaN(ttl))) {
    return new InvalidTtlError({ key, ttl: Duration.format(decoded.value) })
  }
  return millis
}

/**
 * A retention as backends take it. An invalid one (from plain JavaScript, or a
 * duration that is not positive) is a programming error: a `TypeError`.
 */
export const retentionOf = (option: Api.Retention, where: string): Retention => {
  if (option === "delete") return { _tag: "Delete" }
  if (option === "keep") return { _tag: "Keep" }
  if (typeof option === "object" && option !== null && "expireAfter" in option) {
    const millis = ttlMillis("", option.expireAfter)
    if (typeof millis === "number") return { _tag: "Expire", millis }
  }
  throw new TypeError(
    `${where}: retention must be "delete", "keep" or { expireAfter: a positive duration }, not ${show(option)}`
  )
}

/**
 * A lock's timeout in ms; one that is no duration, or a negative one (from
 * plain JavaScript, or a computed NaN), is a programming error: a `TypeError`.
 */
const timeoutMillis = (options: Api.LockOptions | undefined): number | TypeError => {
  if (options?.timeout === undefined) return DEFAULT_LOCK_TIMEOUT
  const decoded = Duration.fromInput(options.timeout)
  // Duration.fromInput reads NaN as zero: a NaN is refused here.
  const millis = Option.isSome(decoded) && !Number.isNaN(options.timeout) ? Duration.toMillis(decoded.value) : Number.NaN
  if (!(millis >= 0)) {
    return new TypeError(`Channel.lock: the timeout must be a duration of 0 or more, not ${show(options.timeout)}`)
  }
  return millis
}

/** Checks a raw value against the JSON model and returns its frozen snapshot. */
export const checkValue = (key: string, value: unknown): Value | InvalidValueError => {
  // The common cases, without the snapshot's record: as `snapshot` gives them.
  if (value === undefined || value === null || typeof value === "string" || typeof value === "boolean") return value
  if (typeof value === "number" && Number.isFinite(value)) return value === 0 ? 0 : value
  const result = snapshot(value)
  return result.ok
    ? result.value
    : new InvalidValueError({ key, issues: [{ path: result.rejection.path, message: result.rejection.reason }] })
}

const invalid = (key: string, message: string) => new InvalidValueError({ key, issues: [{ path: [], message }] })

/** Checks a list element: a JSON value (not `undefined`) that leaves room for the list around it. */
const checkElement = (key: string, value: unknown): Json | InvalidValueError => {
  const checked = checkValue(key, value)
  if (checked instanceof InvalidValueError) return checked
  if (checked === undefined) return invalid(key, "a list element cannot be undefined")
  if (heightOf(checked) >= MAX_DEPTH) return invalid(key, `a list element may nest at most ${MAX_DEPTH - 1} levels deep`)
  return checked
}

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

const pathSegment = (segment: unknown): string | number => {
  if (typeof segment === "number" || typeof segment === "string") return segment
  if (typeof segment === "symbol") return segment.description ?? "symbol"
  if (typeof segment === "object" && segment !== null && "key" in segment) return pathSegment(segment.key)
  return show(segment)
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
  /**
   * Encodes a value for storage. Object keys the schema does not declare are
   * an error, not dropped: what is stored is what was written.
   */
  readonly encode: (key: string, value: unknown) => Effect.Effect<Value, InvalidValueError>
  /** Encodes one element of a list-typed schema (by encoding a one-element list). */
  readonly encodeElement: (key: string, element: unknown) => Effect.Effect<Json, InvalidValueError>
  /**
   * For a number schema with checks (`Schema.Int`, a range…): the issues of a
   * would-be sum, so `atomicAdd` writes only sums the schema accepts.
   * `undefined` when every finite number is a value of the schema.
   */
  readonly checkSum: ((next: number) => ReadonlyArray<Issue> | undefined) | undefined
  /** The schema it was compiled from (for its JSON Schema); `undefined` for a codec made of others. */
  readonly schema: Api.ValueSchema<A> | undefined
}

const codecs = new WeakMap<object, Codec<unknown>>()

const strictEncoding = { onExcessProperty: "error" } as const

/** Whether every finite number is a value of the schema, as it is: a plain `Schema.Number`. */
const acceptsEveryNumber = (schema: Api.ValueSchema): boolean => {
  const ast = schema.ast
  return ast._tag === "Number" && ast.checks === undefined && ast.encoding === undefined
}

const compile = <A>(schema: Api.ValueSchema<A>): Codec<A> => {
  const json = Schema.toCodecJson(schema)
  const decode = Schema.decodeUnknownEffect(json)
  const decodeNow = Schema.decodeUnknownResult(json)
  const encode = Schema.encodeUnknownEffect(json)
  const encodeValue = (key: string, value: unknown): Effect.Effect<Value, InvalidValueError> =>
    encode(value, strictEncoding).pipe(
      Effect.mapError((error) => new InvalidValueError({ key, issues: issuesOf(error) })),
      // A getter or Proxy trap that throws while the schema reads the value.
      Effect.catchDefect((defect) => Effect.fail(invalid(key, `the value could not be read: ${describeCause(defect)}`))),
      Effect.flatMap((encoded) => {
        const checked = checkValue(key, encoded)
        return checked instanceof InvalidValueError ? Effect.fail(checked) : Effect.succeed(checked)
      })
    )
  return {
    schema,
    decode: (key, raw) => Effect.mapError(decode(raw), (error) => new ChannelDecodeError({ key, issues: issuesOf(error) })),
    encode: encodeValue,
    checkSum: acceptsEveryNumber(schema) ? undefined : (next) => {
      const decoded = decodeNow(next)
      return Result.isFailure(decoded) ? issuesOf(decoded.failure) : undefined
    },
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

/**
 * The codec of a record whose fields have codecs of their own (a sub-workflow's
 * results, stored as its step's result): each field with a codec is encoded
 * and decoded with it, every other one is checked as JSON. An issue's path
 * starts with the field.
 */
export const recordCodec = (fields: ReadonlyMap<string, Codec<unknown>>): Codec<unknown> => {
  const notRecord = (key: string) => invalid(key, "a record of results was expected")
  return {
    encode: (key, value) => {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return Effect.fail(notRecord(key))
      return Effect.map(
        Effect.forEach(Object.entries(value), ([field, fieldValue]) => {
          const codec = fields.get(field)
          const encoded = codec === undefined ? checkedEffect(`${key}.${field}`, fieldValue) : codec.encode(`${key}.${field}`, fieldValue)
          return Effect.mapBoth(encoded, {
            onFailure: (error) => new InvalidValueError({ key, issues: error.issues.map((issue) => ({ ...issue, path: [field, ...issue.path] })) }),
            onSuccess: (json) => [field, json] as const
          })
        }),
        (pairs): Value => Object.fromEntries(pairs.flatMap(([field, json]) => json === undefined ? [] : [[field, json]]))
      )
    },
    decode: (key, raw) => {
      if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
        return Effect.fail(new ChannelDecodeError({ key, issues: [{ path: [], message: "a record of results was expected" }] }))
      }
      return Effect.map(
        Effect.forEach(Object.entries(raw), ([field, fieldRaw]) => {
          const codec = fields.get(field)
          if (codec === undefined) return Effect.succeed([field, fieldRaw] as const)
          return Effect.mapBoth(codec.decode(`${key}.${field}`, fieldRaw), {
            onFailure: (error) =>
              new ChannelDecodeError({ key, issues: error.issues.map((issue) => ({ ...issue, path: [field, ...issue.path] })) }),
            onSuccess: (value) => [field, value] as const
          })
        }),
        (pairs) => Object.freeze(Object.fromEntries(pairs))
      )
    },
    encodeElement: (key) => Effect.fail(invalid(key, "a record of results is not a list")),
    checkSum: undefined,
    schema: undefined
  }
}

/**
 * The codec of a map's list of results: each element with the item's codec
 * (checked as JSON without one); with `optional`, an element is an `Option`
 * (a lenient map: a failed item has none), stored as `[value]` or `[]`.
 */
/**
 * The encodings of the lists of results a map made: each item's result was
 * encoded (checked) when it completed, so the list is not encoded again when it
 * is stored. Only the engine registers a list, frozen, with what it encoded.
 */
const knownEncodings = new WeakMap<ReadonlyArray<unknown>, Json>()

/** Registers the encoding of a frozen list of results (see `knownEncodings`); gives the list. */
export const withEncoding = <L extends ReadonlyArray<unknown>>(list: L, json: Json): L => {
  knownEncodings.set(list, json)
  return list
}

export const listCodec = (item: Codec<unknown> | undefined, optional: boolean): Codec<unknown> => {
  const encodeOne = (key: string, value: unknown, index: number): Effect.Effect<Json, InvalidValueError> =>
    Effect.mapBoth(item === undefined ? checkedEffect(key, value) : item.encode(key, value), {
      onFailure: (error) => new InvalidValueError({ key, issues: error.issues.map((issue) => ({ ...issue, path: [index, ...issue.path] })) }),
      onSuccess: (json) => json === undefined ? null : json
    })
  const decodeOne = (key: string, raw: unknown, index: number): Effect.Effect<unknown, ChannelDecodeError> =>
    item === undefined ? Effect.succeed(raw) : Effect.mapError(item.decode(key, raw), (error) =>
      new ChannelDecodeError({ key, issues: error.issues.map((issue) => ({ ...issue, path: [index, ...issue.path] })) }))
  return {
    encode: (key, value) => {
      if (!Array.isArray(value)) return Effect.fail(invalid(key, "a list of results was expected"))
      const known = knownEncodings.get(value)
      if (known !== undefined) return Effect.succeed(known)
      return Effect.forEach(value, (element: unknown, index): Effect.Effect<Json, InvalidValueError> => {
        if (!optional) return encodeOne(key, element, index)
        if (!Option.isOption(element)) return Effect.fail(invalid(key, `element ${index} is not an Option`))
        return Option.isNone(element) ? Effect.succeed([]) : Effect.map(encodeOne(key, element.value, index), (json) => [json])
      })
    },
    decode: (key, raw) => {
      if (!Array.isArray(raw)) return Effect.fail(new ChannelDecodeError({ key, issues: [{ path: [], message: "a list of results was expected" }] }))
      return Effect.map(
        Effect.forEach(raw, (element: unknown, index): Effect.Effect<unknown, ChannelDecodeError> => {
          if (!optional) return decodeOne(key, element, index)
          if (!Array.isArray(element) || element.length > 1) {
            return Effect.fail(new ChannelDecodeError({ key, issues: [{ path: [index], message: "an optional result is stored as [value] or []" }] }))
          }
          return element.length === 0 ? Effect.succeed(Option.none()) : Effect.map(decodeOne(key, element[0], index), Option.some)
        }),
        (values) => Object.freeze(values)
      )
    },
    encodeElement: (key) => Effect.fail(invalid(key, "a map's results are written whole")),
    checkSum: undefined,
    schema: undefined
  }
}

/** A value checked as JSON, as an Effect. */
const checkedEffect = (key: string, value: unknown): Effect.Effect<Value, InvalidValueError> => {
  const checked = checkValue(key, value)
  return checked instanceof InvalidValueError ? Effect.fail(checked) : Effect.succeed(checked)
}

/** The compiled codec of a schema (compiled once per schema object). */
export const codecOf = <A>(schema: Api.ValueSchema<A>): Codec<A> => {
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
  options: Api.LockOptions | undefined
) => {
  const id = `${store.namespace}\u0000${key}`
  const timeout = timeoutMillis(options)
  if (timeout instanceof TypeError) return Effect.die(timeout)
  return Effect.flatMap(HeldLocks, (held): Effect.Effect<A, E | LockTimeoutError | ChannelError, R> =>
    held.has(id)
      ? self
      : store.lock(key, Effect.provideService(self, HeldLocks, new Set([...held, id])), { timeout }))
}

// ---------------------------------------------------------------------------
// views
// ---------------------------------------------------------------------------

const reserved = (key: string, op: string) => Effect.fail(new ReservedKeyError({ key, op }))

/**
 * The codec of each key a workflow's channel schema declares: what every value
 * written under it, through any view, must decode with (a run's views over a
 * workflow with a schema; `undefined` for a channel without one).
 */
export type Guard = ((key: string) => Codec<unknown> | undefined) | undefined

/** The guard of a workflow's channel schema (see {@link Guard}). */
export const guardOf = (channels: Api.ChannelSchema<object> | undefined): Guard => {
  if (channels === undefined) return undefined
  return (key) => {
    const schema = fieldSchema(channels, key)
    return schema === undefined ? undefined : codecOf(schema)
  }
}

/**
 * Checks that `json`, about to be stored under `key`, reads back with the
 * guard's codec for the key: a value of another type fails with
 * `InvalidValueError` (the schema's issues) and nothing is written.
 */
const guarded = (guard: Guard, key: string, json: Value, write: Effect.Effect<void, Api.WriteError>, skip?: Codec<unknown>) => {
  const codec = guard?.(key)
  if (codec === undefined || codec === skip) return write
  return Effect.flatMap(
    Effect.mapError(codec.decode(key, json), (error) => new InvalidValueError({ key, issues: error.issues })),
    () => write
  )
}

/** The untyped view: raw JSON values, checked against the JSON model (and, in a run, the workflow's schema). */
export class UntypedView implements Api.Untyped {
  constructor(readonly store: ChannelStore, readonly guard: Guard = undefined) {}
  get namespace(): string {
    return this.store.namespace
  }
  get(key: string): Effect.Effect<unknown, KeyNotFoundError | ChannelError>
  get<D>(key: string, orElse: D): Effect.Effect<unknown, ChannelError>
  get<D>(key: string, orElse?: D): Effect.Effect<unknown, KeyNotFoundError | ChannelError> {
    // Given or not, told by the number of arguments: a default of `undefined` is a default.
    return arguments.length < 2 ? this.store.get(key) : this.store.getOrElse(key, orElse)
  }
  getOption(key: string): Effect.Effect<Option.Option<unknown>, ChannelError> {
    return Effect.map(this.store.getOrElse(key, absent), (value) => value === absent ? Option.none() : Option.some(value))
  }
  set(key: string, value: unknown, options?: Api.SetOptions): Effect.Effect<void, Api.WriteError> {
    if (isResultKey(key)) return reserved(key, "set")
    // `options?.`: plain JavaScript may pass null for no options.
    const ttl = options?.ttl === undefined ? undefined : ttlMillis(key, options.ttl)
    if (ttl instanceof InvalidTtlError) return Effect.fail(ttl)
    const checked = checkValue(key, value)
    if (checked instanceof InvalidValueError) return Effect.fail(checked)
    const write = this.store.set(key, checked, ttl)
    return this.guard === undefined ? write : guarded(this.guard, key, checked, write)
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
  append(key: string, value: unknown, options?: Api.SetOptions) {
    return this.push("append", key, value, options)
  }
  prepend(key: string, value: unknown, options?: Api.SetOptions) {
    return this.push("prepend", key, value, options)
  }
  private push(
    op: "append" | "prepend",
    key: string,
    value: unknown,
    options: Api.SetOptions | undefined
  ): Effect.Effect<number, Api.WriteError | WrongTypeError> {
    if (isResultKey(key)) return reserved(key, op)
    const ttl = ttlMillis(key, options?.ttl)
    if (ttl instanceof InvalidTtlError) return Effect.fail(ttl)
    const checked = checkElement(key, value)
    if (checked instanceof InvalidValueError) return Effect.fail(checked)
    const push = this.store[op](key, checked, ttl)
    // An element is checked as a one-element list of the key's list schema.
    return this.guard === undefined ? push : Effect.flatMap(guarded(this.guard, key, [checked], Effect.void), () => push)
  }
  atomicAdd(
    key: string,
    delta = 1,
    checkSum?: (next: number) => ReadonlyArray<Issue> | undefined
  ): Effect.Effect<number, WrongTypeError | InvalidValueError | ReservedKeyError | ChannelError> {
    if (isResultKey(key)) return reserved(key, "atomicAdd")
    if (typeof delta !== "number" || !Number.isFinite(delta)) {
      return Effect.fail(
        invalid(key, `the delta ${show(delta)} is not a finite number`)
      )
    }
    return this.store.atomicAdd(key, delta, checkSum ?? this.guard?.(key)?.checkSum)
  }
  lock<A, E, R>(
    key: string,
    self: Effect.Effect<A, E, R>,
    options?: Api.LockOptions
  ): Effect.Effect<A, E | LockTimeoutError | ChannelError, R> {
    return lockWith(this.store, key, self, options)
  }
  typed<A>(schema: Api.ValueSchema<A>): Api.Typed<{ readonly [key: string]: A }, string, string> {
    const codec = codecOf(schema)
    return makeTyped<{ readonly [key: string]: A }, string, string>(this.store, () => codec, this.guard)
  }
}

const absent: unique symbol = Symbol("effect-graflow/absent")

/**
 * The typed view: every read is decoded with the key's schema, every write
 * encoded with it. `codecFor` returns the key's codec.
 */
const makeTyped = <T extends object, R extends keyof T & string, W extends keyof T & string>(
  store: ChannelStore,
  codecFor: <K extends keyof T & string>(key: K) => Codec<T[K]>,
  guard: Guard = undefined
): Api.Typed<T, R, W> => {
  const untyped = new UntypedView(store, guard)
  const decodeRead = <K extends R>(key: K) => (raw: Value) => codecFor(key).decode(key, raw)
  const push = <K extends keyof T & string>(op: "append" | "prepend", key: K, value: unknown, options: Api.SetOptions | undefined) => {
    if (isResultKey(key)) return reserved(key, op)
    const ttl = ttlMillis(key, options?.ttl)
    if (ttl instanceof InvalidTtlError) return Effect.fail(ttl)
    const codec = codecFor(key)
    return Effect.flatMap(codec.encodeElement(key, value), (element) =>
      guarded(guard, key, [element], Effect.void, codec).pipe(Effect.flatMap(() => store[op](key, element, ttl))))
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
  /**
   * The typed methods take `K extends WritableKey<W>` (or `ListKey`, `NumberKey`):
   * a declared key, or — in a task that declares no such key — the message the
   * types show in its place, which no program passes as a key. So a key that
   * reaches here is one of `T`'s.
   */
  const declared = (key: string): keyof T & string => key as keyof T & string
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
      const codec = codecFor(declared(key))
      return Effect.flatMap(codec.encode(key, value), (encoded) => guarded(guard, key, encoded, store.set(key, encoded, ttl), codec))
    },
    exists: (key) => store.exists(key),
    delete: (key) => untyped.delete(key),
    append: (key, value, options) => push("append", declared(key), value, options),
    prepend: (key, value, options) => push("prepend", declared(key), value, options),
    // The store checks the sum before it writes it: a sum the schema rejects (1.5 for an Int) changes nothing.
    atomicAdd: (key, delta = 1) => untyped.atomicAdd(key, delta, codecFor(declared(key)).checkSum ?? guard?.(key)?.checkSum),
    lock: (key, self, options) => lockWith(store, key, self, options)
  }
}

// ---------------------------------------------------------------------------
// constructors
// ---------------------------------------------------------------------------

const identity = <A>(a: A): A => a

export const schema = <const Fields extends { readonly [key: string]: Api.ValueSchema }>(
  fields: Fields
): Api.ChannelSchema<{ -readonly [K in keyof Fields]: Fields[K]["Type"] }> => {
  for (const key of Object.keys(fields)) {
    if (isResultKey(key)) throw new TypeError(`Channel.schema: key ${JSON.stringify(key)} ends in ".__result__", which holds task results`)
  }
  return { "~effect-graflow/ChannelSchema": identity, fields }
}

/** The schema of a declared key, or `undefined` for a key the schema does not declare. */
export const fieldSchema = (
  channels: Api.ChannelSchema<object> | undefined,
  key: string
): Api.ValueSchema | undefined => {
  if (channels === undefined || !Object.hasOwn(channels.fields, key)) return undefined
  // `fields` maps each declared key to its schema; `key` is one of them.
  return (channels.fields as { readonly [key: string]: Api.ValueSchema })[key]
}

/** The typed view of a channel schema over a store. */
export const typedFromSchema = <T extends object, R extends keyof T & string, W extends keyof T & string>(
  store: ChannelStore,
  channels: Api.ChannelSchema<T>
): Api.Typed<T, R, W> => makeTyped<T, R, W>(store, (key) => codecOf(channels.fields[key]))

export const open = (namespace: string) => {
  const problem = namespaceProblem(namespace)
  if (problem !== undefined) return Effect.fail(new InvalidNamespaceError({ namespace: show(namespace), reason: problem }))
  return Effect.flatMap(Channel, (backend) => Effect.map(backend.open(namespace), (store) => new UntypedView(store)))
}

export const drop = (namespace: string) => {
  const problem = namespaceProblem(namespace)
  if (problem !== undefined) return Effect.fail(new InvalidNamespaceError({ namespace: show(namespace), reason: problem }))
  return Effect.flatMap(Channel, (backend) => backend.drop(namespace))
}

/**
 * A store's final read of a run that ended and has no lease and no journal: its entries, then its
 * retention, in one round trip when the store can (Redis sends both commands in one write, in this
 * order). The retention is what such a run gets whether the read succeeds or fails, so that applying it
 * with the read changes nothing but the time. The store names the `entries` and `retain` the read stands
 * for: a store that copies it but has either of its own (a wrapper spreading a store to log or count) is
 * read and retained through its own.
 */
export const entriesThenRetain: unique symbol = Symbol.for("effect-graflow/ChannelStore/entriesThenRetain/2")

/** A store that can read its entries and apply a retention in one round trip. */
export interface EntriesThenRetain {
  readonly [entriesThenRetain]: {
    /** The `entries` and `retain` of the store this read stands for. */
    readonly entries: ChannelStore["entries"]
    readonly retain: ChannelStore["retain"]
    readonly read: (retention: Retention) => ChannelStore["entries"]
  }
}

/** Whether the store reads its entries and applies a retention in one round trip (its own, not a copy's). */
export const hasEntriesThenRetain = (store: ChannelStore): store is ChannelStore & EntriesThenRetain => {
  if (!(entriesThenRetain in store)) return false
  const lent: unknown = Reflect.get(store, entriesThenRetain)
  return typeof lent === "object" && lent !== null && Reflect.get(lent, "entries") === store.entries &&
    Reflect.get(lent, "retain") === store.retain
}

/**
 * A store that ends its run and applies a retention in one round trip (on
 * Redis, the retention's script records the run's end first: nothing comes
 * between them). A failure of the two is the caller's, as the retention's is.
 */
export const endThenRetain: unique symbol = Symbol.for("effect-graflow/ChannelStore/endThenRetain")

/** A store that can end its run and apply a retention in one round trip (see {@link endThenRetain}). */
export interface EndThenRetain {
  readonly [endThenRetain]: {
    /** The `run.end` and `retain` of the store this stands for. */
    readonly end: ChannelStore["run"]["end"]
    readonly retain: ChannelStore["retain"]
    readonly both: (
      owner: string,
      outcome: Parameters<ChannelStore["run"]["end"]>[1],
      retention: Retention
    ) => Effect.Effect<void, ChannelError>
  }
}

/** Whether the store ends its run and applies a retention in one round trip (its own, not a copy's). */
export const hasEndThenRetain = (store: ChannelStore): store is ChannelStore & EndThenRetain => {
  if (!(endThenRetain in store)) return false
  const lent: unknown = Reflect.get(store, endThenRetain)
  return typeof lent === "object" && lent !== null && Reflect.get(lent, "end") === store.run.end &&
    Reflect.get(lent, "retain") === store.retain
}

/**
 * A backend that can lend a namespace's store for the time of one effect without a scope: the run uses it
 * (`Effect.scoped` costs a small run a sixth of its time); the store is released when the effect ends,
 * however it ends, as `open`'s scope would release it. The lender names the `open` it stands for: a backend
 * that copies it but has an `open` of its own (a wrapper spreading a memory backend to count or log what is
 * opened) is opened through its `open`.
 */
export const openWhile: unique symbol = Symbol.for("effect-graflow/ChannelBackend/openWhile")

/** A backend that lends a namespace's store for the time of one effect (see {@link openWhile}). */
export interface OpenWhile {
  readonly [openWhile]: {
    /** The `open` this lender stands for. */
    readonly open: ChannelBackend["open"]
    readonly use: <A, E, R>(
      namespace: string,
      use: (store: ChannelStore) => Effect.Effect<A, E, R>
    ) => Effect.Effect<A, E | ChannelError, R>
  }
}

const lendsNamespaces = (backend: ChannelBackend): backend is ChannelBackend & OpenWhile => {
  if (!(openWhile in backend)) return false
  const lender: unknown = Reflect.get(backend, openWhile)
  return typeof lender === "object" && lender !== null && Reflect.get(lender, "open") === backend.open
}

/**
 * Runs `use` with the store of `namespace`, released when it ends: without a scope when the backend can,
 * else in a scope that holds the store alone. Either way `use` runs in the caller's context: a task body
 * that needs a `Scope` gets the caller's, on every backend.
 */
export const withNamespace = <A, E, R>(
  backend: ChannelBackend,
  namespace: string,
  use: (store: ChannelStore) => Effect.Effect<A, E, R>
): Effect.Effect<A, E | ChannelError, R> =>
  lendsNamespaces(backend)
    ? backend[openWhile].use(namespace, use)
    : Effect.acquireUseRelease(
      Scope.make(),
      (scope) => Effect.flatMap(Scope.provide(backend.open(namespace), scope), use),
      (scope, exit) => Scope.close(scope, exit)
    )
