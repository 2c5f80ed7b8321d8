// SPEC §9 / issue 13 "Done when": a recording proxy on both planes (the control port and the data
// port it announces) sees no file content, no file name and no token in the clear — push and
// pull, TCP data and gRPC data — because both planes speak TLS. The same run against a plaintext
// daemon (--no-tls) shows the content and the name, so the recording would catch them (the
// token rides HTTP/2 headers, Huffman-coded by HPACK: encoded, not hidden, but not a byte match).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startDaemon, type RunningDaemon } from "../harness/daemon.ts";
import { markedContent, startFlipProxy } from "../harness/flip-proxy.ts";
import { listeningPorts } from "../harness/process-probe.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, type TempDir } from "../harness/temp-tree.ts";

const CONTENT = new TextEncoder().encode("<<file-content-that-must-not-show:4e1c>>");
const NAME = "name-that-must-not-show-7f3a.bin";
const TOKEN = "token-that-must-not-show-0123456789abcdef0123456789abcdef";
/** Large enough that TCP data moves it by Channel.sendFile/receiveFile (TLS: tls-file-io.ts). */
const FILE_BYTES = 3 << 20;
const sha = (s: string) => createHash("sha256").update(s).digest("hex");

let dir: TempDir;
const daemons: Record<"tls" | "plain", RunningDaemon> = {} as Record<"tls" | "plain", RunningDaemon>;

beforeAll(async () => {
  dir = makeTempDir("wire-clear");
  for (const kind of ["tls", "plain"] as const) {
    mkdirSync(join(dir.path, kind));
    daemons[kind] = await startDaemon({
      modules: { m: { path: join(dir.path, kind) } },
      plaintext: kind === "plain",
      extraToml: `[[token]]\nname = "nightly"\nsha256 = "${sha(TOKEN)}"\nmodules = { m = "rw" }\n`,
    });
  }
});
afterAll(async () => {
  for (const d of Object.values(daemons)) await d?.stop();
  dir?.[Symbol.dispose]();
});

/** What a proxy on 127.0.0.2 recorded while one push and one pull of NAME went through it. */
async function recordedRun(kind: "tls" | "plain", transport: "tcp" | "grpc"): Promise<Buffer> {
  const daemon = daemons[kind];
  const local = join(dir.path, `${kind}-${transport}`);
  rmSync(local, { recursive: true, force: true });
  mkdirSync(join(local, "src"), { recursive: true });
  writeFileSync(join(local, "src", NAME), markedContent(CONTENT, FILE_BYTES));
  await using proxy = await startFlipProxy({ host: "127.0.0.2", ports: listeningPorts(daemon.pid), target: "127.0.0.1", marker: CONTENT, mode: "never" });
  const trust = kind === "tls" ? ["--pin", String(daemon.ready.fingerprint)] : ["--no-tls"];
  const flags = ["--json", ...trust, ...(transport === "grpc" ? ["--force-grpc-data"] : [])];
  const remote = `127.0.0.2:${daemon.port}:/m/${transport}/`;
  const env = { BLIT_TOKEN: TOKEN };
  const push = await runCli(["copy", ...flags, `${join(local, "src")}/`, remote], { env });
  expectExit(push, 0);
  expect(push.json, daemon.stderr()).toMatchObject({ transport, files_transferred: 1, tls: kind === "tls" });
  const pull = await runCli(["copy", ...flags, remote, `${join(local, "back")}/`], { env });
  expectExit(pull, 0);
  expect(pull.json).toMatchObject({ transport, files_transferred: 1 });
  return proxy.recorded();
}

describe("a recording proxy on both planes", () => {
  test.each(["tcp", "grpc"] as const)("TLS, %s data: no content, name or token in the clear", async (transport) => {
    const wire = await recordedRun("tls", transport);
    expect(wire.length).toBeGreaterThan(FILE_BYTES);
    expect({ content: wire.includes(Buffer.from(CONTENT)), name: wire.includes(NAME), token: wire.includes(TOKEN) }).toEqual({ content: false, name: false, token: false });
  });

  test.each(["tcp", "grpc"] as const)("plaintext (--no-tls), %s data: the recording shows content and name", async (transport) => {
    const wire = await recordedRun("plain", transport);
    expect({ content: wire.includes(Buffer.from(CONTENT)), name: wire.includes(NAME) }).toEqual({ content: true, name: true });
  });
});
