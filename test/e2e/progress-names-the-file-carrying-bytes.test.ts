// Issue 15 (progress): while one big file carries the bytes of a push and small files are queued
// after it, the progress records (`--json -p`) name the big file, not the last small one queued.
// The daemon and the client run in a namespace whose loopback is rate-limited, so the big file
// takes seconds to cross and several progress records fall inside it.
import { afterAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { startDaemon } from "../harness/daemon.ts";
import { deleteCreatedNetns } from "../harness/netns.ts";
import { BLIT } from "../harness/run-cli.ts";
import { randomBytes } from "../harness/random-bytes.ts";
import { createSlowLink, slowLinkUnavailableReason } from "../harness/slow-link.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

const BIG = 8 << 20;
const reason = slowLinkUnavailableReason();
afterAll(deleteCreatedNetns);

test.skipIf(reason !== null)(`the progress line names the big file being sent, not the small files queued after it${reason === null ? "" : ` (skipped: ${reason})`}`, async () => {
  using dir = makeTempDir("progress-current");
  const small: Record<string, string> = {};
  for (let i = 0; i < 300; i++) small[`src/b-${String(i).padStart(3, "0")}.txt`] = `small ${i}\n`;
  writeTree(dir.path, { "src/a-big.bin": randomBytes(BIG), ...small });
  mkdirSync(`${dir.path}/dst`);
  await using link = await createSlowLink("32mbit");
  await using daemon = await startDaemon({ modules: { m: { path: `${dir.path}/dst` } }, launch: link.exec });
  const proc = Bun.spawn(link.exec([BLIT, "copy", `${dir.path}/src/`, `${daemon.control}:/m/`, "--json", "-p", "--yes"]), {
    env: { ...process.env, BLIT_DISABLE_LOCAL_TELEMETRY: "1" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  expect({ code, err: code === 0 ? "" : err }).toEqual({ code: 0, err: "" });
  expect(JSON.parse(out)).toMatchObject({ files_transferred: 301, outcome: "success" });
  const records = err.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as { type: string; phase: string; files_planned: number; bytes_done: number; current: string });
  // Once files are queued and until half of the big file's bytes are counted, the big file is on its way.
  const midBig = records.filter((r) => r.type === "progress" && r.phase === "copy" && r.files_planned > 0 && r.bytes_done < BIG / 2);
  expect(midBig.length).toBeGreaterThan(0);
  expect([...new Set(midBig.map((r) => r.current))]).toEqual(["a-big.bin"]);
}, 120_000);
