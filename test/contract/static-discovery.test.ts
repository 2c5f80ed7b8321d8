import { expect, test } from "bun:test";
import { StaticDiscovery } from "../../src/adapters/static-discovery/index.ts";
import { discoveryContract } from "./discovery.contract.ts";

discoveryContract("StaticDiscovery", () => new StaticDiscovery(), { waitMs: 0 });

test("StaticDiscovery: configured peers are listed with what was announced", async () => {
  const nas = { instance: "blit@nas", host: "nas", port: 9031, addresses: [], version: "0.1.0", protocol: "2", modules: ["m"], modulesTruncated: false, motd: false };
  const discovery = new StaticDiscovery([nas]);
  await using _ = await discovery.announce({ instance: "blit@here", port: 1, version: "0.1.0", protocol: "2", modules: [], hasMotd: false });
  expect((await discovery.browse(0)).map((p) => p.instance)).toEqual(["blit@here", "blit@nas"]);
});
