/**
 * Control-plane throughput and daemon memory: starts bin/blit-daemon on loopback (port 0,
 * --no-mdns) over a module of 100 small files, then measures
 * - Ping and List requests per second (one client, 32 calls in flight, DURATION_MS each);
 * - daemon RSS idle, and while 32 separate clients call List in a loop.
 * Prints one JSON line per result. Bounded: every loop stops after DURATION_MS.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { GrpcControlClient } from "../src/adapters/grpc/index.ts";

const DURATION_MS = 3000;
const IN_FLIGHT = 32;
const root = mkdtempSync(join(tmpdir(), "blit-bench-admin-"));
for (let i = 0; i < 100; i++) writeFileSync(join(root, `f${i}`), "x".repeat(100));
writeFileSync(join(root, "config.toml"), `[[module]]\nname = "m"\npath = ${JSON.stringify(root)}\n`);

const daemon = Bun.spawn([resolve(import.meta.dir, "../bin/blit-daemon"), "--config", join(root, "config.toml"), "--bind", "127.0.0.1", "--port", "0", "--no-mdns", "--log-level", "warn"], {
  stdout: "pipe",
  stderr: "inherit",
});
try {
  const reader = daemon.stdout.getReader();
  const { value } = await reader.read();
  const ready = JSON.parse(new TextDecoder().decode(value).split("\n")[0] ?? "{}") as { control: string; fingerprint: string | null };
  const tls = ready.fingerprint === null ? null : { fingerprint: ready.fingerprint, identity: null };
  const port = Number(ready.control.split(":").at(-1));
  const client = new GrpcControlClient({ host: "127.0.0.1", port, tls });
  await client.ping();
  await Bun.sleep(500);
  report("rss_idle", { rss_mib: rssMiB(daemon.pid) });
  report("ping", { requests_per_sec: await rate(() => client.ping()) });
  report("list_100_entries", { requests_per_sec: await rate(() => client.list({ module: "m", path: "" })) });
  const clients = Array.from({ length: 32 }, () => new GrpcControlClient({ host: "127.0.0.1", port, tls }));
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(daemon.pid))), 100);
  const done = Date.now() + DURATION_MS;
  let calls = 0;
  await Promise.all(clients.map(async (c) => {
    while (Date.now() < done) {
      await c.list({ module: "m", path: "" });
      calls++;
    }
  }));
  clearInterval(sampler);
  report("rss_32_clients_list", { rss_peak_mib: peak, requests_per_sec: Math.round(calls / (DURATION_MS / 1000)) });
  await Promise.all([...clients, client].map((c) => c[Symbol.asyncDispose]()));
} finally {
  daemon.kill("SIGTERM");
  await daemon.exited;
  rmSync(root, { recursive: true, force: true });
}

async function rate(call: () => Promise<unknown>): Promise<number> {
  const done = Date.now() + DURATION_MS;
  let n = 0;
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (Date.now() < done) {
      await call();
      n++;
    }
  }));
  return Math.round(n / (DURATION_MS / 1000));
}

function rssMiB(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  return Math.round(kb / 102.4) / 10;
}

function report(name: string, values: Record<string, number>): void {
  console.log(JSON.stringify({ bench: "admin", name, runtime: `bun ${Bun.version}`, os: process.platform, transport: "grpc-loopback", ...values }));
}
