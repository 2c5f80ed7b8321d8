import { offers } from "../../domain/capability.ts";
import { BlitError, throwIfCancelled } from "../../domain/errors.ts";
import { fidelityLoss } from "../../domain/fidelity.ts";
import { hasParentSegment } from "../../domain/peer-path.ts";
import { displayName, joinRel, type RelPath } from "../../domain/rel-path.ts";
import type { BlockHashes, DestinationClaims, HardLinks, LinkOp, LinkResult, WholeRead, WholeReads, WriteProgress } from "../../ports/store-capabilities.ts";
import type { DirListing, MetaUpdate, OpResult, Store, StoreCapabilities, WriteOp } from "../../ports/store.ts";

/**
 * Directory `dir` of a shared store (a daemon's module, which other sessions use at the same time)
 * as a Store of its own: every path is joined to `dir` and results come back relative to it.
 * A `..` is refused here (PATH_ESCAPE); the rest of containment stays the inner store's (a module
 * store resolves every path beneath its root).
 * The signal of `write` is not passed on, since a store may cancel all of its copies in progress
 * when one aborts; a cancelled run stops between batches and its writes fail with their source.
 * Disposing the view leaves the inner store open: it belongs to someone else.
 */
export class StoreView implements Store, WholeReads, WriteProgress, BlockHashes, DestinationClaims, HardLinks {
  readonly capabilities: StoreCapabilities;

  constructor(
    private readonly inner: Store,
    private readonly dir: RelPath,
    readonly location: string,
  ) {
    this.capabilities = inner.capabilities;
  }

  stat(path: RelPath) {
    return this.inner.stat(this.at(path));
  }

  list(dir: RelPath, signal?: AbortSignal): Promise<DirListing> {
    return this.inner.list(this.at(dir), signal);
  }

  read(path: RelPath, offset?: number, signal?: AbortSignal): ReadableStream<Uint8Array> {
    return this.inner.read(this.at(path), offset, signal);
  }

  async write(ops: readonly WriteOp[], signal?: AbortSignal): Promise<OpResult[]> {
    throwIfCancelled(signal);
    return relative(await this.inner.write(ops.map((op) => ({ ...op, path: this.at(op.path) }))), ops);
  }

  /** HardLinks.link of the inner store; where it makes none, each link is a loss (the caller writes copies). */
  async link(ops: readonly LinkOp[], signal?: AbortSignal): Promise<LinkResult[]> {
    if (!offers<HardLinks>(this.inner, "link")) return ops.map((op) => ({ path: op.path, bytes: 0, zeroCopyBytes: 0, error: fidelityLoss("hard-links", `${this.location} makes no hard links`) }));
    return relative(await this.inner.link(ops.map((op) => ({ path: this.at(op.path), to: this.at(op.to) })), signal), ops);
  }

  copiedBytes(): number {
    return offers<WriteProgress>(this.inner, "copiedBytes") ? this.inner.copiedBytes() : 0;
  }

  async setMeta(entries: readonly MetaUpdate[]): Promise<OpResult[]> {
    return relative(await this.inner.setMeta(entries.map((e) => ({ ...e, path: this.at(e.path) }))), entries);
  }

  async remove(paths: readonly RelPath[], options?: { readonly onlyEmptyDirs?: boolean }): Promise<OpResult[]> {
    return relative(await this.inner.remove(paths.map((p) => this.at(p)), options), paths.map((path) => ({ path })));
  }

  async readWhole(paths: readonly RelPath[], maxBytes: number, signal?: AbortSignal): Promise<WholeRead[]> {
    return offers<WholeReads>(this.inner, "readWhole") ? this.inner.readWhole(paths.map((p) => this.at(p)), maxBytes, signal) : paths.map(() => null);
  }

  async blockHashes(path: RelPath, signal?: AbortSignal): Promise<Uint8Array[]> {
    return offers<BlockHashes>(this.inner, "blockHashes") ? this.inner.blockHashes(this.at(path), signal) : [];
  }

  hash(path: RelPath, signal?: AbortSignal): Promise<Uint8Array> {
    return this.inner.hash(this.at(path), signal);
  }

  sync() {
    return this.inner.sync();
  }

  async claimDestination(path: RelPath, exclusive: boolean): Promise<AsyncDisposable> {
    return offers<DestinationClaims>(this.inner, "claimDestination") ? this.inner.claimDestination(this.at(path), exclusive) : { [Symbol.asyncDispose]: async () => {} };
  }

  async [Symbol.asyncDispose](): Promise<void> {}

  // --- internal ---

  /** `path` inside the view's directory; a `..` (which no RelPath holds) is PATH_ESCAPE here, not a sibling of the view. */
  private at(path: RelPath): RelPath {
    if (hasParentSegment(path)) throw new BlitError("PATH_ESCAPE", `${displayName(path)} steps out through '..': refused`, { path });
    return path === "" ? this.dir : this.dir === "" ? path : joinRel(this.dir, path);
  }
}

/** One result per op, in order, named by the op's own (view-relative) path. */
function relative(results: OpResult[], ops: readonly { readonly path: RelPath }[]): OpResult[] {
  return results.map((r, i) => ({ ...r, path: ops[i]?.path ?? r.path }));
}
