/**
 * A container without an image registry: a root directory holding only a program, the shared
 * libraries it links (what a slim base image provides), /etc/passwd with its user, and the files
 * given; run in fresh mount, PID and network namespaces (unshare), chrooted, as that user.
 * - `bareContainerUnavailableReason()`: null when unshare and nsenter work here, else why.
 * - `startBareContainer(spec)`: builds the root in a temp dir, bind-mounts `spec.program` read-only
 *   at `spec.programPath` (with `spec.links` beside it), mounts /proc, a /tmp and the basic /dev
 *   nodes, runs `spec.entrypoint` as `spec.uid` and resolves once it printed its first stdout line.
 *   `root` is the container's root seen from outside (files land there); `exec(argv, { inside })`
 *   runs argv in the container's network namespace — with `inside`, also in its mount and PID
 *   namespaces, root and working directory, as its user (the way `podman exec` runs a
 *   HEALTHCHECK); `stop(signal)` signals PID 1 of the container and resolves with its exit code.
 *   `await using` stops it (SIGKILL when SIGTERM is not enough) and removes the root.
 */
import { chownSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** The environment inside the container (a runtime passes the image's ENV, not the host's). */
const CONTAINER_ENV = ["PATH=/usr/local/bin:/usr/bin:/bin", "BLIT_DISABLE_LOCAL_TELEMETRY=1"];

export interface BareContainerSpec {
  readonly program: string;
  readonly programPath: string;
  readonly links: readonly string[];
  readonly user: string;
  readonly uid: number;
  /** Directories created and owned by the user (VOLUMEs). The entrypoint runs in /. */
  readonly ownedDirs: readonly string[];
  /** Container path → content. */
  readonly files: Readonly<Record<string, string>>;
  readonly entrypoint: readonly string[];
}

export interface BareContainer extends AsyncDisposable {
  readonly root: string;
  readonly pid: number;
  readonly firstLine: string;
  stderr(): string;
  exec(argv: readonly string[], options?: { readonly inside?: boolean }): Promise<{ code: number; out: string; err: string }>;
  stop(signal: NodeJS.Signals): Promise<number>;
}

const START_MS = 30_000;
const STOP_MS = 20_000;
const DEVICES = ["null", "zero", "random", "urandom"];

export function bareContainerUnavailableReason(): string | null {
  for (const tool of ["unshare", "nsenter", "chroot", "ldd", "ip"]) if (Bun.which(tool) === null) return `${tool} is not installed`;
  const probe = Bun.spawnSync(["unshare", "--mount", "--pid", "--net", "--fork", "true"], { stdout: "pipe", stderr: "pipe" });
  return probe.exitCode === 0 ? null : `unshare --mount --pid --net is not permitted here: ${probe.stderr.toString().trim()}`;
}

export async function startBareContainer(spec: BareContainerSpec): Promise<BareContainer> {
  const base = mkdtempSync(join(tmpdir(), "blit-e2e-container-"));
  const root = join(base, "root");
  for (const d of ["etc", "tmp", "proc", "dev", dirname(spec.programPath).slice(1)]) mkdirSync(join(root, d), { recursive: true });
  for (const lib of sharedLibraries(spec.program)) {
    mkdirSync(join(root, dirname(lib)), { recursive: true });
    copyFileSync(lib, join(root, lib));
  }
  writeFileSync(join(root, spec.programPath), "");
  for (const link of spec.links) symlinkSync(spec.programPath.slice(spec.programPath.lastIndexOf("/") + 1), join(root, link));
  writeFileSync(join(root, "etc/passwd"), `root:x:0:0:root:/root:/usr/sbin/nologin\n${spec.user}:x:${spec.uid}:${spec.uid}::${spec.ownedDirs[0] ?? "/"}:/usr/sbin/nologin\n`);
  writeFileSync(join(root, "etc/group"), `root:x:0:\n${spec.user}:x:${spec.uid}:\n`);
  for (const d of spec.ownedDirs) {
    mkdirSync(join(root, dirname(d)), { recursive: true });
    mkdirSync(join(root, d), { mode: 0o750 });
    chownSync(join(root, d), spec.uid, spec.uid);
  }
  for (const [path, content] of Object.entries(spec.files)) {
    mkdirSync(join(root, dirname(path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  for (const d of DEVICES) writeFileSync(join(root, "dev", d), "");
  const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  const script = [
    "set -e",
    "ip link set lo up",
    `mount -t tmpfs -o mode=1777 tmpfs ${q(join(root, "tmp"))}`,
    `mount --bind -o ro ${q(spec.program)} ${q(join(root, spec.programPath))}`,
    ...DEVICES.map((d) => `mount --bind /dev/${d} ${q(join(root, "dev", d))}`),
    `mount -t proc proc ${q(join(root, "proc"))}`,
    // A container runtime gives the entrypoint the image's environment, not the host's.
    `exec env -i ${CONTAINER_ENV.map(q).join(" ")} HOME=${q(spec.ownedDirs[0] ?? "/")} "$(command -v chroot)" --userspec=${spec.uid}:${spec.uid} ${q(root)} ${spec.entrypoint.map(q).join(" ")}`,
  ].join("\n");
  const proc = Bun.spawn(["unshare", "--mount", "--pid", "--net", "--fork", "sh", "-c", script], { stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  let err = "";
  void (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of proc.stderr) err += decoder.decode(chunk, { stream: true });
  })();
  const cleanup = async () => {
    if (proc.exitCode === null) proc.kill("SIGKILL");
    await proc.exited;
    rmSync(base, { recursive: true, force: true });
  };
  let firstLine: string;
  let pid: number;
  try {
    firstLine = await readFirstLine(proc, () => err);
    pid = Number(readFileSync(`/proc/${proc.pid}/task/${proc.pid}/children`, "utf8").trim().split(/\s+/)[0]);
    if (!(pid > 0)) throw new Error("could not find the container's PID 1");
  } catch (e) {
    await cleanup();
    throw e;
  }
  const stop = async (signal: NodeJS.Signals) => {
    if (proc.exitCode === null) process.kill(pid, signal);
    const timer = setTimeout(() => proc.kill("SIGKILL"), STOP_MS);
    try {
      return await proc.exited;
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    root,
    pid,
    firstLine,
    stderr: () => err,
    async exec(argv, options = {}) {
      const enter = options.inside === true ? ["-m", "-p", "-n", "-r", "-w", "-S", String(spec.uid), "-G", String(spec.uid)] : ["-n"];
      const p = Bun.spawn(["nsenter", "-t", String(pid), ...enter, "--", ...argv], {
        cwd: options.inside === true ? "/" : tmpdir(),
        env: options.inside === true ? { ...Object.fromEntries(CONTAINER_ENV.map((kv) => kv.split("=", 2) as [string, string])), HOME: spec.ownedDirs[0] ?? "/" } : { ...process.env, BLIT_DISABLE_LOCAL_TELEMETRY: "1" },
        stdout: "pipe",
        stderr: "pipe",
        stdin: "ignore",
      });
      const [out, e, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
      return { code, out, err: e };
    },
    stop,
    async [Symbol.asyncDispose]() {
      if (proc.exitCode === null) await stop("SIGTERM");
      await cleanup();
    },
  };
}

// --- internal ---

/** The shared libraries `program` links, as absolute paths (ldd). */
function sharedLibraries(program: string): string[] {
  const ldd = Bun.spawnSync(["ldd", program], { stdout: "pipe", stderr: "pipe" });
  if (ldd.exitCode !== 0) return [];
  return ldd.stdout.toString().split("\n").flatMap((l) => /(\/\S+) \(0x/.exec(l)?.[1] ?? []);
}

async function readFirstLine(proc: Bun.Subprocess<"ignore", "pipe", "pipe">, err: () => string): Promise<string> {
  const reader = proc.stdout.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the container printed nothing within ${START_MS} ms\n${err()}`)), START_MS);
  });
  let text = "";
  try {
    for (let i = 0; i < 10_000 && !text.includes("\n"); i++) {
      const { value, done } = await Promise.race([reader.read(), late]);
      if (done) throw new Error(`the container exited (code ${await proc.exited}) before printing a line\n${err()}`);
      text += new TextDecoder().decode(value);
    }
    return text.slice(0, text.indexOf("\n"));
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
}
