import { parseTransferEnd, type LocalEndpoint } from "../../domain/endpoint.ts";
import type { EntryKind, EntryMeta } from "../../domain/entry.ts";
import { BlitError } from "../../domain/errors.ts";
import { displayName } from "../../domain/rel-path.ts";
import { overlaps, resolveRoots } from "../../domain/transfer-roots.ts";
import type { Store } from "../../ports/store.ts";
import type { EngineDeps } from "./engine-deps.ts";
import type { TransferRequest } from "./transfer-request.ts";

interface Common {
  readonly source: Store;
  readonly dest: Store;
  readonly sourceRootMeta: EntryMeta;
  readonly destRootExists: boolean;
  /** The source was given as `dir/`: its root directory itself stays after a move. */
  readonly sourceContentsOnly: boolean;
}

/** The two stores of a transfer and what the trailing-slash rules made of the paths. */
export type OpenedRoots =
  | (Common & { readonly mode: "tree" })
  | (Common & { readonly mode: "file"; readonly sourceName: string; readonly destName: string; readonly destMeta: EntryMeta | null });

/**
 * Parses both ends, applies the trailing-slash table (SPEC §2), refuses overlapping trees and
 * opens a Store for each side. Throws NOT_FOUND for a missing source, USAGE for bad combinations.
 */
export async function openRoots(req: TransferRequest, deps: EngineDeps): Promise<OpenedRoots> {
  const parse = { home: deps.home, cwd: deps.cwd };
  const src = local(parseTransferEnd(req.source, parse));
  const dst = local(parseTransferEnd(req.destination, parse));
  const srcMeta = await statFollowing(deps, src.path, src.contentsOnly);
  if (srcMeta === null) throw new BlitError("NOT_FOUND", `source not found: ${displayName(req.source)}`, { path: req.source });
  const dstMeta = await statFollowing(deps, dst.path, true);
  const roots = resolveRoots(src, dst, { sourceKind: srcMeta.kind, destKind: kindOrDangling(dstMeta, await lstat(deps, dst.path)) });
  const from = roots.mode === "tree" ? roots.sourceDir : `${roots.sourceDir}/${roots.sourceName}`;
  const to = roots.mode === "tree" ? roots.destDir : `${roots.destDir}/${roots.destName}`;
  if (overlaps(deps.canonicalPath(from), deps.canonicalPath(to))) {
    throw new BlitError("USAGE", `source ${displayName(req.source)} and destination ${displayName(req.destination)} overlap (one is inside the other): choose a destination outside the source`);
  }
  const source = deps.openStore(roots.sourceDir, "source");
  const dest = deps.openStore(roots.destDir, "destination");
  const destRoot = await dest.stat("");
  const common = { source, dest, destRootExists: destRoot?.kind === "dir", sourceContentsOnly: src.contentsOnly };
  if (roots.mode === "tree") return { ...common, mode: "tree", sourceRootMeta: srcMeta };
  const destName = roots.destName ?? "";
  const destMeta = common.destRootExists ? await dest.stat(destName) : null;
  return { ...common, mode: "file", sourceRootMeta: srcMeta, sourceName: roots.sourceName ?? "", destName, destMeta };
}

// --- internal ---

function local(e: ReturnType<typeof parseTransferEnd>): LocalEndpoint {
  if (e.kind !== "local") throw new BlitError("TRANSPORT_UNAVAILABLE", `remote transfers are not available yet: ${e.raw}`);
  return e;
}

async function lstat(deps: EngineDeps, abs: string): Promise<EntryMeta | null> {
  await using store = deps.openStore(abs, "source");
  return store.stat("");
}

/** lstat, or stat through a symlink when `follow` (a `dir/` source, a destination). */
async function statFollowing(deps: EngineDeps, abs: string, follow: boolean): Promise<EntryMeta | null> {
  const meta = await lstat(deps, abs);
  if (meta === null || meta.kind !== "symlink" || !follow) return meta;
  const target = deps.canonicalPath(abs);
  return target === abs ? null : lstat(deps, target);
}

function kindOrDangling(followed: EntryMeta | null, own: EntryMeta | null): EntryKind | null {
  if (followed !== null) return followed.kind;
  return own === null ? null : own.kind;
}
