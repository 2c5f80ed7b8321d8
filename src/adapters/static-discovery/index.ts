export { StaticDiscovery } from "./static-discovery.ts";
