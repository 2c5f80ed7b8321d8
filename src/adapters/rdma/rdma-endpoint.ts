import { randomInt } from "node:crypto";
import { BlitError } from "../../domain/errors.ts";
import type { RdmaDevice } from "./rdma-device.ts";
import type { RdmaParams } from "./rdma-params.ts";
import { IBV } from "./verbs-abi.ts";
import type { Handle, MemoryRegion, NativeBuffer, QpPath, Verbs } from "./verbs.ts";

/** How big a connection's rings are. */
export interface RingShape {
  readonly slots: number;
  readonly slotBytes: number;
}

/**
 * The verbs resources of one RDMA connection, built in the order rc_pingpong builds them (device
 * context, protection domain, memory regions, completion queue, RC queue pair in INIT with its
 * receives posted) and destroyed in reverse. `ring` takes the peer's writes (remote write access);
 * `staging` holds what we write to the peer. Receives are posted for every slot plus as many credit
 * and control messages.
 */
export class RdmaEndpoint {
  params!: RdmaParams;
  readonly recvDepth: number;
  readonly sendDepth: number;
  private readonly undo: (() => void)[] = [];
  private path!: QpPath;
  ctx!: Handle;
  cq!: Handle;
  qp!: Handle;
  ring!: NativeBuffer;
  ringMr!: MemoryRegion;
  staging!: NativeBuffer;
  stagingMr!: MemoryRegion;

  private constructor(
    readonly verbs: Verbs,
    readonly shape: RingShape,
  ) {
    this.recvDepth = shape.slots * 2 + 8;
    this.sendDepth = shape.slots * 2 + 8;
  }

  /** Builds everything, or tears down what was built and throws. */
  static open(verbs: Verbs, device: RdmaDevice, shape: RingShape): RdmaEndpoint {
    const ep = new RdmaEndpoint(verbs, shape);
    try {
      ep.build(device);
      return ep;
    } catch (e) {
      ep.destroy();
      throw e;
    }
  }

  private build(device: RdmaDevice): void {
    const v = this.verbs;
    const shape = this.shape;
    this.ctx = v.openDevice(device.name);
    this.undo.push(() => v.closeDevice(this.ctx));
    const port = v.queryPort(this.ctx, device.port);
    const gid = v.queryGid(this.ctx, device.port, device.gidIndex);
    this.path = { port: device.port, gidIndex: device.gidIndex, global: port.linkLayer === IBV.LINK_LAYER_ETHERNET };
    const pd = v.allocPd(this.ctx);
    this.undo.push(() => v.deallocPd(pd));
    const bytes = shape.slots * shape.slotBytes;
    this.ring = v.alloc(bytes);
    this.undo.push(() => v.free(this.ring));
    this.ringMr = v.regMr(pd, this.ring, IBV.ACCESS_LOCAL_WRITE | IBV.ACCESS_REMOTE_WRITE);
    this.undo.push(() => v.deregMr(this.ringMr));
    this.staging = v.alloc(bytes);
    this.undo.push(() => v.free(this.staging));
    this.stagingMr = v.regMr(pd, this.staging, IBV.ACCESS_LOCAL_WRITE);
    this.undo.push(() => v.deregMr(this.stagingMr));
    this.cq = v.createCq(this.ctx, this.recvDepth + this.sendDepth);
    this.undo.push(() => v.destroyCq(this.cq));
    const qp = v.createQp(pd, this.cq, { sendWr: this.sendDepth, recvWr: this.recvDepth });
    this.qp = qp.handle;
    this.undo.push(() => v.destroyQp(this.qp));
    v.toInit(this.qp, this.path, IBV.ACCESS_LOCAL_WRITE | IBV.ACCESS_REMOTE_WRITE);
    const rc = v.postRecv(this.qp, 0, this.recvDepth);
    if (rc !== 0) throw new BlitError("TRANSPORT_UNAVAILABLE", `ibv_post_recv failed (errno ${-rc})`, { errno: -rc });
    this.params = {
      qpn: qp.qpn,
      psn: randomInt(0, 1 << 24),
      lid: port.lid,
      gid,
      mtu: port.activeMtu,
      linkLayer: port.linkLayer,
      ringAddr: this.ringMr.addr,
      ringRkey: this.ringMr.rkey,
      slots: shape.slots,
      slotBytes: shape.slotBytes,
    };
  }

  /** INIT → RTR → RTS towards the peer, at the smaller of the two path MTUs. */
  connect(peer: RdmaParams): void {
    this.verbs.toRtr(this.qp, this.path, { qpn: peer.qpn, psn: peer.psn, lid: peer.lid, gid: peer.gid, mtu: Math.min(peer.mtu, this.params.mtu) });
    this.verbs.toRts(this.qp, this.params.psn);
  }

  /** Destroys everything in reverse order of creation; safe to call twice. */
  destroy(): void {
    for (let f = this.undo.pop(); f !== undefined; f = this.undo.pop()) {
      try {
        f();
      } catch {
        // A failed destroy leaves nothing more to undo for that object.
      }
    }
  }
}
