/**
 * The one place the Store contracts build a file write: every file a safety or atomicity case
 * puts into a store goes through {@link putFile} or {@link putStream}, so a change to how
 * WriteOp names its bytes is an edit here only. A WriteOp carries its bytes as a FileBytes: here
 * one whose `read` is the stream given.
 */
import { BlitError } from "../../src/domain/errors.ts";
import type { EntryMeta } from "../../src/domain/entry.ts";
import type { OpResult, Store } from "../../src/ports/store.ts";

/** The metadata every file written by these helpers lands with. */
export const fileMeta = (size: number): EntryMeta => ({ kind: "file", size, mtimeNs: 1_600_000_000_000_000_000n, mode: 0o644, uid: 0, gid: 0 });

/** Writes `bytes` as file `path` of `store`; the op's result (its `error` when it failed). */
export async function putFile(store: Store, path: string, bytes: Uint8Array, signal?: AbortSignal): Promise<OpResult> {
  return putStream(store, path, bytes.length, () => new Blob([bytes]).stream(), signal);
}

/**
 * Writes file `path` of `store`, announced as `size` bytes, from the stream `open` returns
 * (a gated or failing one, for the atomicity cases).
 */
export async function putStream(store: Store, path: string, size: number, open: () => ReadableStream<Uint8Array>, signal?: AbortSignal): Promise<OpResult> {
  const [r] = await store.write([{ path, meta: fileMeta(size), bytes: { read: () => open() } }], signal);
  return r!;
}

/** The code of what `run` ended with: a rejection's, or the first result's error's; "none" when it succeeded. */
export async function outcomeCode(run: () => Promise<readonly OpResult[] | OpResult | unknown>): Promise<string> {
  try {
    const r = await run();
    const first = Array.isArray(r) ? (r[0] as OpResult | undefined) : (r as OpResult | undefined);
    const error = typeof first === "object" && first !== null && "error" in first ? first.error : undefined;
    return error === undefined ? "none" : error.code;
  } catch (e) {
    return e instanceof BlitError ? e.code : `not a BlitError: ${String(e)}`;
  }
}

/**
 * A stream that hands out `first` bytes, then waits for {@link Gate.open} (or {@link Gate.fail})
 * before the `rest`: a write seen mid-file.
 */
export class Gate {
  private release!: (e?: BlitError) => void;
  private readonly opened = new Promise<BlitError | undefined>((resolve) => (this.release = resolve));
  /** True once the first part was taken by the reader. */
  firstTaken = false;

  constructor(
    private readonly first: Uint8Array,
    private readonly rest: Uint8Array,
  ) {}

  open(): void {
    this.release();
  }

  /** The stream errors with `e` instead of handing out the rest. */
  fail(e: BlitError): void {
    this.release(e);
  }

  stream(): ReadableStream<Uint8Array> {
    let step = 0;
    return new ReadableStream<Uint8Array>({
      pull: async (c) => {
        if (step++ === 0) {
          c.enqueue(this.first);
          this.firstTaken = true;
          return;
        }
        const failed = await this.opened;
        if (failed !== undefined) return c.error(failed);
        c.enqueue(this.rest);
        c.close();
      },
    });
  }
}
