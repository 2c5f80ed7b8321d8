export { MdnsDiscovery, type MdnsDiscoveryOptions } from "./mdns-discovery.ts";
export { multicastInterfaces } from "./multicast-interfaces.ts";
