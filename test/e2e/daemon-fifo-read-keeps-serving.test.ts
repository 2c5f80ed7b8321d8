// SPEC §5 (hostile peers): a client that asks the daemon to read FIFOs gets an answer at once —
// nothing waits for a writer: a hash fails naming the FIFO, block hashes (for --resume) are empty —
// and another client's ls is answered within a second meanwhile.
import { expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GrpcControlClient, GrpcSessionConnector } from "../../src/adapters/grpc/index.ts";
import { TcpTransport } from "../../src/adapters/tcp/index.ts";
import type { ServerMessage, StoreOp } from "../../src/ports/session.ts";
import { harnessTrust, startDaemon } from "../harness/daemon.ts";
import { makeTempDir } from "../harness/temp-tree.ts";

const LS_DEADLINE_MS = 1000;

async function within<T>(call: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([call, late]);
  } finally {
    clearTimeout(timer);
  }
}

test("hash and block-hash requests for FIFOs are answered at once; ls is served meanwhile", async () => {
  await using dir = makeTempDir("blit-fifo-");
  const root = join(dir.path, "m");
  mkdirSync(root);
  writeFileSync(join(root, "plain"), "x");
  const fifos = ["p0", "p1", "p2", "p3"];
  for (const f of fifos) execFileSync("mkfifo", [join(root, f)]);
  await using daemon = await startDaemon({ modules: { m: { path: root } } });
  await using connector = new GrpcSessionConnector((client) => new Map([["tcp", { transport: new TcpTransport({ client }), door: "data-port" as const }]]), harnessTrust);
  const session = await connector.open(
    { host: daemon.host, port: daemon.port },
    { role: "pull", root: { module: "m", path: "" }, move: false, forceGrpcData: false },
    new AbortController().signal,
  );
  const other = new GrpcControlClient({ host: daemon.host, port: daemon.port, tls: daemon.tls });
  try {
    const ops: StoreOp[] = fifos.map((path, i) => ({ op: i % 2 === 0 ? "hash" : "blockHashes", path }));
    ops.forEach((op, i) => session.send({ t: "request", request: { id: i + 1, ...op } }));
    const replies = (async () => {
      const answers = new Map<number, string>();
      for await (const m of session.incoming as AsyncIterable<ServerMessage>) {
        if (m.t !== "reply") continue;
        const r = m.reply;
        answers.set(r.id, r.kind === "error" ? r.error.message : r.kind === "blockHashes" ? `${r.hashes.length} hash bytes` : r.kind);
        if (answers.size === fifos.length) return answers;
      }
      return answers;
    })();
    const listing = await within(other.list({ module: "m", path: "" }), LS_DEADLINE_MS, "ls during the FIFO reads");
    expect(listing.entries.map((e) => e.name)).toEqual([...fifos, "plain"]);
    const answers = await within(replies, 20_000, "the FIFO requests");
    expect(answers.get(1)).toMatch(/^cannot read p0: not a regular file/);
    expect(answers.get(2)).toBe("0 hash bytes");
    expect(answers.get(3)).toMatch(/^cannot read p2: not a regular file/);
    expect(answers.get(4)).toBe("0 hash bytes");
  } finally {
    await session[Symbol.asyncDispose]();
    await other[Symbol.asyncDispose]();
  }
}, 60_000);
