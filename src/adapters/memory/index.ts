export { MemoryPerfHistory } from "./memory-perf-history.ts";
export { MemoryTransport } from "./memory-transport.ts";
