/**
 * Copies of received socket chunks, carved from reused slabs. Bun reuses the buffer it hands a
 * data callback, so every chunk must be copied; in this VM fresh memory costs a page fault per
 * 4 KiB (~20 µs each, STACK.md), which made the copies of a connection's chunks the largest cost
 * of receiving small files. Slabs come back once every chunk carved from them was released by the
 * consumer (Channel.release); a chunk never released only keeps its slab from being reused.
 */

/** Slab size; a larger chunk gets memory of its own. */
const SLAB_BYTES = 1 << 20;
/** Free slabs kept for reuse, over all connections of the process. */
const MAX_FREE_SLABS = 32;

interface Slab {
  readonly buffer: ArrayBuffer;
  used: number;
  /** Chunks carved from it and not yet released. */
  out: number;
}

class SlabPool {
  private readonly free: Slab[] = [];
  private current: Slab | null = null;
  /** Live chunks (released ones are removed, so a second release does nothing). */
  private readonly live = new WeakMap<Uint8Array, Slab>();

  copy(chunk: Uint8Array): Uint8Array {
    if (chunk.length > SLAB_BYTES) return new Uint8Array(chunk);
    let s = this.current;
    if (s !== null && s.out === 0) s.used = 0;
    if (s === null || s.used + chunk.length > SLAB_BYTES) {
      this.retire(s);
      s = this.current = this.free.pop() ?? { buffer: new ArrayBuffer(SLAB_BYTES), used: 0, out: 0 };
    }
    const view = new Uint8Array(s.buffer, s.used, chunk.length);
    view.set(chunk);
    s.used += chunk.length;
    s.out++;
    this.live.set(view, s);
    return view;
  }

  release(chunk: Uint8Array): void {
    const s = this.live.get(chunk);
    if (s === undefined) return;
    this.live.delete(chunk);
    s.out--;
    if (s.out === 0 && s !== this.current) this.retire(s);
  }

  /** A slab no longer carved from: back to the free list once nothing of it is out. */
  private retire(s: Slab | null): void {
    if (s === null || s.out > 0 || this.free.length >= MAX_FREE_SLABS || this.free.includes(s)) return;
    s.used = 0;
    this.free.push(s);
  }
}

/** The process's slabs (shared by every data connection). */
export const CHUNK_SLABS = new SlabPool();
