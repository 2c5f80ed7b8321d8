import { BlitError } from "../../domain/errors.ts";
import type { RelPath } from "../../domain/rel-path.ts";
import type { DirListing, FileSource, FileTarget, OpResult, Store } from "../../ports/store.ts";
import type { FileDemux } from "./file-demux.ts";

/**
 * Files arriving on a session's data connections, as the source of a Store write: `read(path)`
 * returns the bytes of the file whose id is `path`, `readInto` writes them into a file. Only those
 * are meaningful; it is never listed or written, so the other methods refuse (INTERNAL: a bug if
 * reached).
 */
export class IncomingFiles implements Store {
  readonly location = "incoming data connections";
  readonly capabilities = { nanosecondTimes: true, owners: false };

  constructor(private readonly demux: FileDemux) {}

  /** The write source for file `fileId`. */
  source(fileId: number): FileSource {
    return { store: this, path: String(fileId) };
  }

  read(path: RelPath): ReadableStream<Uint8Array> {
    return this.demux.stream(Number(path));
  }

  /** The bytes of file `path` written into `target` (large payloads straight from the connection). */
  readInto(path: RelPath, target: FileTarget, signal?: AbortSignal): Promise<{ bytes: number; zeroCopyBytes: number }> {
    return this.demux.readInto(Number(path), target, signal);
  }

  stat(): Promise<null> {
    return refuse();
  }
  list(): Promise<DirListing> {
    return refuse();
  }
  write(): Promise<OpResult[]> {
    return refuse();
  }
  copiedBytes(): number {
    return 0;
  }
  setMeta(): Promise<OpResult[]> {
    return refuse();
  }
  remove(): Promise<OpResult[]> {
    return refuse();
  }
  hash(): Promise<Uint8Array> {
    return refuse();
  }
  sync(): Promise<{ durable: boolean }> {
    return refuse();
  }
  async [Symbol.asyncDispose](): Promise<void> {}
}

const refuse = (): Promise<never> => Promise.reject(new BlitError("INTERNAL", "incoming files can only be read"));
