/** Fixtures of the sparse wire tests: a scratch directory on tmpfs, files of data runs and holes, their bytes, a channel's records. */
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalOpenFile } from "../../src/adapters/local/open-file.ts";
import { FrameDecoder, type Record } from "../../src/domain/wire/frame.ts";
import type { FileBytes } from "../../src/ports/file-bytes.ts";
import type { Channel } from "../../src/ports/transport.ts";

const BASE = statSync("/dev/shm", { throwIfNoEntry: false })?.isDirectory() === true ? "/dev/shm" : tmpdir();

/** A temp directory (tmpfs where there is one) removed at the end of the scope. */
export function sparseTempDir(prefix: string): { path: string } & Disposable {
  const path = mkdtempSync(join(BASE, prefix));
  return { path, [Symbol.dispose]: () => rmSync(path, { recursive: true, force: true }) };
}

/** Writes a file of `size` bytes holding `runs` of data at their offsets; the rest holes. */
export function sparseFile(path: string, size: number, runs: readonly (readonly [offset: number, bytes: Uint8Array])[]): void {
  const fd = openSync(path, "w");
  ftruncateSync(fd, size);
  for (const [offset, bytes] of runs) writeSync(fd, bytes, 0, bytes.length, offset);
  closeSync(fd);
}

/** `n` bytes of a pattern that differs by `seed`. */
export const filled = (n: number, seed: number) => new Uint8Array(n).map((_, i) => (i * 31 + seed) & 255);

/** The bytes of a real file, opened for a send. */
export const bytesOf = (path: string): FileBytes => ({ read: () => new Response(Bun.file(path)).body!, open: async () => LocalOpenFile.of(openSync(path, "r")) });

/** The records on `channel` up to its END (data pieces copied out of the channel's buffers). */
export async function recordsOn(channel: Channel): Promise<Record[]> {
  const decoder = new FrameDecoder();
  const out: Record[] = [];
  for await (const chunk of channel.incoming) for (const r of decoder.push(chunk)) {
    if (r.type === "end") return out;
    out.push(r.type === "data" ? { ...r, piece: r.piece.slice() } : r);
  }
  return out;
}
