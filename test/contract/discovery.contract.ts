/**
 * The Discovery port's contract: what an announcement carries is what a browse returns, several
 * announcements are all seen, and a withdrawn one (goodbye) is no longer seen. Instances are
 * matched by prefix: mDNS may rename `name` to `name (2)` after a probe conflict.
 */
import { expect, test } from "bun:test";
import type { Announcement, Discovery, PeerRecord } from "../../src/ports/discovery.ts";

export interface DiscoveryContractOptions {
  /** How long a browse listens. */
  readonly waitMs: number;
}

export function discoveryContract(name: string, make: () => Discovery, options: DiscoveryContractOptions): void {
  const announcement = (instance: string, port: number): Announcement => ({
    instance,
    port,
    version: "9.8.7",
    protocol: "2",
    modules: ["backup", "media.raw"],
    hasMotd: true,
  });
  const find = (peers: readonly PeerRecord[], instance: string) => peers.filter((p) => p.instance.startsWith(instance));

  test(`${name}: a browse returns what was announced`, async () => {
    const discovery = make();
    await using _ = await discovery.announce(announcement("blit@contract-a", 9031));
    const [peer, ...more] = find(await discovery.browse(options.waitMs), "blit@contract-a");
    expect(more).toEqual([]);
    expect(peer).toMatchObject({ port: 9031, version: "9.8.7", protocol: "2", modules: ["backup", "media.raw"], modulesTruncated: false, motd: true });
    expect(typeof peer?.host).toBe("string");
  });

  test(`${name}: two announcements are both seen`, async () => {
    const discovery = make();
    await using _a = await discovery.announce(announcement("blit@contract-b", 9101));
    await using _b = await discovery.announce({ ...announcement("blit@contract-c", 9102), modules: [], hasMotd: false });
    const peers = await discovery.browse(options.waitMs);
    expect(find(peers, "blit@contract-b").map((p) => p.port)).toEqual([9101]);
    expect(find(peers, "blit@contract-c").map((p) => [p.port, p.modules, p.motd])).toEqual([[9102, [], false]]);
  });

  test(`${name}: a withdrawn announcement is gone`, async () => {
    const discovery = make();
    const handle = await discovery.announce(announcement("blit@contract-d", 9103));
    expect(find(await discovery.browse(options.waitMs), "blit@contract-d")).toHaveLength(1);
    await handle[Symbol.asyncDispose]();
    expect(find(await discovery.browse(options.waitMs), "blit@contract-d")).toEqual([]);
  });
}
