/**
 * The runtime marker every flow (task, chain, parallel group) carries.
 *
 * @internal
 */
import { hasProperty } from "effect/Predicate"

export const TypeId = "~effect-graflow/Flow"

export type TypeId = typeof TypeId

export const isFlow = (u: unknown): u is { readonly [TypeId]: TypeId } => hasProperty(u, TypeId)
