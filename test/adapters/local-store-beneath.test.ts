// SPEC §5 "Containment": a contained LocalStore (a module with use_chroot) never reads, writes or
// deletes outside its root through a symlink, even when a parent directory is swapped for a
// symlink while operations run.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalStore } from "../../src/adapters/local/index.ts";
import { storeBytes } from "../../src/apps/engine/store-bytes.ts";
import type { EntryMeta } from "../../src/domain/entry.ts";

const FILE: EntryMeta = { kind: "file", size: 6, mtimeNs: 1_700_000_000_000_000_000n, mode: 0o644, uid: 0, gid: 0 };

let base = "";
let root = "";
let outside = "";
let source: LocalStore;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), "blit-beneath-"));
  root = join(base, "module");
  outside = join(base, "outside");
  mkdirSync(join(root, "real"), { recursive: true });
  mkdirSync(outside);
  mkdirSync(join(base, "src"));
  writeFileSync(join(base, "src", "payload"), "PAYLOAD");
  writeFileSync(join(outside, "secret"), "OUTSIDE");
  writeFileSync(join(root, "real", "secret"), "inside");
  symlinkSync(outside, join(root, "abs-link"));
  symlinkSync("..", join(root, "up"));
  symlinkSync("real", join(root, "in-link"));
  source = new LocalStore({ root: join(base, "src"), cleanTemporaries: false, maxThreads: null });
});

afterAll(async () => {
  await source[Symbol.asyncDispose]();
  rmSync(base, { recursive: true, force: true });
});

const contained = () => new LocalStore({ root, cleanTemporaries: true, maxThreads: null, beneath: true });
const payload = { ...FILE, size: 7 };
const outsideNames = () => readdirSync(outside).sort();

describe("a contained store refuses paths through symlinks that leave it", () => {
  test.each(["abs-link/secret", "up/outside/secret"])("read %s", async (path) => {
    await using store = contained();
    expect(() => store.read(path)).toThrow(expect.objectContaining({ code: "PATH_ESCAPE" }));
  });

  test.each(["abs-link", "up/outside"])("list %s", async (path) => {
    await using store = contained();
    await expect(store.list(path)).rejects.toMatchObject({ code: "PATH_ESCAPE" });
  });

  test.each(["abs-link/new", "up/outside/new"])("write %s", async (path) => {
    await using store = contained();
    const [r] = await store.write([{ path, meta: payload, bytes: storeBytes(source, "payload") }]);
    expect(r?.error?.code).toBe("PATH_ESCAPE");
    expect(outsideNames()).toEqual(["secret"]);
  });

  test.each(["abs-link/secret", "up/outside/secret"])("remove %s", async (path) => {
    await using store = contained();
    const [r] = await store.remove([path]);
    expect(r?.error?.code).toBe("PATH_ESCAPE");
    expect(readFileSync(join(outside, "secret"), "utf8")).toBe("OUTSIDE");
  });

  test("removing a symlink removes the link, never its target", async () => {
    symlinkSync(outside, join(root, "doomed-link"));
    await using store = contained();
    const [r] = await store.remove(["doomed-link"]);
    expect(r?.error).toBeUndefined();
    expect(existsSync(join(root, "doomed-link"))).toBe(false);
    expect(outsideNames()).toEqual(["secret"]);
  });

  test("errors name module-relative paths only", async () => {
    await using store = contained();
    const err = await store.list("abs-link").catch((e: Error) => e);
    expect(String((err as Error).message)).not.toContain(base);
    expect(String((err as Error).message)).not.toContain("/proc/");
  });

  test("a path whose last segment is '..' or '.' is refused: the module's parent keeps its mode", async () => {
    const before = statSync(base).mode;
    await using store = contained();
    const dir: EntryMeta = { ...FILE, kind: "dir", size: 0, mode: 0o777 };
    const results = [
      ...(await store.setMeta([{ path: "..", meta: dir }, { path: "real/..", meta: dir }, { path: "real/.", meta: dir }])),
      ...(await store.write([{ path: "..", meta: dir }])),
      ...(await store.remove(["real/..", "real/."])),
    ];
    expect(results.map((r) => r.error?.code)).toEqual(Array(6).fill("PATH_ESCAPE"));
    expect(statSync(base).mode).toBe(before);
    expect(readFileSync(join(root, "real", "secret"), "utf8")).toBe("inside");
  });

  test("a symlink that stays inside may be crossed as a parent", async () => {
    await using store = contained();
    expect(await new Response(store.read("in-link/secret")).text()).toBe("inside");
  });
});

test("an uncontained store refuses a '..' segment too: the root's parent keeps its mode", async () => {
  const before = statSync(base).mode;
  await using store = new LocalStore({ root, cleanTemporaries: false, maxThreads: null });
  const dir: EntryMeta = { ...FILE, kind: "dir", size: 0, mode: 0o777 };
  await expect(store.setMeta([{ path: "..", meta: dir }])).rejects.toMatchObject({ code: "PATH_ESCAPE" });
  await expect(store.remove(["real/../.."])).rejects.toMatchObject({ code: "PATH_ESCAPE" });
  expect(statSync(base).mode).toBe(before);
  expect(readFileSync(join(root, "real", "secret"), "utf8")).toBe("inside");
});

test("a parent swapped for a symlink mid-run never leads outside", async () => {
  mkdirSync(join(root, "race"));
  writeFileSync(join(root, "race", "secret"), "inside");
  writeFileSync(join(outside, "victim"), "keep me");
  const before = outsideNames();
  const swapper = Bun.spawn(["bun", "-e", SWAPPER, root, outside], { stdout: "pipe", stderr: "inherit" });
  const reader = swapper.stdout.getReader();
  await reader.read(); // the swapper prints once it is running
  await using store = contained();
  const seen = new Set<string>();
  for (let i = 0; i < 400; i++) {
    await store.write([{ path: `race/f${i}`, meta: payload, bytes: storeBytes(source, "payload") }]).catch(() => []);
    try {
      seen.add(await new Response(store.read("race/secret")).text());
    } catch {
      // a moment when race/ is a symlink or missing: refused, which is the point
    }
    await store.remove(["race/victim"]).catch(() => []);
    await store.list("race").catch(() => null);
  }
  swapper.kill();
  await swapper.exited;
  expect(seen.has("OUTSIDE")).toBe(false);
  expect(outsideNames()).toEqual(before);
  expect(readFileSync(join(outside, "victim"), "utf8")).toBe("keep me");
}, 60_000);

/** Swaps module/race between the real directory and a symlink to `outside`, bounded in count and time. */
const SWAPPER = `
const fs = require("node:fs");
const [root, outside] = process.argv.slice(-2);
const race = root + "/race", parked = root + "/race.parked";
const until = Date.now() + 30000;
console.log("running");
for (let i = 0; i < 5_000_000 && Date.now() < until; i++) {
  try { fs.renameSync(race, parked); fs.symlinkSync(outside, race); fs.unlinkSync(race); fs.renameSync(parked, race); } catch {}
}
`;
