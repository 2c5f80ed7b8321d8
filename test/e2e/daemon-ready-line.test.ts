import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
// SPEC §5: when ready, blit-daemon prints exactly one JSON line on stdout naming the control
// address it bound (port 0 = a free port), its version and its modules; logs go to stderr.
import { expect, test } from "bun:test";
import { GrpcControlClient, PROTOCOL_VERSION } from "../../src/adapters/grpc/index.ts";
import pkg from "../../package.json" with { type: "json" };
import { startDaemon } from "../harness/daemon.ts";
import { makeTempDir } from "../harness/temp-tree.ts";

test("ready line names the bound port, version and modules; the daemon answers there", async () => {
  using a = makeTempDir("ready-a");
  using b = makeTempDir("ready-b");
  await using daemon = await startDaemon({ modules: { beta: { path: b.path }, alpha: { path: a.path } } });
  const fingerprint = `sha256:${new Bun.CryptoHasher("sha256").update(new X509Certificate(readFileSync(join(daemon.stateDir, "tls", "cert.pem"))).raw).digest("hex")}`;
  expect(daemon.ready).toEqual({ event: "ready", control: `127.0.0.1:${daemon.port}`, data: expect.stringMatching(/^127\.0\.0\.1:[1-9][0-9]*$/), version: pkg.version, protocol: PROTOCOL_VERSION, modules: ["alpha", "beta"], tls: true, fingerprint });
  expect(daemon.port).toBeGreaterThan(0);
  await using client = new GrpcControlClient({ host: daemon.host, port: daemon.port, tls: daemon.tls });
  expect(await client.ping()).toEqual({ version: pkg.version, protocolVersion: PROTOCOL_VERSION });
}, 30_000);
