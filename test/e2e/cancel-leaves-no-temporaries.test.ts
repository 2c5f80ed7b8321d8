// SPEC §3 "Atomic writes" and exit 130: Ctrl-C (SIGINT) in the middle of a large file stops the copy
// between chunks, removes the temporary and leaves no half-written file; progress moves inside the file.
import { expect, test } from "bun:test";
import { readdirSync, mkdirSync } from "node:fs";
import { allocatedFile } from "../harness/process-probe.ts";
import { join } from "node:path";
import { BLIT, REPO_ROOT } from "../harness/run-cli.ts";
import { mountSmallFs, SMALL_FS } from "../harness/small-fs.ts";

const SIZE = 1.5 * 2 ** 30; // allocated zeros at the source (blit keeps holes, so not sparse): ~1 s to write at the destination's tmpfs

test.skipIf(!SMALL_FS.ok)(`SIGINT mid-file: exit 130, no temporary, no partial file${SMALL_FS.ok ? "" : ` (${SMALL_FS.reason})`}`, async () => {
  await using fsys = mountSmallFs("cancel", "4g");
  const src = join(fsys.path, "src");
  const dst = join(fsys.path, "dst");
  mkdirSync(src);
  allocatedFile(join(src, "big.bin"), SIZE);
  const proc = Bun.spawn([BLIT, "copy", "-p", "--json", `${src}/`, dst], {
    cwd: REPO_ROOT,
    env: { ...process.env, BLIT_DISABLE_LOCAL_TELEMETRY: "1" },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const midFile = await firstProgressInsideFile(proc.stderr);
  proc.kill("SIGINT");
  expect(await proc.exited).toBe(130);
  expect(midFile).toBeGreaterThan(0);
  expect(readdirSync(dst)).toEqual([]);
}, 30_000);

/** Reads NDJSON progress until bytes_done is above 0 with no file finished; returns it. */
async function firstProgressInsideFile(stream: ReadableStream<Uint8Array>): Promise<number> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream) {
    text += decoder.decode(chunk, { stream: true });
    for (const line of text.split("\n").slice(0, -1)) {
      const rec = JSON.parse(line) as { type?: string; bytes_done?: number; files_done?: number };
      if (rec.type === "progress" && (rec.bytes_done ?? 0) > 0 && rec.files_done === 0) return rec.bytes_done!;
    }
    text = text.slice(text.lastIndexOf("\n") + 1);
  }
  throw new Error(`blit ended before any progress inside the file was reported:\n${text}`);
}
