export { MemoryTransport } from "./memory-transport.ts";
