/**
 * Shared counters between a LocalStore and the threads doing its writes: bytes copied so far
 * (counted per chunk, so progress moves inside a large file) and a cancel flag the copy loops check
 * between chunks. Backed by a SharedArrayBuffer, so a job posted to a worker carries the same memory.
 */
const BYTES = 0;
const CANCELLED = 1;

export class CopyMeter {
  private readonly view: BigInt64Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(16)) {
    this.view = new BigInt64Array(buffer);
  }

  add(bytes: number): void {
    Atomics.add(this.view, BYTES, BigInt(bytes));
  }

  get bytes(): number {
    return Number(Atomics.load(this.view, BYTES));
  }

  cancel(): void {
    Atomics.store(this.view, CANCELLED, 1n);
  }

  get cancelled(): boolean {
    return Atomics.load(this.view, CANCELLED) !== 0n;
  }
}
