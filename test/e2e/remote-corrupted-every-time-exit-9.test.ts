// SPEC §3 "Verified transfers": a file that arrives different twice (a proxy on its connection
// flips a byte every time) fails with exit 9; the file it would replace stays intact under its
// name, no temporary is left, and a mirror makes no deletion. Push and pull, TCP and gRPC data,
// a small file (sent whole) and a large one (sendfile on the sender, splice on the receiver); and
// relayed remote→remote.
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
  dir = makeTempDir("flip-always");
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

describe("a byte flipped on every send", () => {
  test.each(cases)("$direction over $transport data, $size bytes: exit 9, old version intact, deletions withheld", async ({ direction, transport, size }) => {
    const name = `${direction}-${transport}-${size}`;
    const local = join(dir.path, name);
    rmSync(local, { recursive: true, force: true });
    mkdirSync(local);
    const remoteDir = join(dir.path, "m", name);
    mkdirSync(remoteDir);
    if (direction === "relay") for (const sub of ["src", "dst"]) mkdirSync(join(remoteDir, sub));
    // relay: remote→remote through this client (both legs pass the proxy).
    const [src, dst] = direction === "push" ? [local, remoteDir] : direction === "pull" ? [remoteDir, local] : [join(remoteDir, "src"), join(remoteDir, "dst")];
    writeFileSync(join(src, "f.bin"), markedContent(MARKER, size));
    writeFileSync(join(src, "same.txt"), "unchanged\n");
    writeFileSync(join(dst, "same.txt"), "unchanged\n");
    const old = Buffer.from("the previous version\n");
    writeFileSync(join(dst, "f.bin"), old);
    writeFileSync(join(dst, "extra.txt"), "a mirror would delete this\n");
    await using proxy = await startFlipProxy({ host: "127.0.0.2", ports, target: "127.0.0.1", marker: MARKER, mode: "always" });
    const remote = (sub: string) => `127.0.0.2:${daemon.port}:/m/${name}/${sub}`;
    const args = direction === "push" ? [`${local}/`, remote("")] : direction === "pull" ? [remote(""), `${local}/`] : [remote("src/"), remote("dst/")];
    const r = await runCli(["mirror", "--yes", "--json", "--size-only", "--no-tls", ...(transport === "grpc" ? ["--force-grpc-data"] : []), ...args]);
    expectExit(r, 9);
    expect(proxy.flips).toBeGreaterThanOrEqual(2);
    expect(r.json).toMatchObject({ transport, files_failed: 1, files_resent: 1, entries_deleted: 0, outcome: "partial" });
    expect(r.json?.failures).toEqual([{ path: "f.bin", error: expect.stringContaining("checksum mismatch"), code: "CORRUPT_DATA" }]);
    expect(Buffer.compare(readFileSync(join(dst, "f.bin")), old), describeRun(r)).toBe(0);
    // No temporary left, nothing deleted.
    expect(readdirSync(dst).sort()).toEqual(["extra.txt", "f.bin", "same.txt"]);
  }, 120_000);
});
