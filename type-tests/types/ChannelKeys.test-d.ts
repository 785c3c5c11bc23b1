/**
 * ElementOf, ListKeys, NumberKeys and ChannelKeys on their own: tuples, arrays, unions, `never`.
 */
import type { ElementFor, ListKey, NoListKey, NoNumberKey, NoReads, NoWrites, NumberKey, PresentKey, ValueFor, WritableKey } from "../../dist/types/ChannelKeys.js"
import type { ElementOf } from "../../dist/types/ElementOf.js"
import type { ListKeys } from "../../dist/types/ListKeys.js"
import type { NumberKeys } from "../../dist/types/NumberKeys.js"
import { expectType } from "tsd"
import { is } from "./support.js"

expectType<number>(is<ElementOf<ReadonlyArray<number>>>())
expectType<1 | "two">(is<ElementOf<readonly [1, "two"]>>())
expectType<never>(is<ElementOf<string>>())
expectType<never>(is<ElementOf<never>>())
expectType<string | boolean>(is<ElementOf<ReadonlyArray<string> | Array<boolean>>>())

interface Keys {
  readonly tags: ReadonlyArray<string>
  readonly pair: readonly [number, number]
  readonly count: number
  readonly level: 1 | 2
  readonly label: string
}
expectType<"tags">(is<ListKeys<Keys, keyof Keys>>()) // a tuple cannot grow
expectType<never>(is<ListKeys<Keys, never>>())
expectType<"count">(is<NumberKeys<Keys, keyof Keys>>()) // a literal union cannot be added to
expectType<never>(is<NumberKeys<Keys, "label">>())

expectType<"count" | "label">(is<WritableKey<"count" | "label">>())
expectType<"count">(is<PresentKey<"count">>())
expectType<NoReads>(is<PresentKey<never>>())
expectType<NoWrites>(is<WritableKey<never>>())
expectType<"tags">(is<ListKey<Keys, "tags" | "count">>())
expectType<NoListKey>(is<ListKey<Keys, "count">>())
expectType<"count">(is<NumberKey<Keys, "count" | "label">>())
expectType<NoNumberKey>(is<NumberKey<Keys, "label">>())
// a union of keys takes a value that fits every one of them
expectType<number>(is<ValueFor<Keys, "count">>())
expectType<1 | 2>(is<ValueFor<Keys, "count" | "level">>())
expectType<never>(is<ValueFor<Keys, "count" | "label">>())
expectType<string>(is<ElementFor<Keys, "tags">>())
