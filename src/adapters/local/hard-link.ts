/**
 * Hard links at the destination: the inode identity of a local entry, and making a destination name a hard link of
 * an entry already written there, atomically (the old name stays whole until the rename).
 */
import * as fs from "node:fs";
import { BlitError } from "../../domain/errors.ts";
import { fidelityLoss } from "../../domain/fidelity.ts";
import type { InodeId } from "../../domain/hard-links.ts";
import { displayName } from "../../domain/rel-path.ts";
import { temporaryNameFor } from "../../domain/temp-name.ts";
import { toOsPath } from "./os-path.ts";
import { toBlitError } from "./to-blit-error.ts";

/** The inode behind `abs` (not following a final symlink), or null when it is gone. */
export function inodeOf(abs: string): InodeId | null {
  const st = fs.lstatSync(toOsPath(abs), { bigint: true, throwIfNoEntry: false });
  return st === undefined ? null : { dev: st.dev, ino: st.ino, nlink: Number(st.nlink) };
}

/** What {@link linkInPlace} did: made the link, or found `dst` already a link of the leader. */
export type LinkOutcome = "linked" | "already-linked";

/**
 * Makes `dst` a hard link of `leader` (both absolute, in one destination tree). A missing `dst` is linked directly;
 * an existing one is replaced by renaming a link made under a temporary name next to it, so `dst` is never absent.
 * A `dst` that already is a link of the leader is left alone (renaming one link over another of the same inode
 * would do nothing and leave the temporary behind).
 *
 * Throws BlitError UNSUPPORTED with kind "hard-links" where the destination refuses another link (EMLINK: link
 * count at its limit; EPERM: a filesystem without hard links): the caller writes a copy instead and warns once.
 * Other failures throw their BlitError (NOT_FOUND when the leader is gone, PERMISSION_DENIED, NO_SPACE, …).
 */
export function linkInPlace(leader: string, dst: string): LinkOutcome {
  const from = toOsPath(leader);
  const target = inodeOf(leader);
  if (target === null) throw new BlitError("NOT_FOUND", `cannot link ${displayName(dst)}: ${displayName(leader)} is gone`, { path: leader });
  const now = inodeOf(dst);
  if (now !== null && now.dev === target.dev && now.ino === target.ino) return "already-linked";
  try {
    if (now === null) {
      try {
        fs.linkSync(from, toOsPath(dst));
        return "linked";
      } catch (e) {
        if ((e as { code?: string }).code !== "EEXIST") throw e;
      }
    }
    replaceWithLink(from, dst);
    return "linked";
  } catch (e) {
    const code = (e as { code?: string }).code ?? "";
    if (code === "EMLINK" || code === "EPERM") {
      const why = code === "EMLINK" ? "its link count is at the filesystem's limit" : "the destination filesystem does not hold hard links";
      throw fidelityLoss("hard-links", `cannot link ${displayName(dst)} to ${displayName(leader)}: ${why}`, { path: dst, errno: code });
    }
    throw toBlitError(e, dst, "link");
  }
}

// --- internal ---

/** Unique per thread (random, not a process id: temporaries never depend on process ids). */
const TOKEN = `l${[...crypto.getRandomValues(new Uint8Array(6))].map((b) => (b % 36).toString(36)).join("")}`;
let seq = 0;

function replaceWithLink(from: string | Buffer, dst: string): void {
  const slash = dst.lastIndexOf("/");
  const tmp = toOsPath(`${dst.slice(0, slash + 1)}${temporaryNameFor(dst.slice(slash + 1), `${TOKEN}.${(seq++).toString(36)}`)}`);
  fs.linkSync(from, tmp);
  try {
    fs.renameSync(tmp, toOsPath(dst));
  } finally {
    // Still there when `dst` became a link of the same inode meanwhile (the rename then does nothing) or it failed.
    fs.rmSync(tmp, { force: true });
  }
}
