export { MemoryPerfHistory } from "./memory-perf-history.ts";
export { MemoryTransport } from "./memory-transport.ts";
export { MemoryStore } from "./memory-store.ts";
export { MemoryTree } from "./memory-tree.ts";
