/**
 * Snapshot steps of a local store (SnapshotSteps, ports/store-capabilities.ts): hard links from a
 * --link-dest tree and entries set aside into a --backup-dir, by path below the store's root. In a
 * contained store (a daemon module) the directories above both paths must resolve inside the root
 * (no symlinked parent leads out of it); a step whose paths do not is PATH_ESCAPE, before anything
 * is copied. A backup dir on another filesystem than the entry's gets a copy (backup-copy.ts): the
 * copies of one call are synced, and only then are the originals of move-aside steps removed; a
 * failed copy leaves the original in place. A link step across filesystems stays UNSUPPORTED (the
 * engine sends that file instead). Messages name paths as the user typed them: absolute for a
 * store rooted at `/`, relative to the module root in a contained store.
 */
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { BlitError, isBlitError } from "../../domain/errors.ts";
import { displayName, type RelPath } from "../../domain/rel-path.ts";
import type { SnapshotStep } from "../../ports/store-capabilities.ts";
import type { OpResult } from "../../ports/store.ts";
import { copyAside, syncFilesystemsOf } from "./backup-copy.ts";
import { removeEntry } from "./fs-write.ts";
import { linkInPlace } from "./hard-link.ts";
import { absJoin, toOsPath } from "./os-path.ts";
import { fromLossItem, toLossItem, type LossItem } from "./fidelity-write.ts";
import { fromWireError, toBlitError, toWireError, type WireError } from "./to-blit-error.ts";

/** Runs `steps` in order under `root`; one result per step (its path: the step's `to`). */
export function runSnapshotSteps(root: string, contained: boolean, steps: readonly SnapshotStep[]): OpResult[] {
  const realRoot = contained ? fs.realpathSync(root) : "";
  const shown = (rel: RelPath) => (contained ? rel : absJoin(root, rel));
  const copies: Copied[] = [];
  const results = steps.map((s, i): OpResult => {
    const from = absJoin(root, s.from);
    const to = absJoin(root, s.to);
    try {
      if (contained) for (const p of [s.from, s.to]) insideRoot(realRoot, root, p);
      if (runStep(from, to, s, shown) === "done") return { path: s.to, bytes: 0, zeroCopyBytes: 0 };
      const losses = copyAside({ from, to, shownFrom: shown(s.from), shownTo: shown(s.to) });
      if (losses !== null) copies.push({ index: i, from, to, remove: s.how === "move-aside" });
      return losses === null || losses.length === 0 ? { path: s.to, bytes: 0, zeroCopyBytes: 0 } : { path: s.to, bytes: 0, zeroCopyBytes: 0, losses };
    } catch (e) {
      const error = isCrossDevice(e) ? new BlitError("UNSUPPORTED", `cannot link ${displayName(shown(s.from))} at ${displayName(shown(s.to))}: they are on different filesystems (--link-dest must be on the destination's)`, { path: s.to }) : toBlitError(e, shown(s.how === "link" ? s.to : s.from), s.how === "link" ? "link" : "set aside");
      return { path: s.to, bytes: 0, zeroCopyBytes: 0, error };
    }
  });
  if (copies.length > 0) removeCopied(copies, results, steps, contained, shown);
  return results;
}

/** A step's result as it crosses from a pool thread (plain objects only). */
export interface SnapshotItem {
  readonly path: RelPath;
  readonly error?: WireError;
  readonly losses?: readonly LossItem[];
}

/** `runSnapshotSteps` as a pool job answers it. */
export const snapshotItems = (results: readonly OpResult[]): SnapshotItem[] =>
  results.map((r) => ({ path: r.path, ...(r.error === undefined ? {} : { error: toWireError(r.error) }), ...(r.losses === undefined ? {} : { losses: r.losses.map(toLossItem) }) }));

/** The OpResults of a pool job's SnapshotItems. */
export const fromSnapshotItems = (items: readonly SnapshotItem[]): OpResult[] =>
  items.map((i) => ({ path: i.path, bytes: 0, zeroCopyBytes: 0, ...(i.error === undefined ? {} : { error: fromWireError(i.error) }), ...(i.losses === undefined ? {} : { losses: i.losses.map(fromLossItem) }) }));

// --- internal ---

/** A step whose entry was copied across filesystems; `remove`: its original goes once the copy is durable. */
interface Copied {
  readonly index: number;
  readonly from: string;
  readonly to: string;
  readonly remove: boolean;
}

/** "done", or "across" when the step's rename or link met another filesystem and the entry is to be copied. */
function runStep(from: string, to: string, s: SnapshotStep, shown: (rel: RelPath) => string): "done" | "across" {
  if (s.how === "link") {
    linkInPlace(from, to);
    return "done";
  }
  const there = fs.lstatSync(toOsPath(from), { throwIfNoEntry: false });
  if (there === undefined) return "done";
  fs.mkdirSync(toOsPath(nodePath.dirname(to)), { recursive: true });
  if (s.how === "move-aside") {
    fs.rmSync(toOsPath(to), { recursive: true, force: true });
    try {
      fs.renameSync(toOsPath(from), toOsPath(to));
    } catch (e) {
      if (isCrossDevice(e)) return "across";
      throw e;
    }
  } else if (there.isDirectory()) {
    throw new BlitError("INTERNAL", `cannot keep ${displayName(shown(s.from))} aside by a link: it is a directory`, { path: s.from });
  } else {
    try {
      linkInPlace(from, to);
    } catch (e) {
      if (isCrossDevice(e)) return "across";
      throw e;
    }
  }
  return "done";
}

/**
 * Makes the copies durable, then removes the originals of the move-aside ones. A sync that fails
 * keeps every original (the step fails); a removal that fails fails its step (the copy stays).
 */
function removeCopied(copies: readonly Copied[], results: OpResult[], steps: readonly SnapshotStep[], contained: boolean, shown: (rel: RelPath) => string): void {
  const fail = (c: Copied, error: BlitError) => (results[c.index] = { path: steps[c.index]!.to, bytes: 0, zeroCopyBytes: 0, error });
  try {
    syncFilesystemsOf(copies.map((c) => c.to));
  } catch (e) {
    const why = isBlitError(e) ? e.message : String(e);
    for (const c of copies) fail(c, new BlitError("INTERNAL", `${displayName(shown(steps[c.index]!.from))} was copied to ${displayName(shown(steps[c.index]!.to))} but not made durable, so it stays: ${why}`, { path: steps[c.index]!.to }));
    return;
  }
  for (const c of copies) {
    if (!c.remove) continue;
    try {
      removeEntry(c.from, true, contained);
    } catch (e) {
      const s = steps[c.index]!;
      const err = toBlitError(e, c.from, "remove");
      fail(c, new BlitError(err.code, `${err.message.replaceAll(displayName(c.from), displayName(shown(s.from)))} (it was copied to ${displayName(shown(s.to))})`, { path: s.from }));
    }
  }
}

const isCrossDevice = (e: unknown): boolean => (e as { code?: string }).code === "EXDEV" || (isBlitError(e) && e.details.errno === "EXDEV");

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
