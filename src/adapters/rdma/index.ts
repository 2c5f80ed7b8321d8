export { DEFAULT_TUNING, RdmaTransport, type RdmaTuning } from "./rdma-transport.ts";
export { chooseDevice, probeDevices, type RdmaDevice } from "./rdma-device.ts";
export { SocketBand } from "./socket-band.ts";
export type { RdmaBand, BandLink, BandListener } from "./rdma-band.ts";
export { loadVerbs } from "./verbs.ffi.ts";
export type { Verbs } from "./verbs.ts";
export { openRdma, type RdmaProbe } from "./rdma-open.ts";
