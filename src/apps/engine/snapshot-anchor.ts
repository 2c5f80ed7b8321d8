import { BlitError } from "../../domain/errors.ts";
import { resolveBelow } from "../../domain/peer-path.ts";
import { displayName, joinRel, type RelPath } from "../../domain/rel-path.ts";
import { overlaps } from "../../domain/transfer-roots.ts";
import type { Store } from "../../ports/store.ts";
import type { SnapshotAnchor } from "./snapshot.ts";
import type { TransferRequest } from "./transfer-request.ts";

/** What a destination side offers for snapshots (open-roots.ts Side). */
interface AnchorSide {
  /** The destination as typed: absolute locally, `/path` inside a daemon's module. */
  readonly path: string;
  readonly place: string;
  canonical(path: string): string;
  whole(): Store;
}

/**
 * The anchor of --link-dest / --backup-dir for destination tree `destDir` (SPEC §3 "Snapshots"):
 * a DIR is relative to the destination as typed (an absolute DIR on a daemon is relative to the
 * module root), and names the tree holding the same relative paths as that destination (so with
 * `copy src dst`, files under `dst/src/` are looked up under `DIR/src/`, as rsync does). On a
 * daemon a DIR leading out of the module is PATH_ESCAPE, before anything is sent; the daemon
 * checks every path of a snapshot step again. A local anchor store is added to `opened`.
 */
export function snapshotAnchor(req: TransferRequest, dst: AnchorSide, destDir: string, opened: AsyncDisposable[]): SnapshotAnchor {
  const typed = dst.path.replace(/\/+$/, "") || "/";
  const argDir = destDir === typed || destDir.startsWith(`${typed}/`) || typed === "/" ? typed : destDir;
  const rel = (p: string) => p.replace(/^\/+/, "");
  const below = rel(destDir.slice(argDir.length));
  const store = dst.whole();
  const local = dst.place === "local";
  if (local) opened.push(store);
  return {
    store,
    dest: rel(destDir),
    resolve: (dir, flag) => {
      const path = resolveBelow(rel(argDir), dir);
      if (path !== null) return below === "" ? path : joinRel(path, below);
      const why = local
        ? `climbs above / (it is relative to the destination ${displayName(argDir)}): drop the extra '..' steps or give an absolute directory`
        : `leads out of the daemon's module (it is relative to the destination ${displayName(argDir)}): name a directory inside the same module, relative to the destination (${flag} ../NAME) or to the module root (${flag} /NAME)`;
      throw new BlitError("PATH_ESCAPE", `${flag} ${displayName(dir)} ${why}`, { flag, value: dir });
    },
    canonical: (p) => (local ? dst.canonical(`/${p}`) : `/${p}`),
    contained: !local,
  };
}

/**
 * Refuses a --backup-dir inside the source or holding it (a later run would copy the backups, and
 * a move or mirror would read what it moves aside), and, for a mirror, one inside the destination
 * tree or holding it (the mirror would delete or move aside its own backups). USAGE, naming the fix.
 */
export function refuseBackupOverlap(req: TransferRequest, anchor: SnapshotAnchor, sourceCanonical: string | null, destCanonical: string): void {
  const typed = req.backupDir ?? "";
  const backup = anchor.canonical(anchor.resolve(typed, "--backup-dir") as RelPath);
  if (sourceCanonical !== null && overlaps(backup, sourceCanonical)) {
    throw new BlitError("USAGE", `--backup-dir ${displayName(typed)} overlaps the source ${displayName(req.source)}: choose a directory outside the source, e.g. beside the destination (--backup-dir ../backup)`, { flag: "--backup-dir", value: typed });
  }
  if (req.verb === "mirror" && overlaps(backup, destCanonical)) {
    throw new BlitError("USAGE", `--backup-dir ${displayName(typed)} overlaps the mirrored destination ${displayName(req.destination)}: the mirror would delete its own backups; put it beside the destination (--backup-dir ../backup)`, { flag: "--backup-dir", value: typed });
  }
}
