/**
 * JsonIssue on its own: JSON values, `any`, `unknown`, `never`, what is not JSON and where, recursive types.
 */
import type { Option } from "effect"
import type { JsonIssue } from "../../dist/types/JsonIssue.js"
import { expectType } from "tsd"
import { is } from "./support.js"

expectType<never>(is<JsonIssue<string | number | boolean | null>>())
expectType<never>(is<JsonIssue<{ a: { b: Array<{ c: string }> }; d?: number }>>())
expectType<never>(is<JsonIssue<readonly [1, "two", { three: 3 }]>>())
expectType<never>(is<JsonIssue<any>>())
expectType<never>(is<JsonIssue<unknown>>())
expectType<never>(is<JsonIssue<never>>())
expectType<never>(is<JsonIssue<void>>() as never)
expectType<"a bigint (use Schema.BigInt)">(is<JsonIssue<bigint>>())
expectType<"a Map">(is<JsonIssue<Map<string, number>>>())
expectType<"a Set">(is<JsonIssue<ReadonlySet<string>>>())
expectType<"a function">(is<JsonIssue<() => void>>())
expectType<"a Promise">(is<JsonIssue<Promise<1>>>())
expectType<"binary data (use Schema.Uint8Array)">(is<JsonIssue<Uint8Array>>())
expectType<"an object with methods (a class instance, an Option…), not a plain object">(is<JsonIssue<Option.Option<number>>>())
// where: object keys and list elements, in a union only the bad member
expectType<`at ["when"]: a Date (use Schema.Date)`>(is<JsonIssue<{ when: Date | string }>>())
expectType<`at [number]["id"]: a bigint (use Schema.BigInt)`>(is<JsonIssue<ReadonlyArray<{ id: bigint }>>>())
expectType<`at [number]: a Date (use Schema.Date)`>(is<JsonIssue<readonly [string, Date]>>())
expectType<`at [number]: undefined in a list (JSON would make it null)`>(is<JsonIssue<Array<number | undefined>>>())
// an optional property may be undefined (it is left out)
expectType<never>(is<JsonIssue<{ note?: string | undefined }>>())
// recursive types cost five levels
interface Tree {
  readonly value: number
  readonly children: ReadonlyArray<Tree>
}
expectType<never>(is<JsonIssue<Tree>>())
// the one-check common case lets through only what the walk passes: a symbol-keyed method is still found
expectType<"an object with methods (a class instance, an Option…), not a plain object">(
  is<JsonIssue<{ readonly n: number; [Symbol.iterator](): Iterator<number> }>>()
)
