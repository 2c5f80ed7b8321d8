import { displayName, type RelPath } from "../../domain/rel-path.ts";
import type { Reporter } from "../../ports/reporter.ts";
import type { CopyOp } from "../../ports/store-capabilities.ts";
import type { OpResult, Store } from "../../ports/store.ts";
import { writeAcross } from "./cross-store-write.ts";
import type { RunStats } from "./run-stats.ts";

/**
 * Copies `ops` from `src` into `dst` (cross-store-write.ts) and resolves with one result per op, in order. With `verified` (the
 * files cross a network and are checked end to end, SPEC §3), a file that arrived different from
 * what was sent (CORRUPT_DATA) is written once more — its bytes sent again — with a warning and
 * counted in `stats.resent`; the second result is its result. While it runs, progress can name
 * the file carrying bytes (`stats.writingStarted`).
 */
export async function writeResending(dst: Store, src: Store, ops: readonly CopyOp[], verified: boolean, stats: RunStats, reporter: Reporter, signal?: AbortSignal): Promise<OpResult[]> {
  const writing = stats.writingStarted(ops.map((op) => ({ path: op.path, size: op.meta.size })));
  try {
    return await resending(dst, src, ops, verified, stats, reporter, signal);
  } finally {
    stats.written(writing);
  }
}

async function resending(dst: Store, src: Store, ops: readonly CopyOp[], verified: boolean, stats: RunStats, reporter: Reporter, signal?: AbortSignal): Promise<OpResult[]> {
  const results = await writeAcross(dst, src, ops, signal);
  const again = verified ? ops.flatMap((op, i) => (results[i]?.error?.code === "CORRUPT_DATA" ? [i] : [])) : [];
  if (again.length === 0) return results;
  for (const i of again) reporter.warn(`${displayName(ops[i]!.path)} arrived different from what was sent (checksum mismatch); sending it again`);
  stats.resent += again.length;
  const second = await writeAcross(dst, src, again.map((i) => ops[i]!), signal);
  const out = [...results];
  again.forEach((i, k) => (out[i] = second[k]!));
  return out;
}

/** The warning for a file whose source changed while it was read (it landed without the source's mtime). */
export const changedWhileRead = (path: RelPath): string =>
  `${displayName(path)} changed while it was read: what landed may mix two versions; it was given no source modification time, so the next run sends it again`;
