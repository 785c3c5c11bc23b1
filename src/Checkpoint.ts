/**
 * Checkpoints: a run's progress as data, and where it is kept.
 *
 * - A {@link Checkpoint} is what completed (each task execution with its
 *   stored result and the control flow it asked for), what is pending, the
 *   channel as it was (results included, with each key's remaining TTL), the
 *   run's input, the requests it waits for, and metadata. It is versioned and
 *   carries a hash of the workflow's plan: `Workflow.resume` refuses a
 *   checkpoint of another workflow or of another version of this one.
 * - A {@link CheckpointStore} keeps checkpoints and, for durable runs on a
 *   channel that keeps no journal of its own (memory), their journals. It is
 *   built on `effect/persistence`'s `KeyValueStore`: {@link layerMemory},
 *   {@link layerFileSystem}, {@link layerKeyValueStore} (any KeyValueStore,
 *   SQL included), and `RedisChannel.layerCheckpoints` on Redis. Without one
 *   provided, checkpoints go to a store in memory shared by the process.
 *
 * @since 0.2.0
 */
import { Effect, Layer } from "effect"
import type { FileSystem, Path } from "effect"
import type { PlatformError } from "effect/PlatformError"
import * as KeyValueStore from "effect/persistence/KeyValueStore"
import * as internal from "./internal/checkpoint.js"
import { runNamespace } from "./internal/keys.js"
import type { CheckpointDecodeError, CheckpointNotFoundError, CheckpointStoreError } from "./WorkflowError.js"

/**
 * A run's progress as data (JSON; see the module's description). Read it
 * with {@link load}; give it (or its id) to `Workflow.resume`.
 *
 * **Example**
 *
 * ```ts
 * import type { Checkpoint } from "effect-graflow"
 *
 * const summary = (c: Checkpoint.Checkpoint) =>
 *   `${c.workflow}/${c.runId}: ${c.completed.map((t) => t.task).join(", ")} done; ${c.pending.join(", ")} pending`
 * ```
 *
 * @category models
 * @since 0.2.0
 */
export interface Checkpoint extends internal.CheckpointData {}

/**
 * The operations of a checkpoint store.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Checkpoint } from "effect-graflow"
 *
 * const ids = Effect.flatMap(Effect.service(Checkpoint.CheckpointStore), (store) => store.list("orders/r1"))
 * ```
 *
 * @category models
 * @since 0.2.0
 */
export interface Store extends internal.Store {}

/**
 * The checkpoint store service. It has a default: a store in memory shared by
 * the process, so checkpoints and suspended runs work without a layer; provide
 * {@link layerFileSystem}, `RedisChannel.layerCheckpoints` or another layer for
 * checkpoints that outlive the process.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Checkpoint } from "effect-graflow"
 *
 * const program = Effect.gen(function*() {
 *   const store = yield* Checkpoint.CheckpointStore
 *   return yield* store.list("orders/r1")
 * }).pipe(Effect.provide(Checkpoint.layerMemory))
 * ```
 *
 * @category services
 * @since 0.2.0
 */
export const CheckpointStore: typeof internal.CheckpointStore = internal.CheckpointStore

/**
 * A checkpoint store on a `KeyValueStore` (keys `checkpoint/{id}`,
 * `run/{namespace}` and `journal/{namespace}/{n}`).
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { KeyValueStore } from "effect/persistence"
 * import { Checkpoint } from "effect-graflow"
 *
 * const store = Effect.map(Effect.service(KeyValueStore.KeyValueStore), Checkpoint.fromKeyValueStore)
 * ```
 *
 * @category constructors
 * @since 0.2.0
 */
export const fromKeyValueStore = (store: KeyValueStore.KeyValueStore): Store => internal.fromKeyValueStore(store)

/**
 * A fresh checkpoint store in memory (for tests, and for runs that never
 * outlive their process).
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Checkpoint, Task, Workflow } from "effect-graflow"
 *
 * const program = Workflow.run(Workflow.make("w", Task.make("a", () => 1))).pipe(Effect.provide(Checkpoint.layerMemory))
 * ```
 *
 * @category layers
 * @since 0.2.0
 */
export const layerMemory: Layer.Layer<never> = Layer.sync(CheckpointStore, internal.makeMemory)

/**
 * A checkpoint store on the `KeyValueStore` provided to it (SQL, the file
 * system, your own).
 *
 * **Example**
 *
 * ```ts
 * import { Layer } from "effect"
 * import { KeyValueStore } from "effect/persistence"
 * import { Checkpoint } from "effect-graflow"
 *
 * const layer = Checkpoint.layerKeyValueStore.pipe(Layer.provide(KeyValueStore.layerMemory))
 * ```
 *
 * @category layers
 * @since 0.2.0
 */
export const layerKeyValueStore: Layer.Layer<never, never, KeyValueStore.KeyValueStore> = Layer.effect(
  CheckpointStore,
  Effect.map(Effect.service(KeyValueStore.KeyValueStore), internal.fromKeyValueStore)
)

/**
 * A checkpoint store in a directory, one file per key (`effect/persistence`'s
 * file-system KeyValueStore). Needs a `FileSystem` and a `Path`, such as
 * `NodeFileSystem.layer` and `NodePath.layer` from
 * `@effect/platform-node-shared`. The directory is the store's own.
 *
 * **Example**
 *
 * ```ts
 * import { Layer } from "effect"
 * import * as NodeFileSystem from "@effect/platform-node-shared/NodeFileSystem"
 * import * as NodePath from "@effect/platform-node-shared/NodePath"
 * import { Checkpoint } from "effect-graflow"
 *
 * const layer = Checkpoint.layerFileSystem("./checkpoints").pipe(
 *   Layer.provide(Layer.mergeAll(NodeFileSystem.layer, NodePath.layer))
 * )
 * ```
 *
 * @category layers
 * @since 0.2.0
 */
export const layerFileSystem = (
  directory: string
): Layer.Layer<never, PlatformError, FileSystem.FileSystem | Path.Path> =>
  layerKeyValueStore.pipe(Layer.provide(KeyValueStore.layerFileSystem(directory)))

/**
 * Reads a checkpoint of the current store by id.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Checkpoint } from "effect-graflow"
 *
 * const pending = Effect.map(Checkpoint.load("orders/r1/cp-2-a1b2"), (c) => c.pending)
 * ```
 *
 * @category reading
 * @since 0.2.0
 */
export const load = (
  id: string
): Effect.Effect<Checkpoint, CheckpointNotFoundError | CheckpointDecodeError | CheckpointStoreError> =>
  Effect.flatMap(Effect.service(CheckpointStore), (store) => store.load(id))

/**
 * The ids of a run's checkpoints in the current store, oldest first.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Checkpoint } from "effect-graflow"
 *
 * const latest = Effect.map(Checkpoint.list("orders", "r1"), (ids) => ids.at(-1))
 * ```
 *
 * @category reading
 * @since 0.2.0
 */
export const list = (workflow: string, runId: string): Effect.Effect<ReadonlyArray<string>, CheckpointStoreError> =>
  Effect.flatMap(Effect.service(CheckpointStore), (store) => store.list(runNamespace(workflow, runId)))

/**
 * Checks a value (or JSON text) as a checkpoint: a corrupt, foreign or
 * unsupported one fails with `CheckpointDecodeError` naming the path.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Checkpoint } from "effect-graflow"
 *
 * const checked = (text: string) => Checkpoint.decode(text)
 * ```
 *
 * @category reading
 * @since 0.2.0
 */
export const decode = (input: unknown): Effect.Effect<Checkpoint, CheckpointDecodeError> =>
  internal.decodeCheckpoint("(a checkpoint value)", input)
