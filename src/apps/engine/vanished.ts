import type { BlitError, ErrorCode } from "../../domain/errors.ts";
import { isPeerViolation } from "../../domain/peer-path.ts";
import { displayName, type RelPath } from "../../domain/rel-path.ts";
import type { Store } from "../../ports/store.ts";

/**
 * Whether a source entry whose read (or listing) failed with `error` has vanished from the source
 * since it was listed (a live tree: a file deleted mid-run). It is no longer in the source, so it is
 * a warning, not a failure, and a mirror's other deletions stay safe. Asked of the source store
 * itself, so it holds on every route; an entry still there (unreadable, say) stays a failure.
 */
export async function vanishedFromSource(source: Store, path: RelPath, error: BlitError): Promise<boolean> {
  if (RUN_LEVEL.has(error.code) || isPeerViolation(error)) return false;
  try {
    return (await source.stat(path)) === null;
  } catch {
    return false;
  }
}

/** The warning for an entry that vanished from the source. */
export const vanishedWarning = (path: RelPath): string => `${displayName(path) || "."} vanished from the source during the run: not copied (it is no longer in the source)`;

// --- internal ---

/** Errors that end or interrupt the whole run: never the sign of one vanished entry. */
const RUN_LEVEL: ReadonlySet<ErrorCode> = new Set<ErrorCode>(["NO_SPACE", "CANCELLED", "PEER_CLOSED", "STALLED", "TIMEOUT", "UNREACHABLE"]);
