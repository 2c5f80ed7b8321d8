// The Transport contract over the RDMA adapter with the in-memory verbs double (no hardware).
import { RdmaTransport, SocketBand } from "../../src/adapters/rdma/index.ts";
import { VerbsDouble } from "../harness/verbs-double.ts";
import { describeTransportContract } from "./transport.contract.ts";

const device = { name: "double0", port: 1, linkLayer: "Ethernet", active: true, gbps: 100, mtuBytes: 4096, gidIndex: 0 } as const;
const verbs = new VerbsDouble();
describeTransportContract("rdma (verbs double)", () => new RdmaTransport(verbs, device, new SocketBand(), { slots: 8, slotBytes: 64 << 10, completionTimeoutMs: 10_000 }));
