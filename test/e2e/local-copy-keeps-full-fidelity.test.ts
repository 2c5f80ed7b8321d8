// SPEC §3 "Fidelity" (issue 15): a local copy or mirror keeps what `rsync -aHAXS` keeps — extended attributes,
// ACLs, holes and hard links within the set — with no flag; the quick check and -c treat an attribute or ACL change
// as an attribute update (no data sent); a destination that cannot hold a kind says so once per kind.
import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { BARE_FS, FIDELITY_TARGETS, getfattrDump, mountBareFs, run, tempDirOn, TOOLS } from "../harness/fidelity-fs.ts";
import { diffFidelity, fidelityFacts, writeFidelityTree } from "../harness/tree-fidelity.ts";
import { expectExit, runCli, stderrLines, summaryCounts } from "../harness/run-cli.ts";
import { expectTreesEqual } from "../harness/tree-compare.ts";

const RSYNC = Bun.which("rsync") !== null;

for (const [label, base] of FIDELITY_TARGETS) {
  test.skipIf(!TOOLS.ok || !RSYNC)(`copy and mirror on ${label} keep what rsync -aHAXS keeps; a second run changes nothing`, async () => {
    using dir = tempDirOn(base, "fidelity-local");
    const src = join(dir.path, "src");
    writeFidelityTree(src);
    run(["rsync", "-aHAXS", `${src}/`, join(dir.path, "rsync")]);
    const reference = fidelityFacts(join(dir.path, "rsync"));
    expect(diffFidelity(fidelityFacts(src), reference)).toEqual([]);

    for (const verb of ["copy", "mirror"]) {
      const dst = join(dir.path, verb);
      const first = await runCli([verb, "--yes", "--json", `${src}/`, dst]);
      expectExit(first, 0);
      expect(first.stderr).toBe("");
      expect(diffFidelity(reference, fidelityFacts(dst))).toEqual([]);
      expect(diffFidelity(fidelityFacts(dst), reference)).toEqual([]);
      expectTreesEqual(src, dst, { metadata: true });

      const again = await runCli([verb, "--yes", "--json", `${src}/`, dst]);
      expectExit(again, 0);
      expect(summaryCounts(again)).toMatchObject({ files_transferred: 0, files_failed: 0 });
      expect(diffFidelity(reference, fidelityFacts(dst))).toEqual([]);
    }
  });
}

test.skipIf(!TOOLS.ok)("an attribute or ACL change is an attribute update under the quick check and -c, never a resend", async () => {
  using dir = tempDirOn(FIDELITY_TARGETS[0]?.[1] ?? "/tmp", "fidelity-update");
  const src = join(dir.path, "src");
  const dst = join(dir.path, "dst");
  writeFidelityTree(src);
  expectExit(await runCli(["copy", `${src}/`, dst]), 0);

  run(["setfattr", "-n", "user.added", "-v", "later", join(src, "shared")]);
  run(["setfacl", "-m", "u:nobody:r", join(src, "disk.img")]);
  const quick = await runCli(["copy", "-i", `${src}/`, dst]);
  expectExit(quick, 0);
  expect(quick.stdout + quick.stderr).toContain("0 transferred (0 B)");
  expect(quick.stdout).toContain(".f........x shared");
  expect(quick.stdout).toContain(".f.......a. disk.img");
  expect(getfattrDump(join(dst, "My Album", "shared again"))).toContain('user.added=0x6c61746572');
  expect(diffFidelity(fidelityFacts(src), fidelityFacts(dst))).toEqual([]);

  // A new file without an ACL, in a directory whose destination has a default ACL: it must not inherit one there.
  writeFileSync(join(src, "My Album", "plain.txt"), "no ACL");
  run(["setfacl", "-b", join(src, "My Album", "plain.txt")]);
  expectExit(await runCli(["copy", `${src}/`, dst]), 0);
  expect(diffFidelity(fidelityFacts(src), fidelityFacts(dst))).toEqual([]);

  run(["setfattr", "-x", "user.xdg.comment", join(src, "My Album", "photo one.jpg")]);
  const checksum = await runCli(["copy", "-c", "--json", `${src}/`, dst]);
  expectExit(checksum, 0);
  expect(checksum.json).toMatchObject({ files_transferred: 0, bytes_transferred: 0 });
  expect(diffFidelity(fidelityFacts(src), fidelityFacts(dst))).toEqual([]);
});

test.skipIf(!TOOLS.ok || !BARE_FS.ok)("a destination without attributes or ACLs gets one warning per kind, and the files land", async () => {
  using dir = tempDirOn(FIDELITY_TARGETS[0]?.[1] ?? "/tmp", "fidelity-bare");
  using bare = mountBareFs("fidelity-bare-dst");
  const src = join(dir.path, "src");
  writeFidelityTree(src);
  for (let i = 0; i < 5; i++) {
    writeFileSync(join(src, `more-${i}`), `attribute ${i}`);
    run(["setfattr", "-n", "user.n", "-v", String(i), join(src, `more-${i}`)]);
  }
  const r = await runCli(["copy", "--json", `${src}/`, join(bare.path, "dst")]);
  expectExit(r, 0);
  expect(r.json).toMatchObject({ files_failed: 0 });
  const warnings = stderrLines(r);
  expect(warnings.filter((l) => l.includes("extended attributes"))).toHaveLength(1);
  expect(warnings.filter((l) => l.includes("POSIX ACLs"))).toHaveLength(1);
  expect(warnings).toHaveLength(2);
  expect(fidelityFacts(join(bare.path, "dst")).linkGroups).toEqual(fidelityFacts(src).linkGroups);
  expectTreesEqual(src, join(bare.path, "dst"), { metadata: true });
});
