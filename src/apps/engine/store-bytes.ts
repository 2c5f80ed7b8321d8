import { offers } from "../../domain/capability.ts";
import type { RelPath } from "../../domain/rel-path.ts";
import type { FileBytes, WholeBatch } from "../../ports/file-bytes.ts";
import type { OpenFiles, ReadsInto, SourceChanges, WholeReads } from "../../ports/store-capabilities.ts";
import type { Store } from "../../ports/store.ts";

/** The path each FileBytes of a store reads (for its store's WholeBatch). */
const pathOf = new WeakMap<FileBytes, RelPath>();
/** One WholeBatch per store: FileBytes of one store share it, so their whole reads go together. */
const batches = new WeakMap<Store, WholeBatch>();

/**
 * File `path` of `store` as the bytes of a write (WriteOp.bytes), with the store's fast paths
 * (readWhole, readInto, openFile, sourceChanged) where it offers them.
 */
export function storeBytes(store: Store, path: RelPath): FileBytes {
  const bytes: FileBytes = {
    read: (offset, signal) => store.read(path, offset, signal),
    ...(offers<WholeReads>(store, "readWhole") ? { wholes: batchOf(store) } : {}),
    ...(offers<ReadsInto>(store, "readInto") ? { readInto: (target, signal) => store.readInto(path, target, signal) } : {}),
    ...(offers<OpenFiles>(store, "openFile") ? { open: () => store.openFile(path) } : {}),
    ...(offers<SourceChanges>(store, "sourceChanged") ? { changed: () => store.sourceChanged(path) } : {}),
  };
  pathOf.set(bytes, path);
  return bytes;
}

function batchOf(store: Store & WholeReads): WholeBatch {
  let batch = batches.get(store);
  if (batch === undefined) {
    batch = { readWhole: (files, maxBytes, signal) => store.readWhole(files.map((f) => pathOf.get(f) ?? ""), maxBytes, signal) };
    batches.set(store, batch);
  }
  return batch;
}
