/** The outcome of one item of a batch job: what was written, or the error, as a plain object. */
import { type BlitError, isBlitError } from "../../domain/errors.ts";
import type { WriteOutcome } from "./fs-write.ts";
import { toBlitError, toWireError, type WireError } from "./to-blit-error.ts";

export type ItemResult = WriteOutcome | { error: WireError };

/** Runs `fn` for one item; a failure becomes that item's result (`scrub` rewrites its paths). */
export function eachItem(fn: () => WriteOutcome, path: string, scrub: (e: BlitError) => BlitError = (e) => e): ItemResult {
  try {
    return fn();
  } catch (e) {
    return { error: toWireError(scrub(isBlitError(e) ? e : toBlitError(e, path, "write"))) };
  }
}
