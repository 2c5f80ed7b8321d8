// The fidelity primitives are enough for an rsync -aHAXS copy: a small copier made of them (as LocalStore's write path
// will be) copies the reference tree, and the fidelity checker finds nothing lost. Onto a filesystem without
// attributes, the losses come back as one warning per kind.
import { describe, expect, test } from "bun:test";
import { closeSync, constants, fchmodSync, lstatSync, mkdirSync, openSync, readdirSync, readlinkSync, renameSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { inodeOf, linkInPlace } from "../../src/adapters/local/hard-link.ts";
import { copySparse } from "../../src/adapters/local/sparse-extents.ts";
import { readXattrs, writeXattrs } from "../../src/adapters/local/xattrs.ts";
import { LossesOncePerKind } from "../../src/domain/fidelity.ts";
import { HardLinkTable } from "../../src/domain/hard-links.ts";
import { BARE_FS, FIDELITY_TARGETS, mountBareFs, tempDirOn, TOOLS } from "../harness/fidelity-fs.ts";
import { diffFidelity, fidelityFacts, writeFidelityTree } from "../harness/tree-fidelity.ts";

const buf = new Uint8Array(1 << 20);

/** Copies `src` into the new directory `dst` with the primitives; returns the warnings, one per lost kind. */
function copyTree(src: string, dst: string): string[] {
  const links = new HardLinkTable();
  const losses = new LossesOncePerKind();
  const warnings: string[] = [];
  const note = (lost: readonly unknown[]) => lost.forEach((e) => {
    const w = losses.note(e);
    if (w !== null) warnings.push(w);
  });
  const copyDir = (rel: string): void => {
    const from = join(src, rel);
    for (const name of readdirSync(from).sort()) {
      const r = rel === "" ? name : `${rel}/${name}`;
      const [s, d] = [join(src, r), join(dst, r)];
      const st = lstatSync(s);
      if (st.isDirectory()) {
        mkdirSync(d);
        copyDir(r);
        continue;
      }
      const id = inodeOf(s) ?? undefined;
      const decision = links.decide({ path: r, kind: st.isSymbolicLink() ? "symlink" : "file", inode: id });
      if (decision.action === "link") {
        linkInPlace(join(dst, decision.to), d);
      } else if (st.isSymbolicLink()) {
        symlinkSync(readlinkSync(s), d);
        note(writeXattrs(d, readXattrs(s, r), r));
      } else {
        const tmp = join(dst, rel, `.blit-tmp-x-${name}`);
        const fdIn = openSync(s, constants.O_RDONLY);
        const fdOut = openSync(tmp, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL, 0o600);
        try {
          copySparse(fdIn, fdOut, st.size, buf);
          fchmodSync(fdOut, st.mode & 0o7777);
          note(writeXattrs(fdOut, readXattrs(fdIn, r), r));
        } finally {
          closeSync(fdIn);
          closeSync(fdOut);
        }
        renameSync(tmp, d);
      }
    }
    if (rel !== "") {
      const fd = openSync(join(dst, rel), constants.O_RDONLY | constants.O_DIRECTORY);
      try {
        fchmodSync(fd, lstatSync(from).mode & 0o7777);
        note(writeXattrs(fd, readXattrs(from, rel), rel));
      } finally {
        closeSync(fd);
      }
    }
  };
  mkdirSync(dst);
  copyDir("");
  return warnings;
}

describe.skipIf(!TOOLS.ok).each(FIDELITY_TARGETS)("on %s", (_label, base) => {
  test("a copy made of the primitives keeps attributes, ACLs, holes and hard links", () => {
    using dir = tempDirOn(base, "compose");
    const src = join(dir.path, "src");
    writeFidelityTree(src);
    expect(copyTree(src, join(dir.path, "dst"))).toEqual([]);
    expect(diffFidelity(fidelityFacts(src), fidelityFacts(join(dir.path, "dst")))).toEqual([]);
  });
});

test.skipIf(!TOOLS.ok || !BARE_FS.ok)("onto a filesystem without attributes: one warning per lost kind, holes and hard links kept", () => {
  using dir = tempDirOn(FIDELITY_TARGETS[0]?.[1] ?? "/tmp", "compose");
  using bare = mountBareFs("compose-bare");
  const src = join(dir.path, "src");
  writeFidelityTree(src);
  const dst = join(bare.path, "dst");
  expect(copyTree(src, dst)).toEqual([
    "the destination filesystem does not hold extended attributes: not kept on My Album/deeper/third (further losses of extended attributes are not reported one by one)",
    "the destination filesystem does not hold POSIX ACLs: not kept on My Album/photo one.jpg (further losses of POSIX ACLs are not reported one by one)",
  ]);
  const lost = diffFidelity(fidelityFacts(src), fidelityFacts(dst));
  expect(lost.filter((l) => l.startsWith("holes") || l.startsWith("hard links"))).toEqual([]);
});
