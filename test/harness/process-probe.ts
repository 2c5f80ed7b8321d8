/**
 * Looking at a running process from outside, through /proc (Linux), for robustness tests.
 * - `listeningPorts(pid)`: the TCP ports the process listens on (IPv4 and IPv6).
 * - `openFds(pid)`: its open file descriptors (the targets of /proc/PID/fd, e.g. `socket:[123]`), without
 *   the kernel objects threads bring with them (`anon_inode:…`: a worker pool that grew is no leak).
 * - `pollUntil(check, what, timeoutMs)`: re-checks until `check()` returns a value other than
 *   undefined, bounded by a deadline; throws naming `what` (or what it returns then) when it runs out.
 * - `temporariesUnder(dir)`: paths of blit temporaries (`.blit-tmp-…`) anywhere below `dir`.
 * - `sparseTree(root, bytes)` and `pushInFlight(src, remote, moduleDir)`: a push caught mid-file.
 */
import { mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m !== null) inodes.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const ports = new Set<number>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is f[1] ("ADDR:PORT" in hex), st is f[3] (0A = LISTEN), inode is f[9].
      if (f.length > 9 && f[3] === "0A" && inodes.has(f[9]!)) ports.add(Number.parseInt(f[1]!.split(":").at(-1)!, 16));
    }
  }
  return [...ports].sort((a, b) => a - b);
}

export function openFds(pid: number): string[] {
  const targets: string[] = [];
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (!target.startsWith("anon_inode:")) targets.push(target);
    } catch {
      // closed meanwhile
    }
  }
  return targets;
}

export async function pollUntil<T>(check: () => T | undefined | Promise<T | undefined>, what: string | (() => string), timeoutMs: number): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (let i = 0; performance.now() < deadline; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await Bun.sleep(Math.min(50, 5 + i));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === "string" ? what : what()}`);
}

export function temporariesUnder(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string, depth: number): void => {
    if (depth > 64) return;
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith(".blit-tmp-")) found.push(join(d, e.name));
      if (e.isDirectory()) walk(join(d, e.name), depth + 1);
    }
  };
  walk(dir, 0);
  return found;
}

/**
 * A push of `src/` to `remote` (`host:port:/module/`) caught in flight: spawns `bin/blit copy` and
 * returns once a blit temporary exists under `moduleDir` (the process is still running). Throws
 * when the push ends first (make its file larger).
 */
export async function pushInFlight(src: string, remote: string, moduleDir: string): Promise<Bun.Subprocess> {
  const { BLIT, REPO_ROOT } = await import("./run-cli.ts");
  const push = Bun.spawn([BLIT, "copy", `${src}/`, remote], { cwd: REPO_ROOT, env: { ...process.env, BLIT_DISABLE_LOCAL_TELEMETRY: "1" }, stdout: "ignore", stderr: "ignore" });
  const seen = await pollUntil(() => (temporariesUnder(moduleDir).length > 0 ? true : push.exitCode !== null ? false : undefined), "a temporary in the module", 30_000);
  if (!seen) throw new Error("the push finished before a temporary was seen: make the file larger");
  return push;
}

/**
 * A tree with two small files and a `bigBytes` `big.bin` whose blocks are allocated (fallocate:
 * cheap to make, read as zeros, and not sparse — blit keeps holes, so a sparse file would cost
 * nothing to copy and could not keep a transfer busy).
 */
export function bigTree(root: string, bigBytes: number): void {
  mkdirSync(join(root, "sub"), { recursive: true });
  writeFileSync(join(root, "a.txt"), "a");
  writeFileSync(join(root, "sub/b.txt"), "b");
  allocatedFile(join(root, "big.bin"), bigBytes);
}

/** A file of `bytes` allocated zeros (fallocate(1)); blit copies it byte for byte, unlike a sparse one. */
export function allocatedFile(path: string, bytes: number): void {
  const r = Bun.spawnSync(["fallocate", "-l", String(bytes), path], { stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`fallocate -l ${bytes} ${path}: ${r.stderr.toString().trim()}`);
}
