/**
 * MdnsDiscovery against the Discovery contract and against an independent implementation (a raw
 * multicast-dns query), inside a network namespace only: outside one, the single test below
 * re-runs this file in a fresh namespace (or skips, saying why, when `ip netns add` is refused).
 */
import { expect, test } from "bun:test";
import mdns from "multicast-dns";
import { collect, isGoodbye, type RawRecord } from "../harness/mdns-listen.ts";
import { MdnsDiscovery } from "../../src/adapters/mdns/index.ts";
import { inNetnsSuite, insideTestNetns } from "../harness/netns.ts";
import { discoveryContract } from "./discovery.contract.ts";

const WAIT_MS = 1000;

if (insideTestNetns()) {
  discoveryContract("MdnsDiscovery", () => new MdnsDiscovery(), { waitMs: WAIT_MS });

  test("a raw multicast-dns query sees standard PTR, SRV, TXT and A records, and the goodbye", async () => {
    const handle = await new MdnsDiscovery({ interfaces: ["lo"] }).announce({
      instance: "blit@raw",
      port: 9555,
      version: "1.2.3",
      protocol: "2",
      modules: ["alpha", "beta"],
      hasMotd: false,
    });
    const raw = mdns();
    try {
      const complete = (rs: RawRecord[]) => ["PTR", "SRV", "TXT", "A"].every((t) => rs.some((r) => r.type === t));
      const seen = await collect(raw, complete, () => raw.query({ questions: [{ name: "_blit._tcp.local", type: "PTR" }] }));
      const ptr = seen.find((r) => r.type === "PTR" && r.name === "_blit._tcp.local");
      expect(String(ptr?.data)).toStartWith("blit@raw");
      const srv = seen.find((r) => r.type === "SRV" && r.name === ptr?.data);
      expect((srv?.data as { port: number }).port).toBe(9555);
      const txt = seen.find((r) => r.type === "TXT" && r.name === ptr?.data);
      expect((txt?.data as Buffer[]).map(String)).toEqual(["version=1.2.3", "protocol=2", "modules=alpha,beta", "modules_truncated=0", "motd=0"]);
      const target = (srv?.data as { target: string }).target;
      expect(seen.some((r) => r.type === "A" && r.name === target && r.data === "127.0.0.1")).toBe(true);

      const bye = isGoodbye("blit@raw");
      const goodbye = await collect(raw, (rs) => rs.some(bye), () => void handle[Symbol.asyncDispose]());
      expect(goodbye.some(bye)).toBe(true);
    } finally {
      raw.destroy();
      await handle[Symbol.asyncDispose]();
    }
  });
} else {
  inNetnsSuite(import.meta.path, "MdnsDiscovery contract and raw multicast-dns check");
}
