// Packaging (issue 15): docs/packaging's systemd unit passes `systemd-analyze verify` against the
// compiled daemon and `systemd-analyze security` rates it OK or better; its sysusers.d and
// tmpfiles.d entries create the user and the directories it names; and every system call the
// compiled daemon makes while serving a push and a pull is allowed by the unit's SystemCallFilter.
// Skips only where systemd (systemd-analyze) or strace is not installed.
import { expect, test } from "bun:test";
import { cpSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { buildRelease } from "../harness/compiled.ts";
import { expectExit, REPO_ROOT, runProgram } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

const PACKAGING = resolve(REPO_ROOT, "docs/packaging");
const UNIT = readFileSync(join(PACKAGING, "blit-daemon.service"), "utf8");
const noSystemd = Bun.which("systemd-analyze") === null ? "systemd is not installed (apt-get install systemd)" : null;
const noStrace = noSystemd ?? (Bun.which("strace") === null ? "strace is not installed (apt-get install strace)" : null);
const WAIT_MS = 30_000;

function run(argv: string[]): { code: number; out: string; err: string } {
  const p = Bun.spawnSync(argv, { stdout: "pipe", stderr: "pipe" });
  return { code: p.exitCode ?? -1, out: p.stdout.toString(), err: p.stderr.toString() };
}

/** The unit as installed, with ExecStart pointing at the freshly built daemon instead of /usr/local/bin. */
async function unitForBuild(dir: string): Promise<string> {
  const release = await buildRelease();
  const file = join(dir, "blit-daemon.service");
  writeFileSync(file, UNIT.replaceAll("/usr/local/bin/blit-daemon", release.daemon));
  return file;
}

test.skipIf(noSystemd !== null)(`systemd-analyze verify passes and security rates the unit OK or better${noSystemd === null ? "" : ` (skipped: ${noSystemd})`}`, async () => {
  using dir = makeTempDir("systemd-unit");
  const unit = await unitForBuild(dir.path);
  const verify = run(["systemd-analyze", "verify", unit]);
  expect({ code: verify.code, err: verify.err.trim() }).toEqual({ code: 0, err: "" });
  const security = run(["systemd-analyze", "security", "--offline=true", unit]);
  const rating = /Overall exposure level for blit-daemon\.service: ([0-9.]+) (\w+)/.exec(security.out + security.err);
  expect(rating?.[2]).toBeOneOf(["PERFECT", "SAFE", "OK"]);
  expect(Number(rating?.[1])).toBeLessThan(5);
  expect(UNIT).toContain("Type=notify");
}, 120_000);

test.skipIf(noSystemd !== null)(`the sysusers.d and tmpfiles.d entries create the user blit and the directories the unit uses${noSystemd === null ? "" : ` (skipped: ${noSystemd})`}`, () => {
  using root = makeTempDir("systemd-root");
  mkdirSync(join(root.path, "etc"));
  mkdirSync(join(root.path, "usr/lib/sysusers.d"), { recursive: true });
  mkdirSync(join(root.path, "usr/lib/tmpfiles.d"), { recursive: true });
  cpSync(join(PACKAGING, "blit.sysusers"), join(root.path, "usr/lib/sysusers.d/blit.conf"));
  cpSync(join(PACKAGING, "blit.tmpfiles"), join(root.path, "usr/lib/tmpfiles.d/blit.conf"));
  expect(run(["systemd-sysusers", `--root=${root.path}`]).code).toBe(0);
  expect(run(["systemd-tmpfiles", `--root=${root.path}`, "--create"]).code).toBe(0);
  const user = readFileSync(join(root.path, "etc/passwd"), "utf8").split("\n").find((l) => l.startsWith("blit:"))?.split(":") ?? [];
  const uid = Number(user[2]);
  expect({ shell: user[6], home: user[5], system: uid > 0 && uid < 1000 }).toEqual({ shell: "/usr/sbin/nologin", home: "/var/lib/blit", system: true });
  const owned = (p: string) => {
    const s = statSync(join(root.path, p));
    return { uid: s.uid, mode: (s.mode & 0o7777).toString(8), dir: s.isDirectory() };
  };
  expect({ srv: owned("srv/blit"), state: owned("var/lib/blit") }).toEqual({ srv: { uid, mode: "750", dir: true }, state: { uid, mode: "750", dir: true } });
  // Every path the unit lets the daemon write is one the entries create.
  for (const line of UNIT.split("\n").filter((l) => l.startsWith("ReadWritePaths="))) {
    for (const p of line.slice("ReadWritePaths=".length).split(/\s+/)) expect(statSync(join(root.path, p)).isDirectory()).toBe(true);
  }
});

test.skipIf(noStrace !== null)(`every system call of the compiled daemon serving a push and a pull passes the unit's SystemCallFilter${noStrace === null ? "" : ` (skipped: ${noStrace})`}`, async () => {
  const release = await buildRelease();
  using dir = makeTempDir("systemd-syscalls");
  const small: Record<string, string> = {};
  for (let i = 0; i < 300; i++) small[`src/d${i % 7}/f${i}.txt`] = `file ${i}\n`;
  writeTree(dir.path, { ...small, "src/big.bin": new Uint8Array(4 << 20).fill(7), "module/.keep": "" });
  writeFileSync(join(dir.path, "config.toml"), `[daemon]\nbind = "127.0.0.1"\nport = 0\nno_mdns = true\nstate_dir = ${JSON.stringify(join(dir.path, "state"))}\n\n[[module]]\nname = "m"\npath = ${JSON.stringify(join(dir.path, "module"))}\n`);
  const trace = join(dir.path, "trace");
  const strace = Bun.spawn(["strace", "-f", "-qq", "-o", trace, release.daemon, "--config", join(dir.path, "config.toml")], { stdout: "pipe", stderr: "pipe" });
  let daemonPid = 0;
  try {
    const { control, fingerprint } = await readyLine(strace);
    // The clients pin the identity the daemon generated in its state directory (SPEC §9).
    const pin = ["--pin", fingerprint];
    daemonPid = Number(readFileSync(`/proc/${strace.pid}/task/${strace.pid}/children`, "utf8").trim().split(/\s+/)[0]);
    expectExit(await runProgram(release.blit, ["copy", ...pin, `${dir.path}/src/`, `${control}:/m/`, "--yes"]), 0);
    expectExit(await runProgram(release.blit, ["copy", ...pin, `${control}:/m/`, `${dir.path}/back/`, "--yes"]), 0);
    expectExit(await runProgram(release.utils, ["ls", ...pin, `${control}:/m/`]), 0);
  } finally {
    if (daemonPid > 0) process.kill(daemonPid, "SIGTERM");
    else strace.kill("SIGKILL");
    await strace.exited;
  }
  const used = new Set(readFileSync(trace, "utf8").split("\n").flatMap((l) => /^\d+\s+([a-z0-9_]+)\(/.exec(l)?.[1] ?? []));
  expect(used.size).toBeGreaterThan(30);
  const filters = UNIT.split("\n").filter((l) => l.startsWith("SystemCallFilter=")).map((l) => l.slice("SystemCallFilter=".length));
  const allowed = new Set(filters.filter((f) => !f.startsWith("~")).flatMap((f) => f.split(/\s+/)).flatMap((g) => expand(g)));
  const denied = new Set(filters.filter((f) => f.startsWith("~")).flatMap((f) => f.slice(1).split(/\s+/)).flatMap((g) => expand(g)));
  expect([...used].filter((c) => (!allowed.has(c) || denied.has(c)) && !REFUSED_WITH_FALLBACK.has(c)).sort()).toEqual([]);
}, 120_000);

/**
 * Calls outside the filter that blit tries once and does without when refused (EPERM, what the unit's
 * SystemCallErrorNumber= answers), as strace 6.1 names them: listxattrat (465, Linux 6.13; systemd 252's groups
 * predate it) — listings then read attribute names by path (fidelity-kept-when-seccomp-refuses-listxattrat.test.ts).
 */
const REFUSED_WITH_FALLBACK: ReadonlySet<string> = new Set(["listxattrat", "syscall_0x1d1"]);

/** A syscall group (`@system-service`) as the syscall names in it, nested groups included. */
function expand(name: string, depth = 0): string[] {
  if (!name.startsWith("@")) return [name];
  if (depth > 5) throw new Error(`syscall groups nest deeper than expected at ${name}`);
  const r = run(["systemd-analyze", "syscall-filter", name]);
  if (r.code !== 0) throw new Error(`systemd-analyze syscall-filter ${name}: ${r.err}`);
  return r.out.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#") && l !== name).flatMap((l) => expand(l, depth + 1));
}

async function readyLine(proc: Bun.Subprocess<"ignore", "pipe", "pipe">): Promise<{ control: string; fingerprint: string }> {
  const reader = proc.stdout.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the traced daemon printed no ready line within ${WAIT_MS} ms`)), WAIT_MS);
  });
  let text = "";
  try {
    for (let i = 0; i < 10_000 && !text.includes("\n"); i++) {
      const { value, done } = await Promise.race([reader.read(), late]);
      if (done) throw new Error(`the traced daemon exited before its ready line: ${await new Response(proc.stderr).text()}`);
      text += new TextDecoder().decode(value);
    }
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
  const ready = JSON.parse(text.slice(0, text.indexOf("\n"))) as { control: string; fingerprint: string };
  return { control: String(ready.control), fingerprint: String(ready.fingerprint) };
}
