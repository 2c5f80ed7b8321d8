// rsync's %i change strings for what blit can know (log.c's format, generator.c's letters).
import { describe, expect, test } from "bun:test";
import type { EntryMeta } from "../../../src/domain/entry.ts";
import { itemizeAttributes, itemizeDeletion, itemizeDir, itemizeLine, itemizeWrite } from "../../../src/domain/itemize.ts";

const file = (over: Partial<EntryMeta> = {}): EntryMeta => ({ kind: "file", size: 10, mtimeNs: 5_000_000_000n, mode: 0o644, uid: 1000, gid: 1000, ...over });
const QUICK = { owners: false, mtimeGranularityNs: 1n, checksum: false };

describe("itemize", () => {
  test.each<[string, EntryMeta, EntryMeta | null, typeof QUICK, string]>([
    ["new file", file(), null, QUICK, ">f+++++++++"],
    ["replacing a symlink", file(), { ...file(), kind: "symlink", linkTarget: "x" }, QUICK, ">f+++++++++"],
    ["size and time", file({ size: 11, mtimeNs: 6n }), file(), QUICK, ">f.st......"],
    ["time only", file({ mtimeNs: 6n }), file(), QUICK, ">f..t......"],
    ["-c transfer", file({ size: 11 }), file(), { ...QUICK, checksum: true }, ">fcs.......",],
    ["owner as root", file({ uid: 0, mtimeNs: 6n }), file(), { ...QUICK, owners: true }, ">f..t.o...."],
    ["owner not kept", file({ uid: 0, gid: 0, mtimeNs: 6n }), file(), QUICK, ">f..t......"],
    ["within the mtime granularity", file({ mtimeNs: 5_000_000_500n, size: 11 }), file(), { ...QUICK, mtimeGranularityNs: 1000n }, ">f.s......."],
  ])("%s", (_label, meta, prior, options, expected) => {
    expect(itemizeWrite(meta, prior, options).itemize).toBe(expected);
  });

  test("symlinks, directories, attributes, deletions and the shown line", () => {
    const link: EntryMeta = { ...file(), kind: "symlink", linkTarget: "a b" };
    expect(itemizeLine(itemizeWrite(link, null, QUICK), "l", false)).toBe("cL+++++++++ l -> a b");
    expect(itemizeWrite(link, { ...link, linkTarget: "old" }, QUICK).itemize).toBe("cLc........");
    expect(itemizeLine(itemizeDir({ ...file(), kind: "dir" }, null, QUICK), "sub", true)).toBe("cd+++++++++ sub/");
    expect(itemizeDir({ ...file(), kind: "dir", mode: 0o700 }, { ...file(), kind: "dir" }, QUICK).itemize).toBe(".d...p.....");
    expect(itemizeAttributes(file({ mode: 0o600 }), file(), QUICK).itemize).toBe(".f...p.....");
    expect(itemizeAttributes(file(), file(), QUICK).itemize).toBe(".f         ");
    expect(itemizeLine(itemizeDeletion(true), "gone", false)).toBe("*deleting   gone/");
    expect(itemizeLine(itemizeWrite(file(), null, QUICK), "f", true)).toBe("<f+++++++++ f");
  });
});
