// The RDMA transport through bun:ffi against a stand-in libibverbs.so.1 (built here with gcc,
// laid out by the real headers): the Transport contract in one process, then between two
// processes, including a peer process that is killed mid-transfer.
import { describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { chooseDevice, loadVerbs, probeDevices, RdmaTransport, SocketBand } from "../../src/adapters/rdma/index.ts";
import { isBlitError } from "../../src/domain/errors.ts";
import { fakeIbverbsPath, fakeIbverbsUnavailable } from "../harness/fake-ibverbs.ts";
import { describeTransportContract } from "./transport.contract.ts";

const PEER = resolve(import.meta.dir, "../fixtures/rdma/echo-peer.ts");
if (fakeIbverbsUnavailable !== null) console.warn(`rdma-stand-in-library: skipped: ${fakeIbverbsUnavailable}`);

// Built once when the file loads, so no test's time includes gcc.
const LIB = fakeIbverbsUnavailable === null ? fakeIbverbsPath() : "";

function transport(): RdmaTransport {
  const loaded = loadVerbs(LIB);
  if (loaded.verbs === null) throw new Error(loaded.reason);
  const device = chooseDevice(probeDevices(loaded.verbs));
  if (device === null) throw new Error("the stand-in library reported no active device");
  return new RdmaTransport(loaded.verbs, device, new SocketBand());
}

async function startPeer(): Promise<{ proc: Bun.Subprocess<"ignore", "pipe", "pipe">; port: number }> {
  const proc = Bun.spawn(["bun", PEER], { env: { ...process.env, BLIT_IBVERBS_PATH: LIB }, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const reader = proc.stdout.getReader();
  let text = "";
  for (let i = 0; i < 100 && !/port \d+\n/.test(text); i++) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  const port = Number(/port (\d+)/.exec(text)?.[1] ?? 0);
  if (port === 0) throw new Error(`the peer process did not start: ${text}${await new Response(proc.stderr).text()}`);
  return { proc, port };
}

if (fakeIbverbsUnavailable === null) describeTransportContract("rdma (stand-in libibverbs, one process)", transport);

describe.skipIf(fakeIbverbsUnavailable !== null)("rdma between two processes (stand-in libibverbs)", () => {
  test("a 40 MiB send, striped over the slot ring, arrives whole in the other process", async () => {
    const { proc, port } = await startPeer();
    const c = await transport().dial({ host: "127.0.0.1", port });
    const data = new Uint8Array(randomBytes(40 << 20));
    await c.send(data);
    await c.end();
    const parts: Uint8Array[] = [];
    for await (const p of c.incoming) parts.push(p);
    const [bytes, hash] = new TextDecoder().decode(Buffer.concat(parts)).split(" ");
    expect(Number(bytes)).toBe(data.length);
    expect(hash).toBe(new Bun.CryptoHasher("sha256").update(data).digest("hex"));
    await c[Symbol.asyncDispose]();
    expect(await proc.exited).toBe(0);
  }, 60_000);

  test("a peer process killed mid-transfer is PEER_CLOSED for the sender", async () => {
    const { proc, port } = await startPeer();
    const c = await transport().dial({ host: "127.0.0.1", port });
    const chunk = new Uint8Array(1 << 20);
    let code = "none";
    try {
      for (let i = 0; i < 10_000; i++) {
        await c.send(chunk);
        if (i === 4) proc.kill("SIGKILL");
      }
      await c.end();
    } catch (e) {
      code = isBlitError(e) ? e.code : String(e);
    }
    expect(code).toBe("PEER_CLOSED");
    await c[Symbol.asyncDispose]();
    await proc.exited;
  }, 60_000);
});
