/**
 * Snapshot steps of a local store (SnapshotSteps, ports/store-capabilities.ts): hard links from a
 * --link-dest tree and entries set aside into a --backup-dir, by path below the store's root. In a
 * contained store (a daemon module) the directories above both paths must resolve inside the root
 * (no symlinked parent leads out of it); a step whose paths do not is PATH_ESCAPE.
 */
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { BlitError, isBlitError } from "../../domain/errors.ts";
import { displayName, type RelPath } from "../../domain/rel-path.ts";
import type { SnapshotStep } from "../../ports/store-capabilities.ts";
import type { OpResult } from "../../ports/store.ts";
import { linkInPlace } from "./hard-link.ts";
import { absJoin, toOsPath } from "./os-path.ts";
import { toBlitError } from "./to-blit-error.ts";

/** Runs `steps` in order under `root`; one result per step (its path: the step's `to`). */
export function runSnapshotSteps(root: string, contained: boolean, steps: readonly SnapshotStep[]): OpResult[] {
  const realRoot = contained ? fs.realpathSync(root) : "";
  return steps.map((s) => {
    try {
      if (contained) for (const p of [s.from, s.to]) insideRoot(realRoot, root, p);
      runStep(absJoin(root, s.from), absJoin(root, s.to), s);
      return { path: s.to, bytes: 0, zeroCopyBytes: 0 };
    } catch (e) {
      const crossDevice = (e as { code?: string }).code === "EXDEV" || (isBlitError(e) && e.details.errno === "EXDEV");
      const error = crossDevice ? new BlitError("UNSUPPORTED", `cannot ${s.how === "link" ? "link" : "set aside"} ${displayName(s.from)} at ${displayName(s.to)}: they are on different filesystems (--link-dest and --backup-dir must be on the destination's)`, { path: s.to }) : toBlitError(e, s.how === "link" ? s.to : s.from, s.how === "link" ? "link" : "set aside");
      return { path: s.to, bytes: 0, zeroCopyBytes: 0, error };
    }
  });
}

// --- internal ---

function runStep(from: string, to: string, s: SnapshotStep): void {
  if (s.how === "link") {
    linkInPlace(from, to);
    return;
  }
  const there = fs.lstatSync(toOsPath(from), { throwIfNoEntry: false });
  if (there === undefined) return;
  fs.mkdirSync(toOsPath(nodePath.dirname(to)), { recursive: true });
  if (s.how === "move-aside") {
    fs.rmSync(toOsPath(to), { recursive: true, force: true });
    fs.renameSync(toOsPath(from), toOsPath(to));
  } else if (there.isDirectory()) {
    throw new BlitError("INTERNAL", `cannot keep ${displayName(s.from)} aside by a link: it is a directory`, { path: s.from });
  } else {
    linkInPlace(from, to);
  }
}

/** Throws PATH_ESCAPE unless the existing directories above `rel` resolve inside the root. */
function insideRoot(realRoot: string, root: string, rel: RelPath): void {
  let dir = nodePath.dirname(absJoin(root, rel));
  for (;;) {
    let real: string;
    try {
      real = fs.realpathSync(dir);
    } catch {
      if (dir.length <= root.length) break;
      dir = nodePath.dirname(dir);
      continue;
    }
    if (real === realRoot || real.startsWith(`${realRoot}/`)) return;
    break;
  }
  throw new BlitError("PATH_ESCAPE", `${displayName(rel)} leads out of the module through a symlinked directory: refused`, { path: rel });
}
