/**
 * A backend whose every store is `decorate`d: the store spread into a new object with some operations of its
 * own, as a user's decorator backend would (the tests that a spread store keeps working go through it).
 */
import { Effect } from "effect"
import type { ChannelBackend } from "../../src/index.js"

export const wrapStores = (
  backend: ChannelBackend.ChannelBackend,
  decorate: (store: ChannelBackend.ChannelStore, namespace: string) => Partial<ChannelBackend.ChannelStore>
): ChannelBackend.ChannelBackend => ({
  ...backend,
  open: (namespace) => Effect.map(backend.open(namespace), (store): ChannelBackend.ChannelStore => ({ ...store, ...decorate(store, namespace) }))
})
