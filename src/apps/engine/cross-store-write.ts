import { offers } from "../../domain/capability.ts";
import { RESUME_BLOCK_BYTES, sharedPrefix } from "../../domain/resume-prefix.ts";
import type { BlockHashes, CopyOp, DirectCopies } from "../../ports/store-capabilities.ts";
import type { OpResult, Store, WriteOp } from "../../ports/store.ts";
import { storeBytes } from "./store-bytes.ts";

/**
 * Copies `ops` from `src` into `dst`, one result per op in order: directly when `dst` copies from
 * stores of `src`'s kind (DirectCopies: copy_file_range, reflink), else as writes whose files
 * carry `src`'s bytes (WriteOp.bytes). With --resume between stores, a file keeps the leading
 * blocks the destination's copy shares with the source (block hashes of both, when both can tell
 * them; else a whole copy, never a wrong one).
 */
export async function writeAcross(dst: Store, src: Store, ops: readonly CopyOp[], signal?: AbortSignal): Promise<OpResult[]> {
  if (offers<DirectCopies>(dst, "copiesFrom", "copyFrom") && dst.copiesFrom(src)) return dst.copyFrom(src, ops, signal);
  // Resumed files ask both stores for block hashes first; the others start at 0 (no promise per file).
  const from = ops.some((op) => op.resume === true) ? await Promise.all(ops.map((op) => resumeOffset(dst, src, op))) : null;
  return dst.write(ops.map((op, i) => writeOp(op, src, from?.[i] ?? 0)), signal);
}

function writeOp(op: CopyOp, src: Store, resumeFrom: number): WriteOp {
  const base = { path: op.path, meta: op.meta, ...(op.resume === true ? { resume: true } : {}) };
  if (op.meta.kind !== "file" || op.from === undefined) return base;
  return { ...base, bytes: storeBytes(src, op.from), ...(resumeFrom > 0 ? { resumeFrom } : {}) };
}

async function resumeOffset(dst: Store, src: Store, op: CopyOp): Promise<number> {
  if (op.resume !== true || op.from === undefined || op.meta.kind !== "file" || op.meta.size <= RESUME_BLOCK_BYTES) return 0;
  if (!offers<BlockHashes>(src, "blockHashes") || !offers<BlockHashes>(dst, "blockHashes")) return 0;
  try {
    const [a, b] = await Promise.all([src.blockHashes(op.from), dst.blockHashes(op.path)]);
    return sharedPrefix(a, b, op.meta.size);
  } catch {
    return 0;
  }
}
