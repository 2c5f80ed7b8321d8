import { BlitError, isBlitError } from "../../domain/errors.ts";
import { ChunkQueue } from "../../domain/wire/chunk-queue.ts";
import type { Channel } from "../../ports/transport.ts";
import type { BandLink } from "./rdma-band.ts";
import type { RdmaEndpoint } from "./rdma-endpoint.ts";
import { toBlitError } from "./rdma-errors.ts";
import type { RdmaParams } from "./rdma-params.ts";
import { IBV } from "./verbs-abi.ts";
import type { Completion } from "./verbs.ts";

/** Immediate data: the message kind in the top 4 bits, a value (slot index, credit count) below. */
const KIND_SHIFT = 28;
const VALUE_MASK = (1 << KIND_SHIFT) - 1;
const DATA = 1;
const CREDIT = 2;
const END = 3;
const CLOSE = 4;
/** Work request ids at or above this are control messages; below, the data slot written. */
const CONTROL_ID = 0x4000_0000;
/** Completions taken per poll. */
const POLL_BATCH = 32;
/** Poll delays when the queue is idle: immediate at first, then backing off to a few ms. */
const IMMEDIATE_POLLS = 16;
const SHORT_POLLS = 200;

export interface ChannelTuning {
  /** A posted work request whose completion has not come after this long means a lost completion. */
  readonly completionTimeoutMs: number;
}

/**
 * One RDMA connection as a Channel. Bytes travel as RDMA WRITE WITH IMMEDIATE from our staging
 * ring into the peer's ring of receive slots, one slot per write (a big send is striped over as
 * many slots as it needs, in ring order). The immediate says which slot was filled; the receiver
 * copies a filled slot into `incoming` when the consumer keeps up, then returns the slot to the
 * sender as a credit (a zero-length write whose immediate carries the count). With no credit the
 * sender waits: that is the backpressure. END and CLOSE are zero-length writes too; the band link
 * closing is the peer vanishing. Completions are polled from JS (no native callback).
 */
export class RdmaChannel implements Channel {
  readonly incoming: ChunkQueue;
  private readonly slots: number;
  private readonly slotBytes: number;
  private readonly highWater: number;
  /** Peer slots we may fill (credits). */
  private credits: number;
  private sendSlot = 0;
  private readonly stagingBusy: boolean[];
  private recvSlot = 0;
  private readonly filled: { slot: number; length: number }[] = [];
  private freed = 0;
  /** Posted work requests not yet completed: id → when posted. */
  private readonly outstanding = new Map<number, number>();
  private controlSeq = 0;
  private peerEnded = false;
  private ended = false;
  private closed = false;
  private failure: BlitError | null = null;
  private sending: Promise<void> = Promise.resolve();
  private waiters: (() => void)[] = [];
  private timer: { readonly cancel: () => void } | null = null;
  private idlePolls = 0;

  constructor(
    private readonly ep: RdmaEndpoint,
    private readonly peer: RdmaParams,
    private readonly link: BandLink,
    private readonly tuning: ChannelTuning,
  ) {
    this.slots = ep.shape.slots;
    this.slotBytes = ep.shape.slotBytes;
    this.highWater = Math.max(4 << 20, 2 * this.slotBytes);
    this.credits = peer.slots;
    this.stagingBusy = new Array<boolean>(this.slots).fill(false);
    this.incoming = new ChunkQueue(this.highWater / 2, () => this.schedule(true));
    void link.closed.then(() => this.onBandClosed());
    this.schedule(true);
  }

  async send(bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
    const next = this.sending.then(() => this.write(bytes, signal));
    this.sending = next.catch(() => {});
    return next;
  }

  async end(): Promise<void> {
    await this.sending;
    if (this.closed || this.ended || this.failure !== null) return;
    this.ended = true;
    this.postControl(END, 0);
    // Resolves once every write was acknowledged, so a dispose after it cannot overtake them.
    await this.until(() => this.outstanding.size === 0);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.closed) return;
    if (this.failure === null && this.outstanding.size < this.ep.sendDepth) this.tryPost(CLOSE, 0);
    this.shut(new BlitError("CANCELLED", "data connection closed"));
  }

  // --- sending ---

  private async write(bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
    if (this.ended && !this.closed && this.failure === null) throw new BlitError("CANCELLED", "data connection already ended its sending side");
    for (let at = 0; at < bytes.length; ) {
      await this.until(() => this.credits > 0 && !this.stagingBusy[this.sendSlot], signal);
      const slot = this.sendSlot;
      const n = Math.min(this.slotBytes, bytes.length - at);
      const base = slot * this.slotBytes;
      this.ep.staging.bytes.set(bytes.subarray(at, at + n), base);
      this.post(slot, DATA, slot, { addr: this.ep.stagingMr.addr + base, length: n });
      this.credits--;
      this.stagingBusy[slot] = true;
      this.sendSlot = (slot + 1) % this.slots;
      at += n;
    }
  }

  private postControl(kind: number, value: number): void {
    this.post(CONTROL_ID + (this.controlSeq++ % CONTROL_ID), kind, value, { addr: this.ep.stagingMr.addr, length: 0 });
  }

  /** A control message when the send queue has room; false when it must wait. */
  private tryPost(kind: number, value: number): boolean {
    if (this.outstanding.size >= this.ep.sendDepth) return false;
    try {
      this.postControl(kind, value);
      return true;
    } catch {
      return false;
    }
  }

  private post(wrId: number, kind: number, value: number, local: { addr: number; length: number }): void {
    const remote = { addr: this.peer.ringAddr + (kind === DATA ? value * this.peer.slotBytes : 0), rkey: this.peer.ringRkey };
    const rc = this.ep.verbs.postWrite(this.ep.qp, { wrId, local: { ...local, lkey: this.ep.stagingMr.lkey }, remote, imm: ((kind << KIND_SHIFT) | value) >>> 0, signaled: true });
    if (rc !== 0) {
      // A QP that failed refuses new work: the completion that failed it names the cause.
      this.findCause();
      throw this.fail(new BlitError("TRANSPORT_UNAVAILABLE", `ibv_post_send to ${this.link.peer} failed (errno ${-rc})`, { errno: -rc }));
    }
    this.outstanding.set(wrId, performance.now());
    this.schedule(true);
  }

  /** Waits (polling drives it) until `ready()`; throws the channel's failure, or CANCELLED. */
  private async until(ready: () => boolean, signal?: AbortSignal): Promise<void> {
    for (let i = 0; ; i++) {
      if (signal?.aborted) throw new BlitError("CANCELLED", "data connection send cancelled");
      if (this.failure !== null) throw this.failure;
      if (this.closed) throw new BlitError("CANCELLED", "data connection is closed");
      if (ready()) return;
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        signal?.addEventListener("abort", () => resolve(), { once: true });
      });
      if (i > 1 << 30) throw new BlitError("INTERNAL", "RDMA send wait did not finish");
    }
  }

  // --- completions ---

  private schedule(active: boolean): void {
    if (this.closed || this.failure !== null) return;
    if (active) this.idlePolls = 0;
    if (this.timer !== null) {
      if (!active) return;
      this.timer.cancel();
    }
    const n = this.idlePolls++;
    if (n < IMMEDIATE_POLLS) {
      const h = setImmediate(this.tick);
      this.timer = { cancel: () => clearImmediate(h) };
    } else {
      const h = setTimeout(this.tick, n < SHORT_POLLS ? 1 : 4);
      this.timer = { cancel: () => clearTimeout(h) };
    }
  }

  private readonly tick = (): void => {
    this.timer = null;
    if (this.closed || this.failure !== null) return;
    let seen = 0;
    try {
      seen = this.pollOnce();
      this.pump();
      this.checkStall();
    } catch (e) {
      this.fail(isBlitError(e) ? e : new BlitError("INTERNAL", `RDMA completion handling failed: ${String(e)}`));
      return;
    }
    this.wakeAll();
    this.schedule(seen > 0);
  };

  private pollOnce(): number {
    let seen = 0;
    for (let round = 0; round < 8; round++) {
      const batch = this.ep.verbs.pollCq(this.ep.cq, POLL_BATCH);
      let received = 0;
      for (const c of batch) if (this.complete(c)) received++;
      if (received > 0) {
        const rc = this.ep.verbs.postRecv(this.ep.qp, 0, received);
        if (rc !== 0) throw new BlitError("TRANSPORT_UNAVAILABLE", `ibv_post_recv failed (errno ${-rc})`, { errno: -rc });
      }
      seen += batch.length;
      if (batch.length < POLL_BATCH) break;
    }
    return seen;
  }

  /** Handles one completion; true when it consumed a posted receive. */
  private complete(c: Completion): boolean {
    if (c.status !== "SUCCESS") throw toBlitError(c.status, { peer: this.link.peer, vendorErr: c.vendorErr });
    if (c.opcode !== IBV.WC_RECV_RDMA_WITH_IMM) {
      this.outstanding.delete(c.wrId);
      if (c.wrId < CONTROL_ID && c.wrId < this.slots) this.stagingBusy[c.wrId] = false;
      return false;
    }
    const kind = c.imm === null ? 0 : c.imm >>> KIND_SHIFT;
    const value = c.imm === null ? 0 : c.imm & VALUE_MASK;
    if (kind === DATA) this.onData(value, c.byteLen);
    else if (kind === CREDIT) {
      if (value < 1 || this.credits + value > this.peer.slots) throw this.protocol(`returned ${value} credits with ${this.credits} of ${this.peer.slots} held`);
      this.credits += value;
    } else if (kind === END) this.peerEnded = true;
    else if (kind === CLOSE) this.onPeerGone();
    else throw this.protocol(`sent an unknown message (immediate 0x${(c.imm ?? 0).toString(16)})`);
    return true;
  }

  private onData(slot: number, length: number): void {
    if (this.peerEnded) throw this.protocol("wrote after its end");
    if (slot !== this.recvSlot || this.filled.length >= this.slots) throw this.protocol(`overran the receive ring (slot ${slot}, expected ${this.recvSlot}, ${this.filled.length} of ${this.slots} full)`);
    if (length > this.slotBytes) throw this.protocol(`wrote ${length} bytes into a ${this.slotBytes}-byte slot`);
    this.filled.push({ slot, length });
    this.recvSlot = (slot + 1) % this.slots;
  }

  /** Moves filled slots into `incoming` while the consumer keeps up, and returns their credits. */
  private pump(all = false): void {
    while (this.filled.length > 0 && (all || this.incoming.queuedBytes < this.highWater)) {
      const f = this.filled.shift()!;
      const base = f.slot * this.slotBytes;
      this.incoming.push(this.ep.ring.bytes.slice(base, base + f.length));
      this.freed++;
    }
    if (this.freed > 0 && !this.peerEnded && this.tryPost(CREDIT, this.freed)) this.freed = 0;
    if (this.peerEnded && this.filled.length === 0) this.incoming.close();
  }

  private checkStall(): void {
    const now = performance.now();
    for (const [id, at] of this.outstanding) {
      if (now - at <= this.tuning.completionTimeoutMs) break;
      throw new BlitError("STALLED", `RDMA work request ${id} to ${this.link.peer} had no completion within ${this.tuning.completionTimeoutMs / 1000} s`, { peer: this.link.peer });
    }
  }

  /** Polls once more for an error completion; fails the channel with it when there is one. */
  private findCause(): void {
    try {
      this.pollOnce();
    } catch (e) {
      if (isBlitError(e)) this.fail(e);
    }
  }

  private onBandClosed(): void {
    if (this.closed || this.failure !== null) return;
    try {
      this.pollOnce();
    } catch {
      // The QP may already be flushed; what was received is kept below.
    }
    if (!this.peerEnded) this.onPeerGone();
    else this.pump(true);
  }

  private onPeerGone(): void {
    this.pump(true);
    if (!this.peerEnded) this.fail(new BlitError("PEER_CLOSED", `RDMA data connection closed by ${this.link.peer}`));
  }

  private protocol(why: string): BlitError {
    return new BlitError("PROTOCOL_MISMATCH", `RDMA peer ${this.link.peer} ${why}`);
  }

  // --- closing ---

  private fail(e: BlitError): BlitError {
    if (this.failure === null && !this.closed) {
      this.failure = e;
      this.pump(true);
      this.shut(e);
    }
    return this.failure ?? e;
  }

  /** Stops polling, fails `incoming` with `e` after what it holds, closes the band, destroys the QP. */
  private shut(e: BlitError): void {
    if (this.closed) return;
    this.closed = true;
    this.timer?.cancel();
    this.timer = null;
    this.incoming.fail(e);
    this.wakeAll();
    void this.link[Symbol.asyncDispose]();
    this.ep.destroy();
  }

  private wakeAll(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
