export { SessionStores } from "./session-stores.ts";
export { PeerStore } from "./peer-store.ts";
export { DataPort, type DataClaim } from "./data-port.ts";
export { serveStoreSession, type SessionScope } from "./session-server.ts";
