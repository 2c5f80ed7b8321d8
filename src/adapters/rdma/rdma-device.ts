import { readFileSync } from "node:fs";
import { IBV, mtuBytes } from "./verbs-abi.ts";
import type { PortInfo, Verbs } from "./verbs.ts";

/** One usable RDMA port, as `blit-utils profile` reports it and the transport opens it. */
export interface RdmaDevice {
  readonly name: string;
  readonly port: number;
  readonly linkLayer: "InfiniBand" | "Ethernet";
  readonly active: boolean;
  /** Link rate in Gbit/s (lanes × per-lane rate), 0 when unknown. */
  readonly gbps: number;
  readonly mtuBytes: number;
  /** GID table index the QP uses (a RoCE v2 entry on Ethernet, 0 on InfiniBand). */
  readonly gidIndex: number;
}

/** Lanes per IB width code (ibv_port_attr.active_width). */
const LANES: Readonly<Record<number, number>> = { 1: 1, 2: 4, 4: 8, 8: 12, 16: 2 };
/** Gbit/s per lane per IB speed code (ibv_port_attr.active_speed): SDR … XDR. */
const LANE_GBPS: Readonly<Record<number, number>> = { 1: 2.5, 2: 5, 4: 10, 8: 10, 16: 14, 32: 25, 64: 50, 128: 100, 256: 200 };

export const linkGbps = (p: Pick<PortInfo, "activeWidth" | "activeSpeed">): number => (LANES[p.activeWidth] ?? 0) * (LANE_GBPS[p.activeSpeed] ?? 0);

/** Ports tried per device (most adapters have one or two). */
const MAX_PORTS = 4;

/** Every port of every device, with its state; a device that cannot be opened is left out. */
export function probeDevices(verbs: Verbs): RdmaDevice[] {
  const found: RdmaDevice[] = [];
  for (const name of verbs.deviceNames()) {
    let ctx: number;
    try {
      ctx = verbs.openDevice(name);
    } catch {
      continue;
    }
    try {
      for (let port = 1; port <= MAX_PORTS; port++) {
        let info: PortInfo;
        try {
          info = verbs.queryPort(ctx, port);
        } catch {
          break;
        }
        const ethernet = info.linkLayer === IBV.LINK_LAYER_ETHERNET;
        found.push({
          name,
          port,
          linkLayer: ethernet ? "Ethernet" : "InfiniBand",
          active: info.state === IBV.PORT_ACTIVE,
          gbps: linkGbps(info),
          mtuBytes: mtuBytes(info.activeMtu),
          gidIndex: ethernet ? roceV2GidIndex(name, port) : 0,
        });
      }
    } finally {
      verbs.closeDevice(ctx);
    }
  }
  return found;
}

/** The first active port, or null: the one the transport uses. */
export const chooseDevice = (devices: readonly RdmaDevice[]): RdmaDevice | null => devices.find((d) => d.active) ?? null;

/** GID entries looked at for a RoCE v2 one. */
const MAX_GIDS = 256;

/**
 * The GID index of the port's first RoCE v2 entry, from sysfs (gid_attrs/types/N reads
 * "RoCE v2"); 0 when sysfs says nothing (RoCE v1 or a test library without sysfs).
 */
function roceV2GidIndex(device: string, port: number): number {
  const base = `/sys/class/infiniband/${device}/ports/${port}/gid_attrs/types`;
  for (let i = 0; i < MAX_GIDS; i++) {
    let type: string;
    try {
      type = readFileSync(`${base}/${i}`, "utf8");
    } catch {
      return 0;
    }
    if (type.trim() === "RoCE v2") return i;
  }
  return 0;
}
