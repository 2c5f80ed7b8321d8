/**
 * The SPEC §10 local workloads and the trees they run on. Offers: WORKLOADS, the FULL and QUICK
 * sizes, and Trees, which builds each source tree once per place, on demand, and drops it when no
 * later workload needs it. Contents come from a seeded PRNG, so every run builds the same trees.
 */
import { closeSync, mkdirSync, openSync, readdirSync, symlinkSync, unlinkSync, utimesSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { copyTree, type Scratch } from "./scratch.ts";

export type Mode = "fresh" | "mirror";
export type TreeName = "big" | "small" | "mixed" | "mixed-changed";

export interface Workload {
  readonly name: string;
  readonly mode: Mode;
  readonly source: TreeName;
  /** Mirror workloads start each run from a `cp -a` of this tree as the destination. */
  readonly seed: TreeName | null;
  readonly about: string;
}

export const WORKLOADS: readonly Workload[] = [
  { name: "big-file", mode: "fresh", source: "big", seed: null, about: "one large file, empty destination" },
  { name: "small-files", mode: "fresh", source: "small", seed: null, about: "4 KiB files, 100 per directory, empty destination" },
  { name: "no-op", mode: "mirror", source: "small", seed: "small", about: "mirror of the small-files tree onto an identical copy" },
  { name: "mixed", mode: "fresh", source: "mixed", seed: null, about: "~1 GiB tree of varied sizes (~24k files), empty destination" },
  { name: "incremental", mode: "mirror", source: "mixed-changed", seed: "mixed", about: "mirror after 1 % changed, 1 % added, 1 % deleted" },
];

export interface Sizes {
  readonly bigFileBytes: number;
  readonly smallFiles: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
export const FULL: Sizes = { bigFileBytes: 4 * GiB, smallFiles: 100_000 };
export const QUICK: Sizes = { bigFileBytes: 1 * GiB, smallFiles: 20_000 };

export class Trees {
  private readonly made = new Map<TreeName, { dir: string; files: number }>();

  constructor(
    private readonly scratch: Scratch,
    private readonly sizes: Sizes,
  ) {}

  async get(name: TreeName): Promise<string> {
    const known = this.made.get(name);
    if (known !== undefined) return known.dir;
    const dir = this.scratch.fresh(name);
    const started = performance.now();
    let files: number;
    if (name === "mixed-changed") {
      await copyTree(await this.get("mixed"), dir);
      files = mutate(dir);
    } else {
      files = name === "big" ? makeBig(dir, this.sizes.bigFileBytes) : name === "small" ? makeSmall(dir, this.sizes.smallFiles) : makeMixed(dir);
    }
    console.error(`bench: built the ${name} tree on ${this.scratch.place.name} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    this.made.set(name, { dir, files });
    return dir;
  }

  /** Drops every tree that none of the `later` workloads uses. */
  async release(later: readonly Workload[]): Promise<void> {
    const needed = new Set(later.flatMap((w) => [w.source, w.seed, w.source === "mixed-changed" ? "mixed" : null]));
    for (const [name, tree] of [...this.made]) {
      if (needed.has(name)) continue;
      this.made.delete(name);
      await this.scratch.drop(tree.dir, tree.files);
    }
  }
}

// --- internal ---

/** A 16 MiB block of PRNG bytes; files are slices of it. */
const POOL = (() => {
  const words = new Uint32Array((16 * MiB) / 4);
  const next = prng(0x5eed);
  for (let i = 0; i < words.length; i++) words[i] = next() * 2 ** 32;
  return new Uint8Array(words.buffer);
})();

function slice(size: number, salt: number): Uint8Array {
  const offset = (salt * 4099) % (POOL.length - size);
  return POOL.subarray(offset, offset + size);
}

function makeBig(dir: string, bytes: number): number {
  mkdirSync(dir);
  const fd = openSync(join(dir, "big.bin"), "w");
  try {
    for (let done = 0; done < bytes; ) done += writeSync(fd, POOL, 0, Math.min(POOL.length, bytes - done));
  } finally {
    closeSync(fd);
  }
  return 1;
}

function makeSmall(dir: string, count: number): number {
  const perDir = 100;
  for (let d = 0; d * perDir < count; d++) {
    const sub = join(dir, `d${String(d).padStart(4, "0")}`);
    mkdirSync(sub, { recursive: true });
    for (let f = 0; f < perDir && d * perDir + f < count; f++) writeFileSync(join(sub, `f${f}`), slice(4 * KiB, d * perDir + f));
  }
  return count;
}

/** ~24,000 files in 600 directories: 20,000 of 0–8 KiB, 3,600 of 8–128 KiB, 400 of 0.5–3 MiB; 240 symlinks. */
function makeMixed(dir: string): number {
  const next = prng(24_000);
  const dirs = Array.from({ length: 600 }, (_, i) => join(dir, `top${Math.floor(i / 30)}`, `sub${i % 30}`));
  for (const d of dirs) mkdirSync(d, { recursive: true });
  const classes = [
    { count: 20_000, min: 0, max: 8 * KiB },
    { count: 3_600, min: 8 * KiB, max: 128 * KiB },
    { count: 400, min: 512 * KiB, max: 3 * MiB },
  ];
  let n = 0;
  for (const c of classes) {
    for (let i = 0; i < c.count; i++, n++) {
      const size = c.min + Math.floor(next() * (c.max - c.min));
      writeFileSync(join(pick(dirs, next), `file${n}`), slice(size, n));
    }
  }
  for (let i = 0; i < 240; i++) symlinkSync(`../../shared/target-${i}`, join(pick(dirs, next), `link${i}`));
  return n;
}

/** Changes 1 % of the files (same size, new content, mtime +1 h), deletes 1 %, adds 1 %. */
function mutate(dir: string): number {
  const next = prng(101);
  const files = listFiles(dir).sort();
  const share = Math.max(1, Math.round(files.length / 100));
  for (let i = files.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [files[i], files[j]] = [files[j] as string, files[i] as string];
  }
  const later = Date.now() / 1000 + 3600;
  for (const [i, path] of files.slice(0, share).entries()) {
    const size = Bun.file(path).size;
    writeFileSync(path, slice(size, 7_777_777 + i));
    utimesSync(path, later, later);
  }
  for (const path of files.slice(share, 2 * share)) unlinkSync(path);
  for (let i = 0; i < share; i++) {
    const near = files[2 * share + i] ?? files[0] ?? join(dir, "x");
    writeFileSync(`${near}.added${i}`, slice(Math.floor(next() * 64 * KiB), 9_000_000 + i));
  }
  return files.length;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

function pick<T>(items: readonly T[], next: () => number): T {
  return items[Math.floor(next() * items.length)] as T;
}

/** mulberry32: a small seeded PRNG, returns [0, 1). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
