/**
 * Local telemetry through the real programs: each run appends one record under $XDG_CONFIG_HOME/blit,
 * `blit diagnostics perf` shows them (table, --json, --limit, --clear), BLIT_DISABLE_LOCAL_TELEMETRY=1
 * writes nothing, and `blit-utils profile` measures a filesystem and records its profile.
 */
import { expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { runUtils } from "../harness/run-utils.ts";
import { removeAtRunEnd } from "../harness/run-dirs.ts";

function setup() {
  const root = mkdtempSync(join(tmpdir(), "blit-telemetry-"));
  removeAtRunEnd(root);
  mkdirSync(join(root, "src"));
  for (let i = 0; i < 5; i++) writeFileSync(join(root, "src", `f${i}`), `file ${i}\n`);
  const env = { XDG_CONFIG_HOME: join(root, "config"), BLIT_DISABLE_LOCAL_TELEMETRY: undefined };
  return { root, env, log: join(root, "config", "blit", "perf_local.jsonl") };
}

test("each run appends one record; diagnostics perf lists and summarises them; --clear empties", async () => {
  const { root, env, log } = setup();
  expectExit(await runCli(["copy", `${root}/src/`, `${root}/a`], { env }), 0);
  expectExit(await runCli(["copy", `${root}/src/`, `${root}/a`], { env }), 0);
  expectExit(await runCli(["copy", `${root}/missing/`, `${root}/b`], { env }), 3);
  const lines = readFileSync(log, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(lines.map((r) => [r.files, r.outcome, r.error])).toEqual([[5, "success", null], [0, "success", null], [0, "failed", "NOT_FOUND"]]);
  expect(lines[0]).toMatchObject({ route: "local", transport: "local", size_class: "small" });

  const json = await runCli(["diagnostics", "perf", "--json", "--limit", "2"], { env });
  expectExit(json, 0);
  expect(json.json).toMatchObject({ total: 3, recording: true });
  expect((json.json?.runs as unknown[]).length).toBe(2);
  expect(Object.keys((json.json?.predictor as { ema: object }).ema)).toHaveLength(1);

  const text = await runCli(["diagnostics", "perf"], { env });
  expectExit(text, 0);
  expect(text.stdout).toContain("Recent runs (3 of 3, newest last)");
  expect(text.stdout).toMatch(/^local\s+small\s+/m);
  expect(text.stdout).toContain("nothing leaves this machine");

  const cleared = await runCli(["diagnostics", "perf", "--clear"], { env });
  expectExit(cleared, 0);
  expect(cleared.stdout).toContain("cleared 3 run records");
  expect(readFileSync(log, "utf8")).toBe("");
});

test("BLIT_DISABLE_LOCAL_TELEMETRY=1 writes nothing, for transfers and for profile", async () => {
  const { root, env } = setup();
  const off = { ...env, BLIT_DISABLE_LOCAL_TELEMETRY: "1" };
  expectExit(await runCli(["copy", `${root}/src/`, `${root}/a`], { env: off }), 0);
  const profile = await runUtils(["profile", root], { env: off });
  expectExit(profile, 0);
  expect(profile.stdout).toContain("not recorded");
  expect(existsSync(join(root, "config"))).toBe(false);
});

test("bad diagnostics input is a usage error naming it (exit 2)", async () => {
  const { env } = setup();
  const topic = await runCli(["diagnostics", "speed"], { env });
  expectExit(topic, 2);
  expect(topic.stderr).toContain("diagnostics needs a topic: perf");
  const limit = await runCli(["diagnostics", "perf", "--limit", "x"], { env });
  expectExit(limit, 2);
  expect(limit.stderr).toContain("invalid --limit 'x'");
});

const PROFILE_TARGETS = [...(existsSync("/dev/shm") ? ["tmpfs"] : []), "disk"];

test.each(PROFILE_TARGETS)("blit-utils profile measures %s and records the profile", async (kind) => {
  const { root, env } = setup();
  const target = kind === "tmpfs" ? "/dev/shm" : root;
  const r = await runUtils(["profile", target, "--json"], { env });
  expectExit(r, 0);
  expect(r.json).toMatchObject({ path: target, copy_offload: expect.any(Boolean), reflink: expect.any(Boolean) });
  for (const key of ["seq_write_bps", "seq_read_bps", "small_creates_per_sec"]) expect(r.json?.[key]).toBeGreaterThan(0);
  expect(r.json?.predictor).toMatchObject({ workers: expect.any(Number), buffer_bytes: expect.any(Number), streams: expect.any(Number) });
  const state = JSON.parse(readFileSync(join(root, "config", "blit", "predictor.json"), "utf8")) as { profiles: Record<string, { path: string }> };
  expect(state.profiles[String(r.json?.fs)]?.path).toBe(target);
  if (kind === "tmpfs") expect(r.json?.fs).toBe("tmpfs");
});

test("blit-utils profile of a missing directory is exit 3 naming it", async () => {
  const { root, env } = setup();
  const missing = await runUtils(["profile", join(root, "nope")], { env });
  expectExit(missing, 3);
  expect(missing.stderr).toContain(`cannot profile ${join(root, "nope")}`);
});
