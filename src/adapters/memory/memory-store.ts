import { createHash } from "node:crypto";
import type { DirEntry, EntryMeta } from "../../domain/entry.ts";
import { BlitError, isBlitError, throwIfCancelled, type ErrorCode } from "../../domain/errors.ts";
import { displayName, type RelPath } from "../../domain/rel-path.ts";
import { isTemporaryName } from "../../domain/temp-name.ts";
import type { DirListing, MetaUpdate, OpResult, Store, StoreCapabilities, WriteOp } from "../../ports/store.ts";
import { components, node, type MemoryNode, type MemoryTree } from "./memory-tree.ts";

/** Bytes per chunk of a `read` stream. */
const CHUNK_BYTES = 64 * 1024;

/**
 * Directory `root` of a MemoryTree as a Store: the narrow Store and nothing more (no fast path,
 * no progress meter), for tests of the engine without processes or disks. It keeps the Store's
 * promises: paths stay below `root` (a `..` is PATH_ESCAPE); no lookup follows a symlink (a path
 * going on through one, or a list of one, is PATH_ESCAPE); a file lands whole once all its bytes
 * arrived (it has no temporaries of its own; one put in its tree is never listed and goes with
 * the next write into its directory), and a failed or cancelled write leaves what was there; a
 * directory or file without any read bit is PERMISSION_DENIED to `list` and `read`; a missing one
 * is NOT_FOUND.
 */
export class MemoryStore implements Store {
  readonly capabilities: StoreCapabilities = { nanosecondTimes: true, owners: false };
  readonly location: string;

  constructor(
    private readonly tree: MemoryTree,
    private readonly root: string,
  ) {
    this.location = `memory:${root}`;
  }

  async stat(path: RelPath): Promise<EntryMeta | null> {
    return this.find(path)?.meta ?? null;
  }

  async list(dir: RelPath, signal?: AbortSignal): Promise<DirListing> {
    throwIfCancelled(signal);
    const n = this.find(dir);
    if (n?.meta.kind === "symlink") throw new BlitError("PATH_ESCAPE", `${displayName(dir)} is a symlink, which is never followed: refused`, { path: dir });
    if (n === null || n.meta.kind !== "dir") throw failure("NOT_FOUND", "list", dir, n === null ? "no such file or directory" : "not a directory");
    if (unreadable(n)) throw failure("PERMISSION_DENIED", "list", dir, "permission denied");
    const entries: DirEntry[] = [...n.children].filter(([name]) => !isTemporaryName(name)).map(([name, child]) => ({ name, meta: child.meta }));
    return { entries, failures: [] };
  }

  read(path: RelPath, offset = 0, signal?: AbortSignal): ReadableStream<Uint8Array> {
    let data: Uint8Array | null = null;
    let at = offset;
    return new ReadableStream<Uint8Array>({
      pull: (controller) => {
        if (signal?.aborted) throw new BlitError("CANCELLED", `reading ${displayName(path)} was cancelled`, { path });
        data ??= this.file(path, "read").data;
        if (at >= data.length) return controller.close();
        controller.enqueue(data.slice(at, at + CHUNK_BYTES));
        at += CHUNK_BYTES;
      },
    });
  }

  async write(ops: readonly WriteOp[], signal?: AbortSignal): Promise<OpResult[]> {
    if (signal?.aborted) throw cancelled(ops[0]?.path ?? "");
    const out: OpResult[] = [];
    for (const op of ops) {
      try {
        if (signal?.aborted) throw cancelled(op.path);
        out.push(await this.writeOne(op, signal));
      } catch (e) {
        const error = isBlitError(e) ? e : new BlitError("INTERNAL", `cannot write ${displayName(op.path)}: ${String(e)}`, { path: op.path });
        out.push({ path: op.path, bytes: 0, zeroCopyBytes: 0, error });
      }
    }
    return out;
  }

  async setMeta(entries: readonly MetaUpdate[]): Promise<OpResult[]> {
    return entries.map(({ path, meta }) => {
      const n = this.find(path);
      if (n === null) return { path, bytes: 0, zeroCopyBytes: 0, error: failure("NOT_FOUND", "set metadata of", path, "no such file or directory") };
      n.meta = { ...n.meta, mode: meta.mode, mtimeNs: meta.mtimeNs };
      return { path, bytes: 0, zeroCopyBytes: 0 };
    });
  }

  async remove(paths: readonly RelPath[], options?: { readonly onlyEmptyDirs?: boolean }): Promise<OpResult[]> {
    return paths.map((path) => {
      const { parent, name } = this.place(path);
      const n = parent?.meta.kind === "dir" ? parent.children.get(name) : undefined;
      if (parent === null || n === undefined) return { path, bytes: 0, zeroCopyBytes: 0 };
      if (options?.onlyEmptyDirs === true && n.meta.kind === "dir" && n.children.size > 0) {
        return { path, bytes: 0, zeroCopyBytes: 0, error: failure("ALREADY_EXISTS", "remove", path, "directory not empty") };
      }
      parent.children.delete(name);
      return { path, bytes: 0, zeroCopyBytes: 0 };
    });
  }

  async hash(path: RelPath, signal?: AbortSignal): Promise<Uint8Array> {
    throwIfCancelled(signal);
    return new Uint8Array(createHash("sha256").update(this.file(path, "read").data).digest());
  }

  async sync(): Promise<{ durable: boolean; reason?: string }> {
    return { durable: false, reason: `${this.location} is in memory: nothing outlives the process` };
  }

  async [Symbol.asyncDispose](): Promise<void> {}

  // --- internal ---

  private abs(path: RelPath): string {
    return [...components(this.root), ...components(path)].join("/");
  }

  /**
   * The node at `path`, null when nothing is there; a path that goes on through a symlink is
   * PATH_ESCAPE (a symlink is never followed, so it can lead nowhere, least of all out).
   */
  private find(path: RelPath): MemoryNode | null {
    let at = this.tree.find(this.root);
    for (const name of components(path)) {
      if (at === null) return null;
      if (at.meta.kind === "symlink") throw new BlitError("PATH_ESCAPE", `${displayName(path)} goes through a symlink: refused`, { path });
      if (at.meta.kind !== "dir") return null;
      at = at.children.get(name) ?? null;
    }
    return at;
  }

  /** The directory that holds `path` (null when it is missing or not a directory) and its name there. */
  private place(path: RelPath): { parent: MemoryNode | null; name: string } {
    const names = components(path);
    const name = names.pop();
    const parent = name === undefined ? this.tree.find(components(this.root).slice(0, -1).join("/")) : this.find(names.join("/"));
    const own = name ?? components(this.root).at(-1) ?? "";
    if (parent?.meta.kind === "symlink") throw new BlitError("PATH_ESCAPE", `${displayName(path)} goes through a symlink: refused`, { path });
    return { parent: parent?.meta.kind === "dir" && own !== "" ? parent : null, name: own };
  }

  /** The regular file at `path`, readable; else NOT_FOUND or PERMISSION_DENIED. */
  private file(path: RelPath, what: string): MemoryNode {
    const n = this.find(path);
    if (n === null || n.meta.kind !== "file") throw failure("NOT_FOUND", what, path, n === null ? "no such file or directory" : "not a regular file");
    if (unreadable(n)) throw failure("PERMISSION_DENIED", what, path, "permission denied");
    return n;
  }

  private async writeOne(op: WriteOp, signal?: AbortSignal): Promise<OpResult> {
    const { path, meta } = op;
    if (meta.kind === "dir") return this.makeDir(path, meta);
    if (meta.kind === "special") throw new BlitError("INTERNAL", `cannot write a special file: ${displayName(path)}`, { path });
    let data: Uint8Array = new Uint8Array();
    let changed = false;
    if (meta.kind === "file") {
      if (op.bytes === undefined) throw new BlitError("INTERNAL", `no bytes for ${displayName(path)}`, { path });
      const keep = op.resumeFrom ?? 0;
      const prefix = keep === 0 ? new Uint8Array() : this.file(path, "keep the start of").data.subarray(0, keep);
      if (prefix.length < keep) throw new BlitError("CORRUPT_DATA", `'${path}' shrank while its first ${keep} bytes were being kept (--resume); run again`, { path });
      data = await readAll(op.bytes.read(keep, signal), prefix, path, signal);
      changed = op.bytes.changed?.() === true;
    }
    // Looked up only now: the bytes took a while, and the tree may have changed meanwhile.
    const { parent, name } = this.place(path);
    if (parent === null) throw failure("NOT_FOUND", "write", path, "no such file or directory");
    if (parent.children.get(name)?.meta.kind === "dir") throw failure("ALREADY_EXISTS", "write", path, "is a directory");
    const landed: EntryMeta = { ...meta, size: meta.kind === "file" ? data.length : meta.size, mtimeNs: changed ? meta.mtimeNs - 1n : meta.mtimeNs };
    for (const other of [...parent.children.keys()]) if (isTemporaryName(other)) parent.children.delete(other);
    parent.children.set(name, node(landed, data));
    return { path, bytes: data.length - (op.resumeFrom ?? 0), zeroCopyBytes: 0, ...(changed ? { sourceChanged: true } : {}) };
  }

  /** A directory at `path` (missing parents too, as `mkdir -p`); one already there is kept as it is. */
  private makeDir(path: RelPath, meta: EntryMeta): OpResult {
    const abs = this.abs(path);
    const there = this.find(path);
    if (there?.meta.kind !== "dir") {
      const { parent, name } = this.place(path);
      if (parent === null) this.tree.mkdirs(abs.split("/").slice(0, -1).join("/"), meta.mtimeNs);
      const holder = this.place(path).parent;
      if (holder === null) throw failure("NOT_FOUND", "create directory", path, "a parent is not a directory");
      holder.children.set(name, node({ ...meta, size: 0, mode: 0o755 }));
    }
    return { path, bytes: 0, zeroCopyBytes: 0 };
  }
}

const unreadable = (n: MemoryNode): boolean => (n.meta.mode & 0o444) === 0;

const cancelled = (path: RelPath): BlitError => new BlitError("CANCELLED", `writing ${displayName(path)} was cancelled`, { path });

/** `prefix` and then every byte of `stream`; CANCELLED as soon as `signal` aborts (the stream is cancelled). */
async function readAll(stream: ReadableStream<Uint8Array>, prefix: Uint8Array, path: RelPath, signal?: AbortSignal): Promise<Uint8Array> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [prefix.slice()];
  let size = prefix.length;
  const stop = () => void reader.cancel().catch(() => {});
  signal?.addEventListener("abort", stop, { once: true });
  try {
    for (;;) {
      const r = await reader.read();
      if (signal?.aborted) throw cancelled(path);
      if (r.done) break;
      parts.push(r.value);
      size += r.value.length;
    }
  } catch (e) {
    stop();
    throw e;
  } finally {
    signal?.removeEventListener("abort", stop);
  }
  const data = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.length;
  }
  return data;
}

function failure(code: ErrorCode, what: string, path: RelPath, reason: string): BlitError {
  return new BlitError(code, `cannot ${what} ${displayName(path)}: ${reason}`, { path, reason });
}
