import { expect, test } from "bun:test";
import { decodeTxt, encodeTxt, hostLabel } from "../../../src/domain/discovery-txt.ts";

test("TXT carries version, protocol, modules and motd presence, and decodes back", () => {
  const txt = encodeTxt({ version: "0.1.0", protocol: "2", modules: ["a", "b.c"], motd: true });
  expect(txt).toEqual({ version: "0.1.0", protocol: "2", modules: "a,b.c", modules_truncated: "0", motd: "1" });
  expect(decodeTxt(txt)).toEqual({ version: "0.1.0", protocol: "2", modules: ["a", "b.c"], modulesTruncated: false, motd: true });
});

test("a long module list keeps whole names within one 255-byte TXT string and says it was cut", () => {
  const modules = Array.from({ length: 40 }, (_, i) => `module-${String(i).padStart(3, "0")}`);
  const txt = encodeTxt({ version: "1", protocol: "2", modules, motd: false });
  expect(`modules=${txt.modules}`.length).toBeLessThanOrEqual(255);
  expect(txt.modules_truncated).toBe("1");
  const kept = decodeTxt(txt)?.modules ?? [];
  expect(kept).toEqual(modules.slice(0, kept.length));
  expect(kept.length).toBeGreaterThan(10);
});

test("a record without a version is not a blit daemon's; bytes decode like text", () => {
  expect(decodeTxt({ modules: "a" })).toBeNull();
  expect(decodeTxt({ version: new TextEncoder().encode("2.0"), modules: "" })).toEqual({ version: "2.0", protocol: "", modules: [], modulesTruncated: false, motd: false });
});

test("host labels are DNS-safe", () => {
  expect(hostLabel("blit@nas 1")).toBe("blit-nas-1");
  expect(hostLabel("@@")).toBe("blit");
});
