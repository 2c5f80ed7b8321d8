/** The outcome of one item of a batch job: what was written, or the error, as a plain object. */
import { type BlitError, isBlitError } from "../../domain/errors.ts";
import type { RelPath } from "../../domain/rel-path.ts";
import { fidelityLoss } from "../../domain/fidelity.ts";
import type { LinkResult } from "../../ports/store-capabilities.ts";
import type { OpResult } from "../../ports/store.ts";
import type { LinkOutcome } from "./hard-link.ts";
import { fromLossItem } from "./fidelity-write.ts";
import type { WriteOutcome } from "./fs-write.ts";
import { fromWireError, toBlitError, toWireError, type WireError } from "./to-blit-error.ts";

export type ItemResult = WriteOutcome | { error: WireError };

/** Runs `fn` for one item; a failure becomes that item's result (`scrub` rewrites its paths). */
export function eachItem(fn: () => WriteOutcome, path: string, scrub: (e: BlitError) => BlitError = (e) => e): ItemResult {
  try {
    return fn();
  } catch (e) {
    return { error: toWireError(scrub(isBlitError(e) ? e : toBlitError(e, path, "write"))) };
  }
}

/** An item's result as the Store reports it for `path`. */
export function toOpResult(path: RelPath, r: ItemResult): OpResult {
  if ("error" in r) return { path, bytes: 0, zeroCopyBytes: 0, error: fromWireError(r.error) };
  if (r.losses !== undefined) return { path, bytes: r.bytes, zeroCopyBytes: r.zeroCopyBytes, losses: r.losses.map(fromLossItem) };
  return { path, bytes: r.bytes, zeroCopyBytes: r.zeroCopyBytes };
}

/** A hard link's outcome (fs-jobs.ts "link") as HardLinks.link reports it for `path`; a refusal stays a loss of its kind. */
export function toLinkResult(path: RelPath, r: LinkOutcome | { error: WireError }): LinkResult {
  if (typeof r === "string") return { path, bytes: 0, zeroCopyBytes: 0, already: r === "already-linked" };
  const error = r.error.code === "UNSUPPORTED" ? fidelityLoss("hard-links", r.error.message, { path }) : fromWireError(r.error);
  return { path, bytes: 0, zeroCopyBytes: 0, error };
}
