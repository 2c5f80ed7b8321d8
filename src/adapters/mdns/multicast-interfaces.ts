import { existsSync, readdirSync, readFileSync } from "node:fs";

const IFF_UP = 0x1;
const IFF_MULTICAST = 0x1000;

/**
 * Names of the network interfaces that are up and multicast-capable (Linux: /sys/class/net/N/flags).
 * ciao is given this list explicitly: left to itself it finds no interface on veth pairs
 * (it reads `vethA@if5`). Loopback counts only when multicast was switched on for it, as in a
 * test namespace. Elsewhere (no /sys) the list is empty and ciao picks interfaces itself.
 */
export function multicastInterfaces(sysNet = "/sys/class/net"): string[] {
  let names: string[];
  try {
    names = readdirSync(sysNet);
  } catch {
    return [];
  }
  return names
    .filter((name) => {
      try {
        const flags = Number.parseInt(readFileSync(`${sysNet}/${name}/flags`, "utf8").trim(), 16);
        return (flags & IFF_UP) !== 0 && (flags & IFF_MULTICAST) !== 0;
      } catch {
        return false;
      }
    })
    .sort();
}

/** The names in `names` that are not network interfaces of this machine (ciao would silently skip them). */
export function unknownInterfaces(names: readonly string[], sysNet = "/sys/class/net"): string[] {
  if (!existsSync(sysNet)) return [];
  return names.filter((name) => name.includes("/") || !existsSync(`${sysNet}/${name}`));
}
