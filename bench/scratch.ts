/**
 * Where a benchmark keeps its trees, and how destinations are dropped between runs.
 * Offers: PLACES (tmpfs and disk), Scratch (fresh destination paths, drop, purge, settle),
 * copyTree, removeTree and treeStats (file count, bytes, symlinks: a cheap output check).
 *
 * On this machine's disk (/tmp: ext4 without a journal) creating files soon after deleting a big
 * tree is 5–50× slower (SPEC §10). So on disk, destinations with many files are moved aside and
 * purged after the workload, and the next timed run waits `settle` seconds after a purge.
 * Every timed run starts with no dirty data on the filesystem (see `quiesce`).
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync, statfsSync } from "node:fs";
import { join } from "node:path";

export interface Place {
  readonly name: "tmpfs" | "disk";
  readonly dir: string;
}

export const PLACES: readonly Place[] = [
  { name: "tmpfs", dir: "/dev/shm" },
  { name: "disk", dir: "/tmp" },
];

export interface TreeStats {
  readonly files: number;
  readonly bytes: number;
  readonly symlinks: number;
}

/** Trees with fewer files than this are deleted at once even on disk (no inode-reuse penalty). */
const ASIDE_MIN_FILES = 1000;

export class Scratch {
  private serial = 0;
  /** Starts as "just purged": an earlier run may have deleted a big tree moments ago. */
  private lastPurge = performance.now();

  private constructor(
    readonly place: Place,
    readonly root: string,
    private readonly settleMs: number,
  ) {}

  static open(place: Place, settleSeconds: number): Scratch {
    const root = join(place.dir, `blit-bench-${process.pid}`);
    mkdirSync(join(root, "aside"), { recursive: true });
    return new Scratch(place, root, place.name === "disk" ? settleSeconds * 1000 : 0);
  }

  /** A path under the root that does not exist yet. */
  fresh(prefix = "dst"): string {
    return join(this.root, `${prefix}-${++this.serial}`);
  }

  /** Removes a tree now, or on disk moves a big one aside until `purge()`. */
  async drop(path: string, files: number): Promise<void> {
    if (!existsSync(path)) return;
    if (this.place.name === "tmpfs" || files < ASIDE_MIN_FILES) return removeTree(path);
    renameSync(path, join(this.root, "aside", `${++this.serial}`));
  }

  /** Deletes what was moved aside; the next `quiesce()` waits for the filesystem to recover. */
  async purge(): Promise<void> {
    const aside = join(this.root, "aside");
    if (readdirSync(aside).length === 0) return;
    await removeTree(aside);
    mkdirSync(aside);
    this.lastPurge = performance.now();
  }

  /**
   * Before a timed run: flushes dirty data (`sync -f`) so no run pays for the writes of the set-up
   * or of the previous tool (blit syncs its destination's filesystem before it exits), and waits
   * until `settle` seconds have passed since the last purge (disk only).
   */
  async quiesce(): Promise<void> {
    await run(["sync", "-f", this.root]);
    const wait = this.lastPurge + this.settleMs - performance.now();
    if (wait > 0) {
      console.error(`bench: waiting ${(wait / 1000).toFixed(0)} s after a purge on ${this.place.name} (inode reuse, SPEC §10)`);
      await Bun.sleep(wait);
    }
  }

  freeBytes(): number {
    const s = statfsSync(this.root);
    return Number(s.bavail) * Number(s.bsize);
  }

  async close(): Promise<void> {
    await removeTree(this.root);
  }
}

export async function removeTree(path: string): Promise<void> {
  await run(["rm", "-rf", "--", path]);
}

/** `cp -a`: the way every mirror workload's destination is seeded (mtimes kept to the ns). */
export async function copyTree(source: string, destination: string): Promise<void> {
  await run(["cp", "-a", "--", source, destination]);
}

export function treeStats(dir: string): TreeStats {
  let files = 0;
  let bytes = 0;
  let symlinks = 0;
  const walk = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isSymbolicLink()) symlinks++;
      else if (entry.isFile()) {
        files++;
        bytes += lstatSync(full).size;
      }
    }
  };
  walk(dir);
  return { files, bytes, symlinks };
}

export function sameStats(a: TreeStats, b: TreeStats): boolean {
  return a.files === b.files && a.bytes === b.bytes && a.symlinks === b.symlinks;
}

export const formatStats = (s: TreeStats): string =>
  `${s.files.toLocaleString("en")} files, ${(s.bytes / 2 ** 20).toFixed(0)} MiB, ${s.symlinks} symlinks`;

// --- internal ---

async function run(argv: string[]): Promise<void> {
  const proc = Bun.spawn(argv, { stdout: "ignore", stderr: "pipe" });
  const [code, err] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
  if (code !== 0) throw new Error(`${argv.join(" ")} exited ${code}: ${err.trim()}`);
}
