import { chooseDevice, probeDevices, type RdmaDevice } from "./rdma-device.ts";
import { RdmaTransport } from "./rdma-transport.ts";
import { SocketBand } from "./socket-band.ts";
import { loadVerbs } from "./verbs.ffi.ts";

/** What this machine offers for RDMA. */
export interface RdmaProbe {
  /** The transport on the first active port; null when RDMA cannot be used here. */
  readonly transport: RdmaTransport | null;
  readonly devices: readonly RdmaDevice[];
  /** Why `transport` is null ("" when it is not). */
  readonly reason: string;
}

/**
 * Loads libibverbs (`libraryPath`, default libibverbs.so.1) and looks for an active port. A
 * library that does not load, a kernel without RDMA (ibv_get_device_list NULL/ENOSYS), no device
 * or no active port all mean no transport, with the reason.
 */
export function openRdma(libraryPath?: string): RdmaProbe {
  const loaded = loadVerbs(libraryPath);
  if (loaded.verbs === null) return { transport: null, devices: [], reason: loaded.reason };
  let devices: RdmaDevice[];
  try {
    devices = probeDevices(loaded.verbs);
  } catch (e) {
    return { transport: null, devices: [], reason: `RDMA devices cannot be listed (${(e as Error).message})` };
  }
  const device = chooseDevice(devices);
  if (device === null) return { transport: null, devices, reason: devices.length === 0 ? "no RDMA device" : "no active RDMA port" };
  return { transport: new RdmaTransport(loaded.verbs, device, new SocketBand()), devices, reason: "" };
}
