// SPEC §5: a client that cancels a Find over a big tree, or a client process killed mid-stream,
// ends only its own call; the daemon keeps serving.
import { expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GrpcControlClient } from "../../src/adapters/grpc/index.ts";
import { isBlitError } from "../../src/domain/errors.ts";
import { startDaemon } from "../harness/daemon.ts";
import { UTILS } from "../harness/run-utils.ts";
import { makeTempDir } from "../harness/temp-tree.ts";

test("cancelled and killed Find streams do not disturb the daemon", async () => {
  using dir = makeTempDir("vanish");
  for (let d = 0; d < 40; d++) {
    mkdirSync(join(dir.path, `d${d}`));
    for (let f = 0; f < 50; f++) writeFileSync(join(dir.path, `d${d}`, `f${f}`), "");
  }
  await using daemon = await startDaemon({ modules: { m: { path: dir.path } } });
  await using client = new GrpcControlClient({ host: daemon.host, port: daemon.port, tls: daemon.tls });

  const controller = new AbortController();
  let seen = 0;
  const outcome = await (async () => {
    for await (const _ of client.find({ target: { module: "m", path: "" }, pattern: "", kind: "any", limit: 0 }, controller.signal)) {
      if (++seen === 5) controller.abort();
    }
    return "finished";
  })().catch((e: unknown) => (isBlitError(e) ? e.code : String(e)));
  expect({ outcome, seen }).toEqual({ outcome: "CANCELLED", seen: 5 });

  const proc = Bun.spawn([UTILS, "find", `${daemon.control}:/m/`], { env: process.env, stdout: "pipe", stderr: "ignore", stdin: "ignore" });
  const reader = proc.stdout.getReader();
  const first = await reader.read();
  expect(first.done).toBe(false);
  proc.kill("SIGKILL");
  await proc.exited;

  const listing = await client.list({ module: "m", path: "d39" });
  expect(listing.entries.length).toBe(50);
  let total = 0;
  for await (const _ of client.find({ target: { module: "m", path: "" }, pattern: "f49", kind: "files", limit: 0 })) total++;
  expect(total).toBe(40);
}, 60_000);
