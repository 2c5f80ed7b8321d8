import type { Announcement, Discovery, PeerRecord } from "../../ports/discovery.ts";

/**
 * Discovery from a fixed list: peers named in flags or configuration, plus what this process
 * announces (withdrawn again on dispose). Needs no network, so every test can use it.
 */
export class StaticDiscovery implements Discovery {
  private readonly announced = new Set<PeerRecord>();

  constructor(
    private readonly peers: readonly PeerRecord[] = [],
    private readonly host = "localhost",
  ) {}

  async announce(a: Announcement): Promise<AsyncDisposable> {
    const record: PeerRecord = {
      instance: a.instance,
      host: this.host,
      port: a.port,
      addresses: [],
      version: a.version,
      protocol: a.protocol,
      modules: [...a.modules],
      modulesTruncated: false,
      motd: a.hasMotd,
    };
    this.announced.add(record);
    return { [Symbol.asyncDispose]: async () => void this.announced.delete(record) };
  }

  async browse(_waitMs: number, _signal?: AbortSignal): Promise<PeerRecord[]> {
    return [...this.peers, ...this.announced].sort((x, y) => x.instance.localeCompare(y.instance));
  }
}
