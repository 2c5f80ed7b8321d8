// SPEC §3 "Output": --json prints exactly one JSON summary object on stdout, with these fields.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { expectExit, runCli, stdoutLines, SUMMARY_KEYS } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

test.concurrent("a local copy prints one object with every SPEC §3 field, typed", async () => {
  using tmp = makeTempDir("json-shape");
  const src = join(tmp.path, "src");
  writeTree(src, { "a.txt": "12345", "sub/b.txt": "678" });
  const r = await runCli(["copy", "--json", `${src}/`, join(tmp.path, "dst")]);
  expectExit(r, 0);
  expect(stdoutLines(r)).toHaveLength(1);
  expect(Object.keys(r.json ?? {}).sort()).toEqual([...SUMMARY_KEYS]);
  expect(r.json).toEqual({
    operation: "copy",
    source: expect.any(String),
    destination: expect.any(String),
    route: "local",
    transport: "local",
    dry_run: false,
    files_examined: 2,
    files_transferred: 2,
    files_skipped: 0,
    bytes_transferred: 8,
    entries_deleted: 0,
    sources_removed: 0,
    files_failed: 0,
    files_verified: 0,
    files_resent: 0,
    failures: [],
    duration_ms: expect.any(Number),
    bytes_per_sec: expect.any(Number),
    zero_copy_bytes: expect.any(Number),
    tls: false,
    fallback_reason: null,
    outcome: "success",
    attempts: 1,
    exit_code: 0,
    error: null,
  });
});

test.concurrent("mirror --dry-run --json reports operation mirror, dry_run true, outcome dry-run", async () => {
  using tmp = makeTempDir("json-shape-dry");
  const src = join(tmp.path, "src");
  writeTree(src, { "a.txt": "12345" });
  const r = await runCli(["mirror", "--dry-run", "--json", `${src}/`, join(tmp.path, "dst")]);
  expectExit(r, 0);
  expect(Object.keys(r.json ?? {}).sort()).toEqual([...SUMMARY_KEYS]);
  expect({ operation: r.json?.operation, dry_run: r.json?.dry_run, outcome: r.json?.outcome }).toEqual({
    operation: "mirror",
    dry_run: true,
    outcome: "dry-run",
  });
});

test.concurrent("a failed run still prints the summary, with failures as {path, error}", async () => {
  using tmp = makeTempDir("json-shape-fail");
  const src = join(tmp.path, "src");
  // A destination directory where the source has a file: copy does not replace it (mirror does).
  writeTree(src, { "a.txt": "a", "clash": "file in src" });
  writeTree(tmp.path, { "dst/clash/inner.txt": "dir in dst" });
  const r = await runCli(["copy", "--json", `${src}/`, join(tmp.path, "dst")]);
  expectExit(r, 8);
  expect(Object.keys(r.json ?? {}).sort()).toEqual([...SUMMARY_KEYS]);
  expect({ files_failed: r.json?.files_failed, outcome: r.json?.outcome, failures: r.json?.failures }).toEqual({
    files_failed: 1,
    outcome: "partial",
    failures: [expect.objectContaining({ path: "clash", error: expect.any(String) })],
  });
});
