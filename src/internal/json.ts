/**
 * The channel value model: every value a channel holds is a JSON value (or, as
 * a whole value only, `undefined`; an object property whose value is
 * `undefined` is left out, as `JSON.stringify` does). `snapshot` checks a user value against that
 * model and returns a deep, frozen copy, so that what a backend stores can
 * neither be changed by the writer afterwards nor by any reader.
 *
 * @internal
 */

/** A JSON value as a channel stores it (frozen when it came from `snapshot`). */
export type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }

/** What a channel key holds: a JSON value, or `undefined` as a whole value. */
export type Value = Json | undefined

/** Why a value is not a channel value, and where inside it. */
interface Rejection {
  readonly path: ReadonlyArray<string | number>
  readonly reason: string
}

/** Result of {@link snapshot}: the frozen copy, or the first rejection found. */
type SnapshotResult =
  | { readonly ok: true; readonly value: Value }
  | { readonly ok: false; readonly rejection: Rejection }

// Snapshots already produced, with their height (how many levels of objects
// and arrays they nest): storing one again needs neither a walk nor a copy.
// A snapshot's root is recorded, and an inner part only when it is large
// (`LARGE` values or more, not counting parts recorded already): a WeakMap
// entry costs more than the walk of a small value, while storing a large part
// of a value read (`set("rows", read.rows)`) must not copy it again. An inner
// part that is not recorded is frozen, and copied when stored on its own.
const frozen = new WeakMap<object, number>()

/** How many values (objects, arrays and primitives, a recorded part counting one) make a part worth recording. */
const LARGE = 64

/** The height of the value the last `walk` returned (so that no inner copy needs an entry in `frozen`). */
let walked = 0
/** How many values it holds, itself included (a recorded part counts one). */
let walkedSize = 1

export const heightOf = (value: Json): number => typeof value === "object" && value !== null ? frozen.get(value) ?? 0 : 0

const describe = (value: object): string => {
  const proto: unknown = Object.getPrototypeOf(value)
  if (typeof proto !== "object" || proto === null) return "object"
  const ctor: unknown = Reflect.get(proto, "constructor")
  return typeof ctor === "function" && ctor.name !== "" ? `an instance of ${ctor.name}` : "a non-plain object"
}

class Reject {
  constructor(readonly path: Array<string | number>, readonly reason: string) {}
}

/**
 * How deep a value may nest. JSON itself has no limit, but every reader and
 * writer of it recurses (this walk, `JSON.stringify`, schema codecs): a bound
 * well inside the stack keeps a deep value an `InvalidValueError` instead of a
 * stack overflow, on every backend alike.
 */
export const MAX_DEPTH = 1000

/** Sets `key` as an own data property: `out["__proto__"] = …` would set the prototype instead. */
export const define = <V>(out: { [key: string]: V }, key: string, value: V): void => {
  if (key === "__proto__") Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
  else out[key] = value
}

const messageOf = (error: unknown): string => {
  try {
    return error instanceof Error ? error.message : typeof error
  } catch {
    return "an exception"
  }
}

const walk = (value: unknown, path: Array<string | number>, ancestors: Set<object>): Json => {
  switch (typeof value) {
    case "string":
    case "boolean":
      walked = 0
      walkedSize = 1
      return value
    case "number":
      if (!Number.isFinite(value)) throw new Reject(path, `${value} is not a finite number (JSON has no NaN or Infinity)`)
      walked = 0
      walkedSize = 1
      // JSON has one zero: -0 is stored as 0 on every backend.
      return value === 0 ? 0 : value
    case "undefined":
      throw new Reject(path, "undefined cannot be a list item (JSON would turn it into null)")
    case "bigint":
      throw new Reject(path, "a bigint is not a JSON value; give the key a schema (Schema.BigInt) to store it")
    case "symbol":
      throw new Reject(path, "a symbol is not a JSON value")
    case "function":
      throw new Reject(path, "a function is not a JSON value")
  }
  if (value === null) {
    walked = 0
    walkedSize = 1
    return null
  }
  const object = value as object
  const tooDeep = () => new Reject(path, `the value is nested more than ${MAX_DEPTH} levels deep`)
  // Only snapshots (frozen JSON values made by this walk or by freezeParsed) are in `frozen`.
  const known = frozen.get(object)
  if (known !== undefined) {
    if (ancestors.size + known > MAX_DEPTH) throw tooDeep()
    walked = known
    walkedSize = 1
    return object as Json
  }
  if (ancestors.has(object)) throw new Reject(path, "the value contains a cycle")
  if (ancestors.size >= MAX_DEPTH) throw tooDeep()
  ancestors.add(object)
  let copy: Json
  let height = 0
  let size = 1
  if (Array.isArray(object)) {
    const items: Array<Json> = new Array(object.length)
    for (let i = 0; i < object.length; i++) {
      if (!(i in object)) throw new Reject([...path, i], "an array hole is not a JSON value")
      path.push(i)
      items[i] = walk(object[i], path, ancestors)
      if (walked > height) height = walked
      size += walkedSize
      path.pop()
    }
    copy = items
  } else {
    const proto: unknown = Object.getPrototypeOf(object)
    if (proto !== Object.prototype && proto !== null) {
      throw new Reject(path, `${describe(object)} is not a plain object; give the key a schema to store it`)
    }
    if (Object.getOwnPropertySymbols(object).length > 0) throw new Reject(path, "an object with symbol keys is not a JSON value")
    const out: { [key: string]: Json } = {}
    for (const key of Object.keys(object)) {
      path.push(key)
      let item: unknown
      try {
        item = Reflect.get(object, key)
      } catch (error) {
        throw new Reject(path, `reading the property threw: ${messageOf(error)}`)
      }
      // As in JSON.stringify, a property whose value is undefined is left out.
      if (item !== undefined) {
        define(out, key, walk(item, path, ancestors))
        if (walked > height) height = walked
        size += walkedSize
      }
      path.pop()
    }
    copy = out
  }
  ancestors.delete(object)
  Object.freeze(copy)
  walked = height + 1
  if (size >= LARGE) {
    frozen.set(copy, walked)
    size = 1
  }
  walkedSize = size
  return copy
}

/**
 * Checks that `value` is a channel value and returns a deep, frozen copy of it.
 * Primitives are returned as they are; a snapshot is returned without a copy.
 * Never throws: whatever the value does while it is read (a getter or a Proxy
 * trap that throws, a nesting too deep for the stack) is a rejection.
 */
export const snapshot = (value: unknown): SnapshotResult => {
  // The common cases need neither a walk nor a copy.
  if (value === undefined || value === null || typeof value === "string" || typeof value === "boolean") {
    return { ok: true, value }
  }
  if (typeof value === "number" && Number.isFinite(value)) return { ok: true, value: value === 0 ? 0 : value }
  const path: Array<string | number> = []
  try {
    const copy = walk(value, path, new Set())
    if (typeof copy === "object" && copy !== null && !frozen.has(copy)) frozen.set(copy, walked)
    return { ok: true, value: copy }
  } catch (error) {
    if (error instanceof Reject) return { ok: false, rejection: { path: error.path, reason: error.reason } }
    // A Proxy trap that threw, or a stack overflow: `path` is where the walk was.
    return { ok: false, rejection: { path: [...path], reason: `the value could not be read: ${messageOf(error)}` } }
  }
}

/** Freezes a value built from parsed JSON (or otherwise known-good), recording its large parts as `walk` does; gives its height. */
const freezeInner = (value: Json): number => {
  walkedSize = 1
  if (typeof value !== "object" || value === null) return 0
  const known = frozen.get(value)
  if (known !== undefined) return known
  let height = 0
  let size = 1
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const inner = freezeInner(value[i])
      if (inner > height) height = inner
      size += walkedSize
    }
  } else {
    for (const item of Object.values(value)) {
      const inner = freezeInner(item)
      if (inner > height) height = inner
      size += walkedSize
    }
  }
  Object.freeze(value)
  if (size >= LARGE) {
    frozen.set(value, height + 1)
    size = 1
  }
  walkedSize = size
  return height + 1
}

/** Marks a value built from parsed JSON (or otherwise known-good) as a frozen snapshot. */
export const freezeParsed = (value: Json): Json => {
  if (typeof value !== "object" || value === null || frozen.has(value)) return value
  const height = freezeInner(value)
  if (!frozen.has(value)) frozen.set(value, height)
  return value
}

/** A frozen copy of a list (lists are copied on read; their items are snapshots already). */
export const freezeList = (items: ReadonlyArray<Json>): ReadonlyArray<Json> => {
  const copy = Object.freeze(items.slice())
  let height = 0
  for (const item of copy) height = Math.max(height, heightOf(item))
  frozen.set(copy, height + 1)
  return copy
}
