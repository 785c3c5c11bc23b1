/**
 * Text for messages: any value, shown without ever throwing. Messages are
 * read by `Cause.pretty`, loggers and uncaught-error handlers; a message that
 * throws (a bigint or a cycle in `JSON.stringify`, a getter, a Proxy) would
 * turn a failure into a crash.
 *
 * @internal
 */
import { Formatter } from "effect"

/** Effect's formatter (bigints, cycles, symbols, errors), with a fallback for values that throw even there. */
export const show = (value: unknown): string => {
  try {
    return Formatter.format(value)
  } catch {
    try {
      return Object.prototype.toString.call(value)
    } catch {
      return "(a value that cannot be shown)"
    }
  }
}

/** What a failure says: an Error's message, a string as it is, anything else formatted. */
export const describeCause = (cause: unknown): string => {
  try {
    if (cause instanceof Error) return typeof cause.message === "string" ? cause.message : show(cause.message)
    if (typeof cause === "string") return cause
  } catch {
    // a Proxy or an Error whose `message` getter throws: formatted below
  }
  return show(cause)
}

/** A key or id as it appears in messages: quoted, control characters escaped (a non-string, from plain JS, formatted). */
export const quote = (text: unknown): string => typeof text === "string" ? JSON.stringify(text) : show(text)
