/**
 * Writes of files whose bytes are handed over (WriteOp.bytes: a network peer's stream, another
 * store's file, memory) rather than copied from a local path: small files are read into memory
 * (whole, where the bytes offer it) and written by the pool in batches, like local copies; large
 * ones go into their temporary through the bytes' `readInto` when they offer it (a transport may
 * then splice them in), else streamed into it on the calling thread. All land atomically.
 */
import * as fs from "node:fs";
import { BlitError, isBlitError, throwIfCancelled } from "../../domain/errors.ts";
import type { FileBytes, WholeBatch } from "../../ports/file-bytes.ts";
import type { FileTarget, WholeRead } from "../../ports/store-capabilities.ts";
import type { OpResult, WriteOp } from "../../ports/store.ts";
import type { CopyMeter } from "./copy-meter.ts";
import { displayName, type RelPath } from "../../domain/rel-path.ts";
import { fromLossItem, newWriteJob, type LossItem } from "./fidelity-write.ts";
import { finishTemp, openTemp, type OpenTemp, type WriteJob } from "./fs-write.ts";
import { copyFileRange } from "./libc.ffi.ts";
import { openRegular } from "./open-regular.ts";
import { toOsPath } from "./os-path.ts";
import { toBlitError } from "./to-blit-error.ts";

/** Files up to this size are gathered in memory and written by the pool. */
const IN_MEMORY_MAX_BYTES = 1 << 20;
/** A pool batch of gathered files is sent once it holds this many bytes. */
const POOL_BATCH_BYTES = 16 << 20;
/** Whole-file reads are asked for in runs of at most this many files. */
const WHOLE_RUN_FILES = 512;
/** A file announced as small that keeps sending past this is refused (bounds memory per file). */
const IN_MEMORY_LIMIT_BYTES = 64 << 20;

export interface BytesWriteContext {
  /** The job path of a store path (absolute, or root-relative when contained). */
  jobPath(path: string): string;
  /** A buffer of at least `bytes` for a batch's bytes (reused when the pool gave one back). */
  buffer(bytes: number): ArrayBuffer;
  /** Runs write jobs in the pool (results in order); `transfer`: buffers moved to the thread. */
  runWrites(jobs: WriteJob[], transfer: readonly ArrayBuffer[]): Promise<OpResult[]>;
  /** Resolves a job path to an OS path for main-thread use; `done` releases descriptors. */
  resolve(jobPath: string): { path: string; done(): void; scrub(e: BlitError): BlitError };
  readonly meter: CopyMeter;
}

/** Writes `ops` (files with `bytes`), one result each in order. */
export async function writeBytes(ops: readonly WriteOp[], ctx: BytesWriteContext, signal?: AbortSignal): Promise<OpResult[]> {
  const offsets = ops.map((op) => op.resumeFrom ?? 0);
  // Ask for every file at once, so a network source can send them as one batch: small files
  // whole (no stream per file) where the source can, the others as streams.
  const wholes = wholeReads(ops, offsets);
  const streams = ops.map((op, i) => (wholes.has(i) || intoFile(op, offsets[i]!) ? null : op.bytes!.read(offsets[i]!)));
  /** Files whose `readInto` was called: the source then drops them itself when they fail. */
  const asked = new Set<number>();
  const cancel = (k: number): Promise<unknown> => {
    const stream = streams[k];
    if (stream !== null && stream !== undefined) return stream.cancel().catch(() => {});
    if (intoFile(ops[k]!, offsets[k]!) && !asked.has(k)) dropInto(ops[k]!);
    return Promise.resolve();
  };
  const results: OpResult[] = new Array(ops.length);
  let batch: Gathered[] = [];
  let batchBytes = 0;
  const pending: Promise<void>[] = [];
  /** The source went away or the run was cancelled: the whole write fails, not its files one by one. */
  let lost: BlitError | null = null;
  const flush = () => {
    if (batch.length === 0) return;
    const b = batch;
    const { jobs, buffer } = pack(b, batchBytes, ctx);
    batch = [];
    batchBytes = 0;
    pending.push(ctx.runWrites(jobs, [buffer]).then((rs) => rs.forEach((r, k) => (results[b[k]!.i] = withChange(r, b[k]!.op)))));
  };
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    let stream = streams[i] ?? null;
    try {
      throwIfCancelled(signal);
      const whole = wholes.get(i);
      const r = whole === undefined ? null : await whole;
      if (r !== null && "error" in r) throw r.error;
      if (r !== null) {
        batch.push({ i, op: asLanded(op, r.changed === true), parts: [r.bytes], bytes: r.bytes.length, release: r.release });
        batchBytes += r.bytes.length;
        if (batchBytes >= POOL_BATCH_BYTES) flush();
        continue;
      }
      if (stream === null && !intoFile(op, offsets[i]!)) stream = op.bytes!.read(offsets[i]!);
      if (stream !== null && offsets[i] === 0 && op.meta.size <= IN_MEMORY_MAX_BYTES) {
        const g = await gather(i, op, stream);
        batch.push({ ...g, op: asLanded(op, false) });
        batchBytes += g.bytes;
        if (batchBytes >= POOL_BATCH_BYTES) flush();
      } else {
        const landed = await writeToFile(ctx, ctx.jobPath(op.path), op, stream, offsets[i]!, signal, () => asked.add(i));
        const losses = landed.losses === undefined ? {} : { losses: landed.losses.map(fromLossItem) };
        results[i] = { path: op.path, bytes: landed.bytes, zeroCopyBytes: landed.zeroCopyBytes, ...(landed.changed ? { sourceChanged: true } : {}), ...losses };
      }
    } catch (e) {
      const error = isBlitError(e) ? e : toBlitError(e, op.path, "write");
      results[i] = { path: op.path, bytes: 0, zeroCopyBytes: 0, error };
      if (stream !== null) await stream.cancel().catch(() => {});
      else await cancel(i);
      if (error.code === "CANCELLED" || error.code === "PEER_CLOSED") {
        for (let k = i + 1; k < ops.length; k++) void cancel(k);
        lost = error;
        break;
      }
    }
  }
  flush();
  await Promise.all(pending);
  // A lost peer interrupts the run (exit 7, retryable), as it does when pushing.
  if (lost !== null) throw lost;
  return results.map((r, i) => ({ ...r, path: ops[i]!.path }));
}

// --- internal ---

/** Marks an op whose source changed while it was read there (SPEC §3). */
const CHANGED = Symbol("source changed while read");

/**
 * `op` as it lands once its bytes are all in: when its source changed while it was read (the
 * source says so, or `changed`), one nanosecond before the listed mtime, which the changed source
 * file never has, so the next run sends it again.
 */
function asLanded(op: WriteOp, changed: boolean): WriteOp {
  if (!changed && op.bytes?.changed?.() !== true) return op;
  return Object.assign({ ...op, meta: { ...op.meta, mtimeNs: op.meta.mtimeNs - 1n } }, { [CHANGED]: true });
}

const withChange = (r: OpResult, op: WriteOp): OpResult => (CHANGED in op && r.error === undefined ? { ...r, sourceChanged: true } : r);

/**
 * Whole-file reads of the small files whose bytes offer them (FileBytes.wholes), asked for all at
 * once in runs of one batch, at most WHOLE_RUN_FILES files or POOL_BATCH_BYTES each; one promise per op
 * index (never rejecting: a failure is that file's `error`).
 */
function wholeReads(ops: readonly WriteOp[], offsets: readonly number[]): Map<number, Promise<WholeRead>> {
  const out = new Map<number, Promise<WholeRead>>();
  let run: number[] = [];
  let runBytes = 0;
  let batch: WholeBatch | null = null;
  const ask = () => {
    if (batch === null || run.length === 0) return;
    const idx = run;
    const reads = batch.readWhole(idx.map((i) => ops[i]!.bytes!), IN_MEMORY_LIMIT_BYTES);
    idx.forEach((i, k) => out.set(i, reads.then((r) => r[k] ?? null, (e: unknown) => ({ error: isBlitError(e) ? e : toBlitError(e, ops[i]!.path, "read") }))));
    run = [];
    runBytes = 0;
  };
  ops.forEach((op, i) => {
    const wholes = op.bytes!.wholes;
    if (offsets[i] !== 0 || op.meta.size > IN_MEMORY_MAX_BYTES || wholes === undefined) return;
    if (wholes !== batch || run.length >= WHOLE_RUN_FILES || runBytes >= POOL_BATCH_BYTES) ask();
    batch = wholes;
    run.push(i);
    runBytes += op.meta.size;
  });
  ask();
  return out;
}

/** A small file's bytes as they arrived (usually one chunk), before packing. */
interface Gathered {
  readonly i: number;
  readonly op: WriteOp;
  readonly parts: Uint8Array[];
  readonly bytes: number;
  /** Gives the parts' memory back to their source once they were copied. */
  readonly release?: () => void;
}

async function gather(i: number, op: WriteOp, stream: ReadableStream<Uint8Array>): Promise<Gathered> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let bytes = 0;
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) return { i, op, parts, bytes };
      parts.push(r.value);
      bytes += r.value.length;
      if (bytes > IN_MEMORY_LIMIT_BYTES) throw new BlitError("CORRUPT_DATA", `'${op.path}' sent more than ${IN_MEMORY_LIMIT_BYTES} bytes though announced as ${op.meta.size}`, { path: op.path });
    }
  } catch (e) {
    await reader.cancel().catch(() => {});
    throw e;
  }
}

/**
 * The batch's bytes copied into one buffer that moves to the pool thread without a copy (and
 * comes back for the next batch): Bun's structured clone of thousands of separate small buffers
 * costs ~100 µs each; one transferred buffer with views into it costs ~10 µs per file.
 */
function pack(batch: readonly Gathered[], bytes: number, ctx: BytesWriteContext): { jobs: WriteJob[]; buffer: ArrayBuffer } {
  const buffer = ctx.buffer(bytes);
  let at = 0;
  const jobs = batch.map((g): WriteJob => {
    const data = new Uint8Array(buffer, at, g.bytes);
    let off = 0;
    for (const p of g.parts) {
      data.set(p, off);
      off += p.length;
    }
    g.release?.();
    at += g.bytes;
    return { dst: ctx.jobPath(g.op.path), meta: g.op.meta, data };
  });
  return { jobs, buffer };
}

/** A large file whose bytes can go into its temporary by themselves (not a resumed one). */
const intoFile = (op: WriteOp, offset: number): boolean => offset === 0 && op.meta.size > IN_MEMORY_MAX_BYTES && op.bytes!.readInto !== undefined;

/** Tells the source of a file never asked for through `readInto` to drop its bytes (a stream's cancel). */
function dropInto(op: WriteOp): void {
  const nowhere: FileTarget = { fd: -1, write: () => {}, landed: () => {}, setSize: () => {} };
  void op.bytes!.readInto!(nowhere, AbortSignal.abort()).catch(() => {});
}

/**
 * Fills a temporary for `op`: the first `keep` bytes from the file it replaces (--resume), the
 * rest through `readInto` (then `asking` is called first) or from `stream`; renames it into place.
 */
async function writeToFile(
  ctx: BytesWriteContext,
  jobPath: string,
  op: WriteOp,
  stream: ReadableStream<Uint8Array> | null,
  keep: number,
  signal: AbortSignal | undefined,
  asking: () => void,
): Promise<{ bytes: number; zeroCopyBytes: number; changed: boolean; losses?: LossItem[] }> {
  const at = ctx.resolve(jobPath);
  let t: OpenTemp | null = null;
  try {
    t = openTemp(at.path, op.meta);
    if (keep > 0) copyPrefix(at.path, t.fd, keep, op.path);
    if (stream === null) asking();
    const landed = stream === null ? await readIntoFile(ctx, op, t.fd, signal) : await streamIntoFile(ctx, op, t.fd, stream, keep, signal);
    const open = t;
    t = { ...open, fd: -1 };
    const final = asLanded(op, false);
    newWriteJob(); // outside a job: ask the directory again (its descriptor number may name another one now)
    const losses = finishTemp(open, at.path, final.meta, false);
    return { ...landed, changed: final !== op, ...(losses === undefined ? {} : { losses }) };
  } catch (e) {
    if (t !== null && t.fd >= 0) fs.closeSync(t.fd);
    if (t !== null) fs.rmSync(t.tmpOs, { force: true });
    throw at.scrub(isBlitError(e) ? naming(e, op.path) : toBlitError(e, op.path, "write"));
  } finally {
    at.done();
  }
}

/** `e` naming the file it happened to, when it came from a part that did not know the name. */
function naming(e: BlitError, path: RelPath): BlitError {
  if (e.details.path !== undefined) return e;
  const reason = typeof e.details.reason === "string" ? e.details.reason : e.message;
  return new BlitError(e.code, `cannot write ${displayName(path)}: ${reason}`, { ...e.details, path }, { cause: e });
}

/** Writes `stream` into `fd` from offset `from`; the bytes written. */
async function streamIntoFile(ctx: BytesWriteContext, op: WriteOp, fd: number, stream: ReadableStream<Uint8Array>, from: number, signal?: AbortSignal): Promise<{ bytes: number; zeroCopyBytes: number }> {
  let pos = from;
  for await (const chunk of stream) {
    if (signal?.aborted || ctx.meter.cancelled) throw new BlitError("CANCELLED", `cancelled after ${pos} bytes`, { path: op.path });
    let off = 0;
    while (off < chunk.length) off += fs.writeSync(fd, chunk, off, chunk.length - off, pos + off);
    pos += chunk.length;
    ctx.meter.add(chunk.length);
  }
  return { bytes: pos - from, zeroCopyBytes: 0 };
}

/** The source writes into `fd` itself; it settles only once nothing writes there any more. */
function readIntoFile(ctx: BytesWriteContext, op: WriteOp, fd: number, signal?: AbortSignal): Promise<{ bytes: number; zeroCopyBytes: number }> {
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
    setSize: (size) => {
      try {
        fs.ftruncateSync(fd, size);
      } catch (e) {
        throw toBlitError(e, op.path, "write");
      }
    },
  };
  return (op.bytes as Required<FileBytes>).readInto(target, signal);
}

/** Copies the first `length` bytes of the existing file at `dst` into `fdOut` (--resume). */
function copyPrefix(dst: string, fdOut: number, length: number, path: RelPath): void {
  const fdIn = openRegular(toOsPath(dst)).fd;
  try {
    let pos = 0;
    while (pos < length) {
      const n = copyFileRange(fdIn, pos, fdOut, pos, length - pos);
      if (n < 0) break;
      if (n === 0) throw new BlitError("CORRUPT_DATA", `'${path}' shrank while its first ${length} bytes were being kept (--resume); run again`, { path });
      pos += n;
    }
    const buf = Buffer.allocUnsafe(Math.min(1 << 20, Math.max(1, length - pos)));
    while (pos < length) {
      const n = fs.readSync(fdIn, buf, 0, Math.min(buf.length, length - pos), pos);
      if (n === 0) throw new BlitError("CORRUPT_DATA", `'${path}' shrank while its first ${length} bytes were being kept (--resume); run again`, { path });
      let off = 0;
      while (off < n) off += fs.writeSync(fdOut, buf, off, n - off, pos + off);
      pos += n;
    }
  } finally {
    fs.closeSync(fdIn);
  }
}
