// SPEC §9 / §6: the data-plane token is bound to the TLS session it is used on. A plaintext
// connection to the TLS data port is refused; over TLS a data connection that presents the bare token (as a plaintext client would), the HELLO another
// connection sent (its proof replayed), or the proof of a session that has ended is closed
// without GO; none of them uses up the legitimate session's connections, which then get GO; the
// daemon refuses each bad connection and serves on.
import { expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import type { Socket } from "node:net";
import { join } from "node:path";
import { encodeHello, RECORD } from "../../src/domain/wire/frame.ts";
import { startDaemon } from "../harness/daemon.ts";
import { dataSocket, helloFor } from "../harness/data-connection.ts";
import { pollUntil } from "../harness/process-probe.ts";
import { connectFrom, openPushSession } from "../harness/raw-grpc.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir } from "../harness/temp-tree.ts";


/** Sends `hello` on `s`: "go" when the daemon answered GO, "closed" when it closed the connection instead. */
function answerTo(s: Socket, hello: Uint8Array): Promise<"go" | "closed"> {
  return new Promise((resolve) => {
    s.once("data", (d: Buffer) => resolve(d[0] === RECORD.GO ? "go" : "closed"));
    s.once("close", () => resolve("closed"));
    s.on("error", () => {});
    s.write(hello);
  });
}

test("bare, replayed and ended-session data tokens are refused over TLS; the session's own connections get GO", async () => {
  using dir = makeTempDir("bound-tokens");
  mkdirSync(join(dir.path, "m"));
  await using daemon = await startDaemon({ modules: { m: { path: join(dir.path, "m") } } });
  expect(daemon.ready.tls).toBe(true);
  const control = await connectFrom("127.0.0.1", daemon.port);
  try {
    const live = await openPushSession(control);
    const ended = await openPushSession(control);
    const port = live.dataPort;

    // A downgrade: the bare token on a plaintext connection to the TLS data port.
    expect(await answerTo(await dataSocket(port, { secure: false }), encodeHello(live.token))).toBe("closed");
    // The bare token over TLS: what a plaintext client (or one who saw the token) would send.
    expect(await answerTo(await dataSocket(port), encodeHello(live.token))).toBe("closed");

    // A proof seen on one connection, replayed on another: bound to the first one's TLS session.
    const seenOn = await dataSocket(port);
    const replayed = helloFor(seenOn, live.token);
    seenOn.destroy();
    expect(await answerTo(await dataSocket(port), replayed)).toBe("closed");

    // A session that ended withdraws its token: even a correct proof of it is refused.
    ended.call.cancel();
    await ended.call.ended;
    await pollUntil(async () => {
      const s = await dataSocket(port);
      const answer = await answerTo(s, helloFor(s, ended.token));
      s.destroy();
      return answer === "closed" ? true : undefined;
    }, "the ended session's token refused", 10_000);

    // None of that used up the live session's connections: each of them gets GO.
    const own = await Promise.all(Array.from({ length: live.streams }, () => dataSocket(port)));
    expect(await Promise.all(own.map((s) => answerTo(s, helloFor(s, live.token))))).toEqual(Array(live.streams).fill("go"));
    // One more, beyond the negotiated count, is refused like a replay.
    const extra = await dataSocket(port);
    expect(await answerTo(extra, helloFor(extra, live.token))).toBe("closed");
    for (const s of own) s.destroy();
    live.call.cancel();
  } finally {
    control.close();
  }
  // The daemon serves on.
  expectExit(await runCli(["list", daemon.control]), 0);
}, 60_000);
