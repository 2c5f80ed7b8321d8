// Faults of the RDMA transport, over the in-memory verbs double: a peer overrunning the slot ring,
// a bad remote key, a lost completion, a vanished peer QP, RNR, and teardown that leaves nothing.
import { describe, expect, test } from "bun:test";
import { RdmaTransport, SocketBand } from "../../src/adapters/rdma/index.ts";
import { toBlitError } from "../../src/adapters/rdma/rdma-errors.ts";
import { encodeParams } from "../../src/adapters/rdma/rdma-params.ts";
import { IBV, WC_STATUS } from "../../src/adapters/rdma/verbs-abi.ts";
import { isBlitError } from "../../src/domain/errors.ts";
import type { Channel } from "../../src/ports/transport.ts";
import { VerbsDouble } from "../harness/verbs-double.ts";

const device = { name: "double0", port: 1, linkLayer: "Ethernet", active: true, gbps: 100, mtuBytes: 4096, gidIndex: 0 } as const;
const SLOT = 16 << 10;

async function pair(verbs: VerbsDouble, completionTimeoutMs = 10_000): Promise<[Channel, Channel, () => Promise<void>]> {
  const t = new RdmaTransport(verbs, device, new SocketBand(), { slots: 4, slotBytes: SLOT, completionTimeoutMs });
  const l = await t.listen({ host: "127.0.0.1", port: 0 });
  const [a, b] = await Promise.all([t.dial(l.address), l.accept()]);
  return [a, b, async () => {
    await a[Symbol.asyncDispose]();
    await b[Symbol.asyncDispose]();
    await l[Symbol.asyncDispose]();
  }];
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "none";
  } catch (e) {
    return isBlitError(e) ? `${e.code}: ${e.message}` : String(e);
  }
}

async function drain(c: Channel): Promise<number> {
  let n = 0;
  for await (const chunk of c.incoming) n += chunk.length;
  return n;
}

describe("rdma transport faults (verbs double)", () => {
  test("a peer writing out of ring order is refused: the reader fails PROTOCOL_MISMATCH", async () => {
    const verbs = new VerbsDouble();
    const [a, b, close] = await pair(verbs);
    verbs.rewrite = (wr) => (wr.imm >>> 28 === 1 ? { ...wr, imm: (1 << 28) | 2, remote: { ...wr.remote, addr: wr.remote.addr + 2 * SLOT } } : wr);
    await a.send(new Uint8Array(100).fill(1));
    expect(await codeOf(drain(b))).toMatch(/^PROTOCOL_MISMATCH: .*overran the receive ring/);
    await close();
  });

  test("a peer writing more than a slot holds is refused: PROTOCOL_MISMATCH", async () => {
    const verbs = new VerbsDouble();
    const [a, b, close] = await pair(verbs);
    verbs.rewrite = (wr) => (wr.imm >>> 28 === 1 ? { ...wr, local: { ...wr.local, length: 2 * SLOT } } : wr);
    await a.send(new Uint8Array(100).fill(1));
    expect(await codeOf(drain(b))).toMatch(/^PROTOCOL_MISMATCH: .*into a 16384-byte slot/);
    await close();
  });

  test("a write with a wrong remote key fails the sender (REM_ACCESS_ERR) and flushes the receiver", async () => {
    const verbs = new VerbsDouble();
    const [a, b, close] = await pair(verbs);
    const reading = codeOf(drain(b));
    verbs.rewrite = (wr) => ({ ...wr, remote: { ...wr.remote, rkey: wr.remote.rkey ^ 1 } });
    await a.send(new Uint8Array(100));
    expect(await codeOf(a.end())).toMatch(/^PROTOCOL_MISMATCH: .*IBV_WC_REM_ACCESS_ERR/);
    expect(await reading).toMatch(/^PEER_CLOSED: .*IBV_WC_WR_FLUSH_ERR/);
    await close();
  });

  test("a completion that never comes is STALLED, not a hang", async () => {
    const verbs = new VerbsDouble();
    const [a, b, close] = await pair(verbs, 300);
    const reading = drain(b).catch(() => -1);
    verbs.drop = (c) => c.opcode === IBV.WC_RDMA_WRITE;
    await a.send(new Uint8Array(100));
    expect(await codeOf(a.end())).toMatch(/^STALLED: .*no completion within 0.3 s/);
    await close();
    await reading;
  });

  test("a peer QP that vanished makes the sender's writes fail PEER_CLOSED (retries exhausted)", async () => {
    const verbs = new VerbsDouble();
    const [a, b, close] = await pair(verbs);
    const reading = drain(b).catch(() => -1);
    // b's QP number, from the parameters it sent a.
    const bQpn = (b as unknown as { ep: { params: { qpn: number } } }).ep.params.qpn;
    verbs.vanish(bQpn);
    await a.send(new Uint8Array(100));
    expect(await codeOf(a.end())).toMatch(/^PEER_CLOSED: .*IBV_WC_RETRY_EXC_ERR/);
    await close();
    await reading;
  });

  test("teardown destroys every verbs object, in reverse order of creation", async () => {
    const verbs = new VerbsDouble();
    const [a, b, close] = await pair(verbs);
    const got = drain(b);
    await a.send(new Uint8Array(3 * SLOT + 5));
    await a.end();
    expect(await got).toBe(3 * SLOT + 5);
    await close();
    expect(verbs.liveHandles).toBe(0);
  });

  test("the double keeps the verbs rules: QP states in order, RNR waits for a receive (rnr_retry 7) or fails", async () => {
    const verbs = new VerbsDouble();
    const ctx = verbs.openDevice("double0");
    const pd = verbs.allocPd(ctx);
    const cq = verbs.createCq(ctx, 16);
    const [x, y] = [verbs.createQp(pd, cq, { sendWr: 4, recvWr: 4 }), verbs.createQp(pd, cq, { sendWr: 4, recvWr: 4 })];
    const path = { port: 1, gidIndex: 0, global: true };
    const peerOf = (q: { qpn: number }) => ({ qpn: q.qpn, psn: 1, lid: 0, gid: new Uint8Array(16), mtu: 5 });
    expect(() => verbs.toRtr(x.handle, path, peerOf(y))).toThrow(/modify_qp/);
    for (const [q, p] of [[x, y], [y, x]] as const) {
      verbs.toInit(q.handle, path, IBV.ACCESS_LOCAL_WRITE | IBV.ACCESS_REMOTE_WRITE);
      verbs.toRtr(q.handle, path, peerOf(p));
      verbs.toRts(q.handle, 1);
    }
    const write = { wrId: 9, local: { addr: 0, length: 0, lkey: 0 }, remote: { addr: 0, rkey: 0 }, imm: 0x30000000, signaled: true };
    expect(verbs.postWrite(x.handle, write)).toBe(0);
    await Promise.resolve();
    expect(verbs.pollCq(cq, 8)).toEqual([]);
    verbs.postRecv(y.handle, 5, 1);
    expect(verbs.pollCq(cq, 8).map((c) => [c.wrId, c.status, c.imm])).toEqual([[5, "SUCCESS", 0x30000000], [9, "SUCCESS", null]]);
    verbs.rnrRetry = 0;
    const [u, w] = [verbs.createQp(pd, cq, { sendWr: 4, recvWr: 4 }), verbs.createQp(pd, cq, { sendWr: 4, recvWr: 4 })];
    for (const [q, p] of [[u, w], [w, u]] as const) {
      verbs.toInit(q.handle, path, 3);
      verbs.toRtr(q.handle, path, peerOf(p));
      verbs.toRts(q.handle, 1);
    }
    verbs.postWrite(u.handle, write);
    await Promise.resolve();
    expect(verbs.pollCq(cq, 8).map((c) => c.status)).toEqual(["RNR_RETRY_EXC_ERR"]);
  });

  test("connection attempts that never confirm are bounded: past 16 at a time, the listener closes them unanswered", async () => {
    const verbs = new VerbsDouble();
    const t = new RdmaTransport(verbs, device, new SocketBand(), { slots: 4, slotBytes: SLOT, completionTimeoutMs: 10_000 });
    await using l = await t.listen({ host: "127.0.0.1", port: 0 });
    const band = new SocketBand();
    const params = encodeParams({ qpn: 7, psn: 1, lid: 0, gid: new Uint8Array(16), mtu: 5, linkLayer: 2, ringAddr: 4096, ringRkey: 1, slots: 4, slotBytes: SLOT });
    const links = [];
    for (let i = 0; i < 16; i++) {
      const link = await band.connect(l.address);
      await link.send(params);
      await link.receive(); // the listener's parameters: it built a QP for this attempt
      links.push(link);
    }
    const extra = await band.connect(l.address);
    await extra.send(params);
    expect(await codeOf(extra.receive())).toMatch(/^PEER_CLOSED/);
    expect(verbs.calls.filter((c) => c === "qp").length).toBe(16);
    for (const link of [...links, extra]) await link[Symbol.asyncDispose]();
  });

  test("parameters a peer lies with are refused before any QP is built", async () => {
    const verbs = new VerbsDouble();
    const t = new RdmaTransport(verbs, device, new SocketBand(), { slots: 4, slotBytes: SLOT, completionTimeoutMs: 10_000 });
    await using l = await t.listen({ host: "127.0.0.1", port: 0 });
    const good = { qpn: 7, psn: 1, lid: 0, gid: new Uint8Array(16), mtu: 5, linkLayer: 2, ringAddr: 4096, ringRkey: 1, slots: 4, slotBytes: SLOT };
    for (const lie of [{ slots: 5000 }, { slotBytes: 1 << 30 }, { mtu: 9 }, { qpn: 0 }]) {
      const link = await new SocketBand().connect(l.address);
      await link.send(encodeParams({ ...good, ...lie }));
      expect(await codeOf(link.receive())).toMatch(/^PEER_CLOSED/);
      await link[Symbol.asyncDispose]();
    }
    expect(verbs.calls.filter((c) => c === "qp").length).toBe(0);
  });

  test("every completion status maps to a BlitError naming it", () => {
    for (const status of WC_STATUS) {
      const e = toBlitError(status, { peer: "p" });
      expect(isBlitError(e)).toBe(true);
      expect(e.message).toContain(`IBV_WC_${status}`);
    }
    expect(toBlitError("RETRY_EXC_ERR", { peer: "p" }).code).toBe("PEER_CLOSED");
    expect(toBlitError("REM_ACCESS_ERR", { peer: "p" }).code).toBe("PROTOCOL_MISMATCH");
  });
});
