/**
 * The tools a local benchmark runs: blit and its peers (SPEC §10). Offers: makeTools(blitPath),
 * which builds each tool's command line per mode, and ensurePeers(), which installs missing peers
 * with apt-get (rsync, rclone, tar) and leaves out the ones it cannot get.
 *
 * cp -a and tar | tar neither compare nor delete, so they run only in fresh workloads; the mirror
 * workloads (incremental, no-op) compare blit with rsync --delete and rclone sync. rsync runs twice: `-a` (the
 * SPEC §10 peer) and `-aHAXS`, which keeps what blit keeps by default (hard links, ACLs, attributes, holes).
 */
import { existsSync, rmSync, writeFileSync } from "node:fs";
import type { Mode } from "./workloads.ts";

export interface Tool {
  readonly name: string;
  /** How the table names it in a mode, e.g. "rsync -a --delete". */
  label(mode: Mode): string;
  readonly modes: readonly Mode[];
  /** The executable that must be on PATH, and the Debian package that provides it. */
  readonly needs: { readonly binary: string; readonly apt: string | null };
  /** True when the destination directory must exist before the run (made outside the timing). */
  readonly needsDestination: boolean;
  command(source: string, destination: string, mode: Mode): string[];
}

export const TOOL_NAMES = ["blit", "cp", "rsync", "rsync-HAXS", "tar", "rclone"] as const;

export function makeTools(blitPath: string): Tool[] {
  const rcloneFlags = ["--ignore-checksum", "--links", "--create-empty-src-dirs"];
  return [
    {
      name: "blit",
      label: (mode) => `blit ${mode === "fresh" ? "copy" : "mirror"}`,
      modes: ["fresh", "mirror"],
      needs: { binary: blitPath, apt: null },
      needsDestination: false,
      command: (s, d, mode) => [blitPath, mode === "fresh" ? "copy" : "mirror", `${s}/`, `${d}/`, "--yes"],
    },
    {
      name: "cp",
      label: () => "cp -a + sync",
      modes: ["fresh"],
      needs: { binary: "cp", apt: null },
      needsDestination: false,
      command: (s, d) => ["cp", "-a", "--", s, d],
    },
    {
      name: "rsync",
      label: (mode) => `${mode === "fresh" ? "rsync -a" : "rsync -a --delete"} + sync`,
      modes: ["fresh", "mirror"],
      needs: { binary: "rsync", apt: "rsync" },
      needsDestination: false,
      command: (s, d, mode) => ["rsync", "-a", ...(mode === "mirror" ? ["--delete"] : []), `${s}/`, `${d}/`],
    },
    {
      // What blit keeps by default (SPEC §3 fidelity): hard links, ACLs, extended attributes, holes.
      name: "rsync-HAXS",
      label: (mode) => `${mode === "fresh" ? "rsync -aHAXS" : "rsync -aHAXS --delete"} + sync`,
      modes: ["fresh", "mirror"],
      needs: { binary: "rsync", apt: "rsync" },
      needsDestination: false,
      command: (s, d, mode) => ["rsync", "-aHAXS", ...(mode === "mirror" ? ["--delete"] : []), `${s}/`, `${d}/`],
    },
    {
      name: "tar",
      label: () => "tar | tar + sync",
      modes: ["fresh"],
      needs: { binary: "tar", apt: "tar" },
      needsDestination: true,
      command: (s, d) => ["bash", "-c", 'set -o pipefail; tar -C "$1" -cf - . | tar -C "$2" -xf -', "tar", s, d],
    },
    {
      name: "rclone",
      label: (mode) => `rclone ${mode === "fresh" ? "copy" : "sync"} + sync`,
      modes: ["fresh", "mirror"],
      needs: { binary: "rclone", apt: "rclone" },
      needsDestination: false,
      command: (s, d, mode) => ["rclone", mode === "fresh" ? "copy" : "sync", ...rcloneFlags, s, d],
    },
  ];
}

/** Installs missing peers with apt-get (as root); returns the tools that can run. */
export async function ensurePeers(tools: readonly Tool[]): Promise<Tool[]> {
  const missing = tools.filter((t) => !available(t.needs.binary));
  const packages = [...new Set(missing.flatMap((t) => (t.needs.apt === null ? [] : [t.needs.apt])))];
  if (packages.length > 0 && available("apt-get") && process.getuid?.() === 0) {
    console.error(`bench: installing ${packages.join(", ")} with apt-get`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const update = Bun.spawnSync(["apt-get", "update"], { env, stdout: "ignore", stderr: "inherit" });
    // A server package (openssh-server) must not start a system service on install: the benchmark
    // starts its own, on the link. Debian's policy-rc.d says so, for this install only.
    const policy = "/usr/sbin/policy-rc.d";
    const ownPolicy = !existsSync(policy);
    if (ownPolicy) writeFileSync(policy, "#!/bin/sh\nexit 101\n", { mode: 0o755 });
    try {
      if (update.exitCode === 0) Bun.spawnSync(["apt-get", "install", "-y", "--no-install-recommends", ...packages], { env, stdout: "ignore", stderr: "inherit" });
    } finally {
      if (ownPolicy) rmSync(policy, { force: true });
    }
  }
  return tools.filter((t) => {
    if (available(t.needs.binary)) return true;
    console.error(`bench: leaving out ${t.name}: ${t.needs.binary} is not available`);
    return false;
  });
}

// --- internal ---

function available(binary: string): boolean {
  return binary.includes("/") ? Bun.file(binary).size > 0 : Bun.which(binary) !== null;
}
