/**
 * The progress service (documented in Progress.ts): a Reference that defaults
 * to no handler, so a run without one reports nothing and costs nothing.
 *
 * @internal
 */
import { Context } from "effect"
import type { Handler } from "../Progress.js"

export const Progress = Context.Reference<Handler | undefined>("effect-graflow/Progress", { defaultValue: () => undefined })
