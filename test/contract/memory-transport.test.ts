import { MemoryTransport } from "../../src/adapters/memory/index.ts";
import { describeTransportContract } from "./transport.contract.ts";

const shared = new MemoryTransport();
describeTransportContract("memory", () => shared);
