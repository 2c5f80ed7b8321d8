/**
 * What `rsync -aHAXS` keeps beyond `tree-compare.ts`'s bytes, modes and times, read from a tree with the system's
 * own tools, so two destinations (blit's and rsync's) or a source and its copy can be compared:
 * - `fidelityFacts(root)`: extended attributes (`getfattr -R -h -d -m - -e hex`, ACL values included), ACLs beyond
 *   the mode bits (`getfacl -R -P -s -n`), st_blocks of each regular file, and the hard-link groups (names below
 *   `root` sharing an inode, each group sorted).
 * - `diffFidelity(a, b)`: readable differences, empty when `b` keeps what `a` has. Blocks count as lost only when
 *   `b` allocates more than `a` plus a few metadata blocks (holes filled); fewer is fine (rsync -S makes zero runs
 *   holes).
 * - `writeFidelityTree(root)`: the reference tree — names with spaces, a user attribute and an access ACL on a file, a
 *   default ACL and an attribute on a directory, one inode under three names in three directories, a symlink, and a
 *   64 MiB file holding 1 MiB of data.
 * Needs getfattr/setfattr and getfacl/setfacl (`TOOLS` of fidelity-fs.ts).
 */
import { closeSync, ftruncateSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, symlinkSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { run } from "./fidelity-fs.ts";

export interface FidelityFacts {
  /** Relative path → its `getfattr` lines (entries without attributes are absent). */
  readonly attrs: ReadonlyMap<string, string>;
  /** Relative path → its `getfacl` lines (only entries with more than the base ACL). */
  readonly acls: ReadonlyMap<string, string>;
  /** Relative path of each regular file → st_blocks. */
  readonly blocks: ReadonlyMap<string, number>;
  /** Names sharing one inode, each group sorted, groups sorted by first name. */
  readonly linkGroups: readonly (readonly string[])[];
}

export function writeFidelityTree(root: string): void {
  const album = join(root, "My Album");
  mkdirSync(join(album, "deeper"), { recursive: true });
  writeFileSync(join(album, "photo one.jpg"), "jpeg bytes");
  run(["setfattr", "-n", "user.xdg.comment", "-v", "beach", join(album, "photo one.jpg")]);
  run(["setfacl", "-m", "u:nobody:rw", join(album, "photo one.jpg")]);
  run(["setfacl", "-d", "-m", "g:nogroup:rx", album]);
  run(["setfattr", "-n", "user.dir", "-v", "album", album]);
  writeFileSync(join(root, "shared"), "one inode, three names");
  run(["setfattr", "-n", "user.on-shared", "-v", "1", join(root, "shared")]);
  linkSync(join(root, "shared"), join(album, "shared again"));
  linkSync(join(root, "shared"), join(album, "deeper", "third"));
  symlinkSync("shared", join(root, "link to shared"));
  const fd = openSync(join(root, "disk.img"), "w");
  try {
    ftruncateSync(fd, 64 << 20);
    writeSync(fd, new Uint8Array(1 << 20).fill(7), 0, 1 << 20, 32 << 20);
  } finally {
    closeSync(fd);
  }
}

/** Blocks a copy may allocate beyond its source's (extent-tree and attribute blocks) before it counts as filled. */
const BLOCK_SLACK = 64;

export function fidelityFacts(root: string): FidelityFacts {
  const attrs = byFile(runIn(root, ["getfattr", "-R", "-h", "-d", "-m", "-", "-e", "hex", "."]));
  const acls = byFile(runIn(root, ["getfacl", "-R", "-P", "-s", "-n", "."]));
  const blocks = new Map<string, number>();
  const inodes = new Map<string, string[]>();
  walk(root, "", (rel, st) => {
    if (st.isFile()) blocks.set(rel, Number(st.blocks));
    if (!st.isDirectory() && st.nlink > 1n) {
      const key = `${st.dev}:${st.ino}`;
      inodes.set(key, [...(inodes.get(key) ?? []), rel]);
    }
  });
  const linkGroups = [...inodes.values()]
    .filter((g) => g.length > 1)
    .map((g) => g.sort())
    .sort((x, y) => ((x[0] ?? "") < (y[0] ?? "") ? -1 : 1));
  return { attrs, acls, blocks, linkGroups };
}

/** What `b` lost or changed of `a`'s attributes, ACLs, holes and hard links. */
export function diffFidelity(a: FidelityFacts, b: FidelityFacts): string[] {
  const out: string[] = [];
  for (const [label, x, y] of [["attributes", a.attrs, b.attrs], ["ACL", a.acls, b.acls]] as const) {
    for (const path of new Set([...x.keys(), ...y.keys()])) {
      if (x.get(path) !== y.get(path)) out.push(`${label} of ${path}: ${JSON.stringify(x.get(path) ?? "")} -> ${JSON.stringify(y.get(path) ?? "")}`);
    }
  }
  for (const [path, blocks] of a.blocks) {
    const copy = b.blocks.get(path);
    if (copy !== undefined && copy > blocks + BLOCK_SLACK) out.push(`holes of ${path} filled: ${blocks} -> ${copy} blocks`);
  }
  const groups = (f: FidelityFacts) => f.linkGroups.map((g) => g.join(" = "));
  const [ga, gb] = [groups(a), groups(b)];
  for (const g of ga) if (!gb.includes(g)) out.push(`hard links lost: ${g}`);
  for (const g of gb) if (!ga.includes(g)) out.push(`hard links added: ${g}`);
  return out;
}

// --- internal ---

function runIn(cwd: string, argv: string[]): string {
  const p = Bun.spawnSync(argv, { cwd, stdout: "pipe", stderr: "pipe" });
  if (p.exitCode !== 0) throw new Error(`${argv.join(" ")} in ${cwd} failed (${p.exitCode}): ${p.stderr.toString()}`);
  return p.stdout.toString();
}

/** Splits a `# file: path` dump into path → its lines (without the header). */
function byFile(dump: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const block of dump.split("\n\n")) {
    const lines = block.split("\n").filter((l) => l !== "");
    const head = lines[0];
    if (head === undefined || !head.startsWith("# file: ")) continue;
    const path = head.slice("# file: ".length).replace(/^\.\//, "");
    out.set(path, lines.slice(1).filter((l) => !l.startsWith("# owner:") && !l.startsWith("# group:") && !l.startsWith("# flags:")).join("\n"));
  }
  return out;
}

function walk(root: string, rel: string, visit: (rel: string, st: ReturnType<typeof lstatBig>) => void): void {
  for (const name of readdirSync(rel === "" ? root : join(root, rel))) {
    const child = rel === "" ? name : `${rel}/${name}`;
    const st = lstatBig(join(root, child));
    visit(child, st);
    if (st.isDirectory()) walk(root, child, visit);
  }
}

const lstatBig = (p: string) => lstatSync(p, { bigint: true });
