/**
 * LiteralId and IdProblems on their own: literal, computed, template, union and `never` ids, the result suffix.
 */
import type { IdProblems, LiteralId } from "../../dist/types/TaskShape.js"
import { expectType } from "tsd"
import { is } from "./support.js"

expectType<"fetch">(is<LiteralId<"fetch">>())
expectType<never>(is<LiteralId<string>>())
expectType<never>(is<LiteralId<`fetch-${string}`>>())
expectType<never>(is<LiteralId<"a" | "b">>())
expectType<never>(is<LiteralId<never>>())
expectType<never>(is<IdProblems<"fetch">>())
expectType<never>(is<IdProblems<string>>())
expectType<
  | `task id "a" is one of a union of ids: a task has one id; make one task per id`
  | `task id "b" is one of a union of ids: a task has one id; make one task per id`
>(is<IdProblems<"a" | "b">>())
expectType<`task id "x.__result__" ends in ".__result__", the suffix of the keys that hold results`>(
  is<IdProblems<"x.__result__">>()
)
