// SPEC §3 "Verified transfers": a byte changed between sender and receiver (here by a proxy on the
// connection that carries the file: the data port for TCP data, the control port for gRPC data)
// is caught before the file is renamed into place; the file is sent once more and lands exact,
// and the summary says it was re-sent. Push and pull, TCP and gRPC data, a small file (sent whole)
// and a large one (sendfile on the sender, splice on the receiver); and relayed remote→remote.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startDaemon, type RunningDaemon } from "../harness/daemon.ts";
import { markedContent, startFlipProxy } from "../harness/flip-proxy.ts";
import { listeningPorts } from "../harness/process-probe.ts";
import { describe as describeRun, expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, type TempDir } from "../harness/temp-tree.ts";

const MARKER = new TextEncoder().encode("<<flip-me-in-transit:0123456789>>");
let dir: TempDir;
let daemon: RunningDaemon;
let ports: number[];

beforeAll(async () => {
  dir = makeTempDir("flip-once");
  mkdirSync(join(dir.path, "m"));
  // The proxy changes bytes in the clear; under TLS (the default) the record check would end the
  // connection instead, so this daemon runs plaintext and the CLI says --no-tls.
  daemon = await startDaemon({ modules: { m: { path: join(dir.path, "m") } }, plaintext: true });
  ports = listeningPorts(daemon.pid);
  expect(ports.length).toBeGreaterThanOrEqual(2);
});
afterAll(async () => {
  await daemon?.stop();
  dir?.[Symbol.dispose]();
});

const cases = ["push", "pull", "relay"].flatMap((direction) =>
  ["tcp", "grpc"].flatMap((transport) => [16 << 10, (3 << 20) + 5].map((size) => ({ direction, transport, size }))),
);

describe("one flipped byte", () => {
  test.each(cases)("$direction over $transport data, $size bytes: re-sent once, lands exact", async ({ direction, transport, size }) => {
    const name = `${direction}-${transport}-${size}`;
    const content = markedContent(MARKER, size);
    const local = join(dir.path, name);
    rmSync(local, { recursive: true, force: true });
    mkdirSync(local);
    const remoteDir = join(dir.path, "m", name);
    mkdirSync(remoteDir);
    if (direction === "relay") mkdirSync(join(remoteDir, "src"));
    // relay: remote→remote through this client (both legs pass the proxy).
    const [src, dst] = direction === "push" ? [local, remoteDir] : direction === "pull" ? [remoteDir, local] : [join(remoteDir, "src"), join(remoteDir, "dst")];
    writeFileSync(join(src, "f.bin"), content);
    await using proxy = await startFlipProxy({ host: "127.0.0.2", ports, target: "127.0.0.1", marker: MARKER, mode: "once" });
    const remote = (sub: string) => `127.0.0.2:${daemon.port}:/m/${name}/${sub}`;
    const args = direction === "push" ? [`${local}/`, remote("")] : direction === "pull" ? [remote(""), `${local}/`] : [remote("src/"), remote("dst/")];
    const r = await runCli(["copy", "--json", "--no-tls", ...(transport === "grpc" ? ["--force-grpc-data"] : []), ...args]);
    expectExit(r, 0);
    expect(proxy.flips).toBe(1);
    expect(r.json).toMatchObject({ transport, files_transferred: 1, files_verified: 1, files_resent: 1, files_failed: 0, outcome: "success" });
    // The large file's good copy still went zero-copy over TCP (sendfile, splice).
    if (transport === "tcp" && size > 1 << 20) expect(Number(r.json?.zero_copy_bytes)).toBeGreaterThan(0);
    expect(r.stderr).toContain("f.bin");
    const landed = readFileSync(join(dst, "f.bin"));
    expect(Buffer.compare(landed, content), describeRun(r)).toBe(0);
    expect(readdirSync(dst).sort()).toEqual(["f.bin"]);
  }, 120_000);
});
