/**
 * For lock-out tests: a normal client served while another peer attacks, and the daemon's
 * footprint before and after.
 * - `usage(pid)`: the process's resident memory (VmRSS, KiB), its peak (VmHWM) and open descriptors.
 * - `clientTree(root)`: a small tree with one 4 MiB file, for `servedByteExact`.
 * - `servedByteExact(control, src, dir, label)`: `blit copy` pushes `src/` to module `m` under
 *   `label`, pulls it back into `dir/label`, and expects both to exit 0 and land byte-exact.
 */
import { expect } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openFds } from "./process-probe.ts";
import { randomBytes } from "./random-bytes.ts";
import { expectExit, runCli } from "./run-cli.ts";
import { writeTree } from "./temp-tree.ts";
import { expectTreesEqual } from "./tree-compare.ts";

export interface Usage {
  readonly rssKiB: number;
  readonly peakKiB: number;
  readonly fds: number;
}

export function usage(pid: number): Usage {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { rssKiB: kib("VmRSS"), peakKiB: kib("VmHWM"), fds: openFds(pid).length };
}

export function clientTree(root: string): void {
  const files: Record<string, Uint8Array | string> = { "big.bin": randomBytes(4 << 20) };
  for (let i = 0; i < 20; i++) files[`small/f${i}.txt`] = `small file ${i}\n`;
  writeTree(root, files);
}

export async function servedByteExact(control: string, src: string, dir: string, label: string): Promise<void> {
  const push = await runCli(["copy", `${src}/`, `${control}:/m/${label}/`]);
  expectExit(push, 0);
  const pulled = join(dir, label);
  const pull = await runCli(["copy", `${control}:/m/${label}/`, `${pulled}/`]);
  expectExit(pull, 0);
  expectTreesEqual(src, pulled, { metadata: false });
  expect(readFileSync(join(pulled, "big.bin")).equals(readFileSync(join(src, "big.bin")))).toBe(true);
}
