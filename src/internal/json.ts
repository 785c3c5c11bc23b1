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
export interface Rejection {
  readonly path: ReadonlyArray<string | number>
  readonly reason: string
}

/** Result of {@link snapshot}: the frozen copy, or the first rejection found. */
export type SnapshotResult =
  | { readonly ok: true; readonly value: Value }
  | { readonly ok: false; readonly rejection: Rejection }

// Snapshots already produced: storing one again needs neither a walk nor a copy.
const frozen = new WeakSet<object>()

const describe = (value: object): string => {
  const proto: unknown = Object.getPrototypeOf(value)
  if (typeof proto !== "object" || proto === null) return "object"
  const ctor: unknown = Reflect.get(proto, "constructor")
  return typeof ctor === "function" && ctor.name !== "" ? `an instance of ${ctor.name}` : "a non-plain object"
}

class Reject {
  constructor(readonly path: Array<string | number>, readonly reason: string) {}
}

const walk = (value: unknown, path: Array<string | number>, ancestors: Set<object>): Json => {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value
    case "number":
      if (!Number.isFinite(value)) throw new Reject(path, `${value} is not a finite number (JSON has no NaN or Infinity)`)
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
  if (value === null) return null
  const object = value as object
  // Only snapshots (frozen JSON values made by this walk or by freezeParsed) are in `frozen`.
  if (frozen.has(object)) return object as Json
  if (ancestors.has(object)) throw new Reject(path, "the value contains a cycle")
  ancestors.add(object)
  let copy: Json
  if (Array.isArray(object)) {
    const items: Array<Json> = new Array(object.length)
    for (let i = 0; i < object.length; i++) {
      if (!(i in object)) throw new Reject([...path, i], "an array hole is not a JSON value")
      path.push(i)
      items[i] = walk(object[i], path, ancestors)
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
    for (const [key, item] of Object.entries(object)) {
      // As in JSON.stringify, a property whose value is undefined is left out.
      if (item === undefined) continue
      path.push(key)
      out[key] = walk(item, path, ancestors)
      path.pop()
    }
    copy = out
  }
  ancestors.delete(object)
  Object.freeze(copy)
  frozen.add(copy)
  return copy
}

/**
 * Checks that `value` is a channel value and returns a deep, frozen copy of it.
 * Primitives are returned as they are; a snapshot is returned without a copy.
 */
export const snapshot = (value: unknown): SnapshotResult => {
  // The common cases need neither a walk nor a copy.
  if (value === undefined || value === null || typeof value === "string" || typeof value === "boolean") {
    return { ok: true, value }
  }
  if (typeof value === "number" && Number.isFinite(value)) return { ok: true, value: value === 0 ? 0 : value }
  try {
    return { ok: true, value: walk(value, [], new Set()) }
  } catch (error) {
    if (error instanceof Reject) return { ok: false, rejection: { path: error.path, reason: error.reason } }
    throw error
  }
}

/** Marks a value built from parsed JSON (or otherwise known-good) as a frozen snapshot. */
export const freezeParsed = (value: Json): Json => {
  if (typeof value !== "object" || value === null || frozen.has(value)) return value
  if (Array.isArray(value)) {
    for (const item of value) freezeParsed(item)
  } else {
    for (const item of Object.values(value)) freezeParsed(item)
  }
  Object.freeze(value)
  frozen.add(value)
  return value
}

/** A frozen copy of a list (lists are copied on read; their items are snapshots already). */
export const freezeList = (items: ReadonlyArray<Json>): ReadonlyArray<Json> => {
  const copy = Object.freeze(items.slice())
  frozen.add(copy)
  return copy
}
