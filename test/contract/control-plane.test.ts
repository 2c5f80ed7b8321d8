// The ControlPlane contract over its two implementations: the daemon's own (DaemonControl over
// contained LocalStores) and the network client (GrpcControlClient to a GrpcControlServer on
// loopback, port 0, serving a DaemonControl); and the same refusals on both sides of the wire.
import { expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GrpcControlClient, GrpcControlServer, PROTOCOL_VERSION } from "../../src/adapters/grpc/index.ts";
import { LocalStore } from "../../src/adapters/local/index.ts";
import { DaemonControl } from "../../src/apps/daemon/daemon-control.ts";
import { ModuleExports } from "../../src/apps/daemon/module-exports.ts";
import { describeControlPlaneContract, FACTS, refusals, seedControlTree, type ControlFixture } from "./control-plane.contract.ts";

/** A daemon's control plane over a fresh tree; `dispose` removes it. */
function daemonControl(): { control: DaemonControl; roots: string[]; base: string; dispose(): Promise<void> } {
  const base = mkdtempSync(join(tmpdir(), "blit-control-"));
  const [m, plain, ro] = [join(base, "m"), join(base, "plain"), join(base, "ro")];
  for (const d of [m, plain, ro]) mkdirSync(d);
  seedControlTree(m, plain, ro);
  const store = (root: string, readOnly: boolean, beneath = true) => new LocalStore({ root, cleanTemporaries: false, maxThreads: 1, beneath, readOnly, offThread: true });
  const exports = new ModuleExports(
    [
      { name: "m", comment: "writable", readOnly: false, root: m, store: store(m, false) },
      { name: "plain", comment: "follows links", readOnly: false, root: plain, store: store(plain, false, false) },
      { name: "ro", comment: "read-only", readOnly: true, root: ro, store: store(ro, true) },
    ],
    null,
  );
  return {
    control: new DaemonControl(exports, { ...FACTS, protocolVersion: PROTOCOL_VERSION }),
    roots: [m, plain, ro, base],
    base,
    async dispose() {
      await exports[Symbol.asyncDispose]();
      rmSync(base, { recursive: true, force: true });
    },
  };
}

async function direct(): Promise<ControlFixture> {
  const d = daemonControl();
  return { plane: d.control, roots: d.roots, exists: (p) => existsSync(join(d.base, "m", p)), [Symbol.asyncDispose]: () => d.dispose() };
}

async function overGrpc(): Promise<ControlFixture> {
  const d = daemonControl();
  const server = await GrpcControlServer.start({ host: "127.0.0.1", port: 0, tls: null, plane: d.control });
  const client = new GrpcControlClient({ host: "127.0.0.1", tls: null, port: server.port });
  return {
    plane: client,
    roots: d.roots,
    exists: (p) => existsSync(join(d.base, "m", p)),
    async [Symbol.asyncDispose]() {
      await client[Symbol.asyncDispose]();
      await server.stop(1000);
      await d.dispose();
    },
  };
}

describeControlPlaneContract("DaemonControl", PROTOCOL_VERSION, direct);
describeControlPlaneContract("GrpcControlClient to a GrpcControlServer", PROTOCOL_VERSION, overGrpc);

test("every refusal has the same code and message on both sides of the wire", async () => {
  await using here = await direct();
  await using there = await overGrpc();
  expect(await refusals(there.plane)).toEqual(await refusals(here.plane));
});
