/**
 * The servers a remote benchmark compares blit's daemon with, over a Link (bench/link.ts).
 * Offers: startRsyncDaemon() (an rsync daemon serving one read-write module) and iperf3() (the
 * link's TCP ceiling). Servers run on the link's server side, probes and clients on its client side.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Link } from "./link.ts";

export interface RsyncDaemon {
  readonly port: number;
  stop(): Promise<void>;
}

/** An rsync daemon (`--no-detach`) on `link.host`, serving `path` as module `m`, read-write; its config goes in `dir`. */
export async function startRsyncDaemon(link: Link, path: string, dir: string): Promise<RsyncDaemon> {
  const port = freePort();
  mkdirSync(dir);
  const conf = join(dir, "rsyncd.conf");
  const ids = `uid = ${process.getuid?.() ?? 0}\ngid = ${process.getgid?.() ?? 0}\n`;
  await Bun.write(conf, `${ids}use chroot = no\npid file = ${join(dir, "pid")}\n[m]\npath = ${path}\nread only = false\n`);
  const proc = link.spawn("server", ["rsync", "--daemon", "--no-detach", `--config=${conf}`, `--port=${port}`, `--address=${link.host}`], { stdout: "ignore", stderr: "inherit" });
  // Ready when a client on the other side can list the modules (bounded: 200 tries, 5 s each).
  const lists = async () => (await link.spawn("client", ["rsync", `rsync://${link.host}:${port}/`], { stdout: "ignore", stderr: "ignore", timeoutMs: 5_000 }).exited) === 0;
  let ready = false;
  for (let i = 0; i < 200 && !ready && proc.exitCode === null; i++) {
    ready = await lists();
    if (!ready) await Bun.sleep(25);
  }
  if (!ready) {
    proc.kill("SIGKILL");
    await proc.exited;
    throw new Error(`rsync daemon did not answer on ${link.host}:${port} (${link.name})`);
  }
  return {
    port,
    stop: async () => {
      proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}

/** The link's TCP ceiling in bytes/s: `iperf3 -s -1` and a 3 s client, on a free port (3 tries). */
export async function iperf3(link: Link): Promise<number | null> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = String(freePort());
    // A probe connection would use up the one-off server: retry the client until it connects.
    const server = link.spawn("server", ["iperf3", "-s", "-1", "-p", port], { stdout: "ignore", stderr: "ignore" });
    let text = "";
    for (let i = 0; i < 100 && server.exitCode === null; i++) {
      const client = link.spawn("client", ["iperf3", "-c", link.host, "-p", port, "-t", "3", "-J"], { stdout: "pipe", stderr: "ignore", timeoutMs: 30_000 });
      text = await new Response(client.stdout).text();
      if ((await client.exited) === 0) break;
      await Bun.sleep(50);
    }
    server.kill();
    await server.exited;
    const bits = text.trim().startsWith("{") ? (JSON.parse(text) as { end?: { sum_received?: { bits_per_second?: number } } }).end?.sum_received?.bits_per_second : undefined;
    if (bits !== undefined) return bits / 8;
    console.error(`bench: iperf3 attempt ${attempt + 1} gave no result`);
  }
  return null;
}

// --- internal ---

/** A port free on this namespace's loopback; a fresh namespace has every port free. */
function freePort(): number {
  const l = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = l.port;
  l.stop(true);
  return port;
}
