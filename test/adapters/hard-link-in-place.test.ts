// A destination name made a hard link of an entry already written there: directly when missing, through a renamed
// temporary when it exists (never absent meanwhile), left alone when it already is one; no temporary stays behind.
import { describe, expect, test } from "bun:test";
import { linkSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { inodeOf, linkInPlace } from "../../src/adapters/local/hard-link.ts";
import { FIDELITY_TARGETS, fsTypeOf, tempDirOn } from "../harness/fidelity-fs.ts";

const inodeNumber = (p: string): bigint => statSync(p, { bigint: true }).ino;

describe.each(FIDELITY_TARGETS)("on %s", (_label, base) => {
  test("a missing name is linked; an existing different file is replaced by the link", () => {
    using dir = tempDirOn(base, "hardlink");
    const leader = join(dir.path, "leader");
    writeFileSync(leader, "shared bytes");
    expect(linkInPlace(leader, join(dir.path, "new"))).toBe("linked");
    writeFileSync(join(dir.path, "old"), "stale copy");
    expect(linkInPlace(leader, join(dir.path, "old"))).toBe("linked");
    expect([inodeNumber(join(dir.path, "new")), inodeNumber(join(dir.path, "old"))]).toEqual([inodeNumber(leader), inodeNumber(leader)]);
    expect(readFileSync(join(dir.path, "old"), "utf8")).toBe("shared bytes");
    expect(inodeOf(leader)?.nlink).toBe(3);
    expect(readdirSync(dir.path).sort()).toEqual(["leader", "new", "old"]);
  });

  test("a name that already is a link of the leader is left alone, with no temporary left", () => {
    using dir = tempDirOn(base, "hardlink");
    const leader = join(dir.path, "leader");
    writeFileSync(leader, "x");
    linkSync(leader, join(dir.path, "twin"));
    expect(linkInPlace(leader, join(dir.path, "twin"))).toBe("already-linked");
    expect(readdirSync(dir.path).sort()).toEqual(["leader", "twin"]);
    expect(inodeOf(leader)?.nlink).toBe(2);
  });

  test("a leader that is gone is NOT_FOUND", () => {
    using dir = tempDirOn(base, "hardlink");
    expect(() => linkInPlace(join(dir.path, "gone"), join(dir.path, "dst"))).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
  });
});

const DISK = FIDELITY_TARGETS.find(([label]) => label === "disk")?.[1] ?? "/tmp";

test.skipIf(fsTypeOf(DISK) !== "ext2/ext3")("ext4's link limit (65000) answers UNSUPPORTED hard-links: the caller writes a copy", () => {
  using dir = tempDirOn(DISK, "hardlink");
  const leader = join(dir.path, "leader");
  writeFileSync(leader, "x");
  for (let i = 1; i < 65000; i++) linkSync(leader, join(dir.path, `l${i}`));
  expect(() => linkInPlace(leader, join(dir.path, "one-too-many"))).toThrow(
    expect.objectContaining({ code: "UNSUPPORTED", details: expect.objectContaining({ kind: "hard-links", errno: "EMLINK" }) }),
  );
});
