/**
 * Writes whose bytes come from another kind of Store (a network peer's stream) rather than a local
 * path: small files are read into memory and written by the pool in batches, like local copies;
 * large ones go into their temporary through the source's `readInto` when it has one (a transport
 * may then splice them in), else streamed into it on the calling thread. All land atomically.
 */
import * as fs from "node:fs";
import { BlitError, isBlitError } from "../../domain/errors.ts";
import type { FileTarget, OpResult, WriteOp } from "../../ports/store.ts";
import type { CopyMeter } from "./copy-meter.ts";
import { finishTemp, openTemp, type WriteJob } from "./fs-write.ts";
import { toBlitError } from "./to-blit-error.ts";

/** Files up to this size are gathered in memory and written by the pool. */
const IN_MEMORY_MAX_BYTES = 1 << 20;
/** A pool batch of gathered files is sent once it holds this many bytes. */
const POOL_BATCH_BYTES = 16 << 20;

export interface ForeignWriteContext {
  /** The job path of a store path (absolute, or root-relative when contained). */
  jobPath(path: string): string;
  /** Runs write jobs in the pool (results in order). */
  runWrites(jobs: WriteJob[]): Promise<OpResult[]>;
  /** Resolves a job path to an OS path for main-thread use; `done` releases descriptors. */
  resolve(jobPath: string): { path: string; done(): void; scrub(e: BlitError): BlitError };
  readonly meter: CopyMeter;
}

/** Writes `ops` (files from foreign sources), one result each in order. */
export async function writeForeign(ops: readonly WriteOp[], ctx: ForeignWriteContext, signal?: AbortSignal): Promise<OpResult[]> {
  // Ask for every streamed file at once, so a network source can send them as one batch.
  const streams = ops.map((op) => (intoFile(op) ? null : op.source!.store.read(op.source!.path)));
  /** Files whose `readInto` was called: the source then drops them itself when they fail. */
  const asked = new Set<number>();
  const cancel = (k: number): Promise<unknown> => {
    const stream = streams[k];
    if (stream !== null && stream !== undefined) return stream.cancel().catch(() => {});
    if (!asked.has(k)) dropInto(ops[k]!);
    return Promise.resolve();
  };
  const results: OpResult[] = new Array(ops.length);
  let batch: { i: number; job: WriteJob }[] = [];
  let batchBytes = 0;
  const pending: Promise<void>[] = [];
  const flush = () => {
    if (batch.length === 0) return;
    const b = batch;
    batch = [];
    batchBytes = 0;
    pending.push(ctx.runWrites(b.map((x) => x.job)).then((rs) => rs.forEach((r, k) => (results[b[k]!.i] = r))));
  };
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    const stream = streams[i] ?? null;
    try {
      signal?.throwIfAborted();
      if (stream !== null && op.meta.size <= IN_MEMORY_MAX_BYTES) {
        const data = await new Response(stream).bytes();
        batch.push({ i, job: { dst: ctx.jobPath(op.path), meta: op.meta, data } });
        batchBytes += data.length;
        if (batchBytes >= POOL_BATCH_BYTES) flush();
      } else {
        results[i] = { path: op.path, ...(await writeToFile(ctx, ctx.jobPath(op.path), op, stream, signal, () => asked.add(i))) };
      }
    } catch (e) {
      const error = isBlitError(e) ? e : toBlitError(e, op.path, "write");
      results[i] = { path: op.path, bytes: 0, zeroCopyBytes: 0, error };
      await cancel(i);
      if (error.code === "CANCELLED" || error.code === "PEER_CLOSED") {
        for (let k = i + 1; k < ops.length; k++) void cancel(k);
        for (let k = i + 1; k < ops.length; k++) results[k] = { path: ops[k]!.path, bytes: 0, zeroCopyBytes: 0, error };
        break;
      }
    }
  }
  flush();
  await Promise.all(pending);
  return results.map((r, i) => ({ ...r, path: ops[i]!.path }));
}

// --- internal ---

/** A large file whose source can write into its temporary itself. */
const intoFile = (op: WriteOp): boolean => op.meta.size > IN_MEMORY_MAX_BYTES && op.source!.store.readInto !== undefined;

/** Tells the source of a file never asked for through `readInto` to drop its bytes (a stream's cancel). */
function dropInto(op: WriteOp): void {
  const nowhere: FileTarget = { fd: -1, write: () => {}, landed: () => {} };
  void op.source!.store.readInto!(op.source!.path, nowhere, AbortSignal.abort()).catch(() => {});
}

/**
 * Fills a temporary for `op` (through `readInto`, then `asking` is called first; or from `stream`)
 * and renames it into place.
 */
async function writeToFile(
  ctx: ForeignWriteContext,
  jobPath: string,
  op: WriteOp,
  stream: ReadableStream<Uint8Array> | null,
  signal: AbortSignal | undefined,
  asking: () => void,
): Promise<{ bytes: number; zeroCopyBytes: number }> {
  const at = ctx.resolve(jobPath);
  let t: { fd: number; tmpOs: string | Buffer } | null = null;
  try {
    t = openTemp(at.path, op.meta);
    if (stream === null) asking();
    const landed = stream === null ? await readIntoFile(ctx, op, t.fd, signal) : await streamIntoFile(ctx, op, t.fd, stream, signal);
    const { fd, tmpOs } = t;
    t = { fd: -1, tmpOs };
    finishTemp(fd, tmpOs, at.path, op.meta, false);
    return landed;
  } catch (e) {
    if (t !== null && t.fd >= 0) fs.closeSync(t.fd);
    if (t !== null) fs.rmSync(t.tmpOs, { force: true });
    throw at.scrub(isBlitError(e) ? e : toBlitError(e, op.path, "write"));
  } finally {
    at.done();
  }
}

async function streamIntoFile(ctx: ForeignWriteContext, op: WriteOp, fd: number, stream: ReadableStream<Uint8Array>, signal?: AbortSignal): Promise<{ bytes: number; zeroCopyBytes: number }> {
  let pos = 0;
  for await (const chunk of stream) {
    if (signal?.aborted || ctx.meter.cancelled) throw new BlitError("CANCELLED", `cancelled after ${pos} bytes`, { path: op.path });
    let off = 0;
    while (off < chunk.length) off += fs.writeSync(fd, chunk, off, chunk.length - off, pos + off);
    pos += chunk.length;
    ctx.meter.add(chunk.length);
  }
  return { bytes: pos, zeroCopyBytes: 0 };
}

/** The source writes into `fd` itself; it settles only once nothing writes there any more. */
function readIntoFile(ctx: ForeignWriteContext, op: WriteOp, fd: number, signal?: AbortSignal): Promise<{ bytes: number; zeroCopyBytes: number }> {
  const target: FileTarget = {
    fd,
    write: (bytes, offset) => {
      if (signal?.aborted || ctx.meter.cancelled) throw new BlitError("CANCELLED", `cancelled at ${offset} bytes`, { path: op.path });
      try {
        for (let off = 0; off < bytes.length; ) off += fs.writeSync(fd, bytes, off, bytes.length - off, offset + off);
      } catch (e) {
        throw toBlitError(e, op.path, "write");
      }
      ctx.meter.add(bytes.length);
    },
    landed: (n) => ctx.meter.add(n),
  };
  return op.source!.store.readInto!(op.source!.path, target, signal);
}
