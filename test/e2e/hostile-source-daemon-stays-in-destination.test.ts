// SPEC §5 Hostile peers (the rsync CVE-2024-12087 class): a daemon you pull from — by
// `blit copy host:/m/ ./dst`, or by a destination daemon in a delegated pull — lists names that
// are not one path component ("..", "a/../../x", an absolute path, a NUL byte) or a name twice (a
// symlink, then a directory of that name with a file "inside" it), at the top or deeper. The run fails with
// PATH_ESCAPE (exit 4) naming the name, and nothing outside the destination changes: mode,
// owner, content and existence of every victim path are as before. A setuid file and a symlink
// replaced by a directory on a later run stay inside the destination too.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { startDaemon, type RunningDaemon } from "../harness/daemon.ts";
import { meta, startFakeSourceDaemon, type FakeSourceDaemon } from "../harness/fake-source-daemon.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree, type TempDir } from "../harness/temp-tree.ts";

let top: TempDir;
let fake: FakeSourceDaemon;
let dest: RunningDaemon;
const asRoot = process.getuid?.() === 0;

const HOSTILE = ["dotdot", "traverse", "absolute", "nul", "twice", "nested"] as const;

beforeAll(async () => {
  top = makeTempDir("hostile-source");
  const t = top.path;
  writeTree(t, {
    "victim.txt": { content: "precious", mode: 0o600 },
    "victim-dir/keep.txt": "keep",
    "dst/.keep": "",
    "mod/.keep": "",
    "fake/twice/s/x": "evil",
    "fake/setuid/su": { content: "#!/bin/sh\n", mode: 0o755 },
    "fake/link2/s/x": "evil",
  });
  chmodSync(t, 0o755);
  if (asRoot) chownSync(join(t, "fake/setuid/su"), 0, 0);
  chmodSync(join(t, "fake/setuid/su"), 0o4755);
  for (const m of ["dotdot", "traverse", "absolute", "nul", "link1", "nested"]) mkdirSync(join(t, "fake", m), { recursive: true });
  const evil = meta({ kind: "dir", mode: 0o777, uid: 4242, gid: 4242 });
  const file = meta({ kind: "file", size: 4, mode: 0o4777, uid: 4242 });
  const link = meta({ kind: "symlink", linkTarget: join(t, "victim-dir") });
  fake = await startFakeSourceDaemon({
    modules: {
      dotdot: { path: join(t, "fake/dotdot"), listings: { "": [{ name: "..", meta: evil }] } },
      traverse: { path: join(t, "fake/traverse"), listings: { "": [{ name: "a/../../victim.txt", meta: file }] } },
      absolute: { path: join(t, "fake/absolute"), listings: { "": [{ name: join(t, "victim.txt"), meta: file }] } },
      nul: { path: join(t, "fake/nul"), listings: { "": [{ name: "victim.txt\0x", meta: file }] } },
      twice: { path: join(t, "fake/twice"), listings: { "": [{ name: "s", meta: link }, { name: "s", meta: meta({ kind: "dir" }) }], s: [{ name: "x", meta: { ...file, mode: 0o644 } }] } },
      nested: { path: join(t, "fake/nested"), listings: { "": [{ name: "d", meta: meta({ kind: "dir" }) }], d: [{ name: "..", meta: evil }] } },
      setuid: { path: join(t, "fake/setuid") },
      link1: { path: join(t, "fake/link1"), listings: { "": [{ name: "s", meta: link }] } },
      link2: { path: join(t, "fake/link2") },
    },
  });
  dest = await startDaemon({ modules: { mod: { path: join(t, "mod") } }, delegation: { allow: true, allowedSources: ["127.0.0.1"] } });
}, 30_000);

afterAll(async () => {
  await Promise.all([fake?.stop(), dest?.stop()]);
  top?.[Symbol.dispose]();
});

test("a pulling blit refuses every hostile listing and changes nothing outside ./dst", async () => {
  const before = snapshot(top.path);
  for (const m of HOSTILE) {
    const r = await runCli(["copy", `${fake.control}:/${m}/`, `${join(top.path, "dst")}/`]);
    expect({ m, outside: snapshot(top.path) }).toEqual({ m, outside: before });
    expect({ m, exit: r.exitCode }).toEqual({ m, exit: 4 });
    expect(r.stderr).toMatch(/one path component|twice in one directory/);
  }
  expect(readdirSync(join(top.path, "victim-dir"))).toEqual(["keep.txt"]);
  expect(readFileSync(join(top.path, "victim.txt"), "utf8")).toBe("precious");
}, 120_000);

test("a pulling blit keeps a setuid file and a later directory over a symlink inside ./dst", async () => {
  const before = snapshot(top.path);
  const dst = `${join(top.path, "dst")}/`;
  expectExit(await runCli(["copy", `${fake.control}:/setuid/`, dst]), 0);
  expect(existsSync(join(top.path, "dst/su"))).toBe(true);
  expectExit(await runCli(["copy", `${fake.control}:/link1/`, dst]), 0);
  expect(readlinkSync(join(top.path, "dst/s"))).toBe(join(top.path, "victim-dir"));
  expectExit(await runCli(["copy", `${fake.control}:/link2/`, dst]), 0);
  expect(lstatSync(join(top.path, "dst/s")).isDirectory()).toBe(true);
  expect(readFileSync(join(top.path, "dst/s/x"), "utf8")).toBe("evil");
  expect(snapshot(top.path)).toEqual(before);
}, 120_000);

test("a delegated pull into a real daemon refuses every hostile listing and changes nothing outside the module", async () => {
  const before = snapshot(top.path);
  for (const m of HOSTILE) {
    const r = await runCli(["copy", `${fake.control}:/${m}/`, `${dest.control}:/mod/`]);
    expect({ m, outside: snapshot(top.path) }).toEqual({ m, outside: before });
    expect({ m, exit: r.exitCode }).toEqual({ m, exit: 4 });
    expect(r.stderr).toMatch(/one path component|twice in one directory/);
    expect(r.stderr).not.toMatch(/passes through this machine/);
  }
  expect(dest.stderr()).toContain(`pulling from ${fake.control}`);
  for (const m of ["setuid", "link1", "link2"]) expectExit(await runCli(["copy", `${fake.control}:/${m}/`, `${dest.control}:/mod/`]), 0);
  expect(lstatSync(join(top.path, "mod/s")).isDirectory()).toBe(true);
  expect(snapshot(top.path)).toEqual(before);
  expect(readdirSync(join(top.path, "victim-dir"))).toEqual(["keep.txt"]);
}, 120_000);

/** Every path under `root` except the two destinations (dst, mod): kind, mode, owner, content. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string, depth: number) => {
    if (depth > 10) return;
    const abs = rel === "" ? root : join(root, rel);
    const st = lstatSync(abs);
    const body = st.isFile() ? readFileSync(abs, "latin1") : st.isSymbolicLink() ? `-> ${readlinkSync(abs)}` : "";
    out[rel || "."] = `${st.mode.toString(8)} ${st.uid}:${st.gid} ${body}`;
    if (!st.isDirectory()) return;
    for (const name of readdirSync(abs).sort()) {
      const child = rel === "" ? name : `${rel}/${name}`;
      if (child !== "dst" && child !== "mod") walk(child, depth + 1);
    }
  };
  walk("", 0);
  return out;
}
