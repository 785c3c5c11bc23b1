/**
 * How channel values are held in Redis: JSON text; lists are Redis lists of
 * JSON items (an empty list is the string "[]"); `undefined` is the empty
 * string, which no JSON text is. And how the scripts' replies are read back.
 *
 * @internal
 */
import { freezeParsed, type Json, type Value } from "../json.js"

const UNDEFINED = ""

export const encode = (value: Json | undefined): string => value === undefined ? UNDEFINED : JSON.stringify(value)

export const kindOfFirst = (first: string): string => {
  switch (first) {
    case "\"":
      return "string"
    case "{":
      return "object"
    case "[":
    case "list":
      return "list"
    case "t":
    case "f":
      return "boolean"
    case "n":
      return "null"
    case "":
      return "undefined"
    default:
      return "number"
  }
}

/** Data we cannot read as a channel value: never retried, since it will not read differently next time. */
export class Undecodable extends Error {}

/** A reply field as text, for messages (replies of our scripts are strings or numbers). */
export const text = (u: unknown): string => typeof u === "string" ? u : typeof u === "number" ? `${u}` : typeof u

export const decode = (key: string, text: string): Value => {
  if (text === UNDEFINED) return undefined
  try {
    const parsed: Json = JSON.parse(text)
    return freezeParsed(parsed)
  } catch {
    throw new Undecodable(`the value under key ${JSON.stringify(key)} is not JSON written by a channel`)
  }
}

type Reply = ReadonlyArray<unknown>

export const isReply = (u: unknown): u is Reply => Array.isArray(u)

export const absent: unique symbol = Symbol("effect-graflow/redis/absent")

const decodeItems = (key: string, items: unknown): Json => {
  if (!Array.isArray(items)) throw new Undecodable(`unexpected list reply for key ${JSON.stringify(key)}`)
  return freezeParsed(items.map((item: unknown) => {
    if (typeof item !== "string") throw new Undecodable(`a list item under ${JSON.stringify(key)} is not text`)
    const value = decode(key, item)
    if (value === undefined) throw new Undecodable(`a list item under ${JSON.stringify(key)} is empty`)
    return value
  }))
}

/** A `{kind, payload}` reply (GET, ENTRIES) as a value. */
export const fromTyped = (key: string, kind: unknown, payload: unknown): Value => {
  switch (kind) {
    case 1:
      return decode(key, text(payload))
    case 2:
      return decodeItems(key, payload)
    default:
      throw new Undecodable(`the key ${JSON.stringify(key)} holds a Redis ${text(payload)}, not a channel value`)
  }
}

/** A GET script reply as a value, `absent` for a missing key. */
export const fromGet = (key: string, reply: unknown): Value | typeof absent => {
  if (!isReply(reply)) throw new Undecodable(`unexpected reply for key ${JSON.stringify(key)}`)
  return reply[0] === 0 ? absent : fromTyped(key, reply[0], reply[1])
}
