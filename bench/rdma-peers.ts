/**
 * What `bench/remote.bench.ts --transport rdma` needs besides blit: this machine's RDMA port (from
 * `blit-utils profile --json`: device, link rate) and the RDMA ceiling of that port measured with
 * perftest's `ib_write_bw` (server and client on this host, the HCA looping back; 1 MiB writes,
 * 5 s, --report_gbits).
 */
import type { Link } from "./link.ts";

export interface RdmaPort {
  readonly device: string;
  readonly gbps: number;
}

/** The active RDMA port blit will use, or why there is none. */
export function rdmaPort(utils: string): RdmaPort | { readonly reason: string } {
  const run = Bun.spawnSync([utils, "profile", "/dev/shm", "--json"], { stdout: "pipe", stderr: "pipe", env: { ...process.env, BLIT_DISABLE_LOCAL_TELEMETRY: "1" } });
  if (run.exitCode !== 0) return { reason: `blit-utils profile failed: ${run.stderr.toString().trim()}` };
  const rdma = (JSON.parse(run.stdout.toString()) as { rdma?: { devices: { name: string; active: boolean; gbps: number }[]; used: boolean; reason: string | null } }).rdma;
  const active = rdma?.devices.find((d) => d.active);
  if (rdma === undefined || !rdma.used || active === undefined) return { reason: rdma?.reason ?? "blit-utils profile reports no RDMA" };
  return { device: active.name, gbps: active.gbps };
}

/** ib_write_bw's average bandwidth in bytes/s between two processes on `link`, or null. */
export async function ibWriteBw(link: Link, device: string): Promise<number | null> {
  const args = ["ib_write_bw", "-d", device, "-s", "1048576", "-D", "5", "--report_gbits", "-F"];
  const server = link.spawn("server", args, { stdout: "pipe", stderr: "ignore", timeoutMs: 60_000 });
  let text = "";
  // The server needs a moment to listen: retry the client (bounded).
  for (let i = 0; i < 100 && server.exitCode === null; i++) {
    const client = link.spawn("client", [...args, link.host], { stdout: "pipe", stderr: "ignore", timeoutMs: 60_000 });
    text = await new Response(client.stdout).text();
    if ((await client.exited) === 0) break;
    await Bun.sleep(100);
  }
  server.kill();
  await server.exited;
  // The result row: "#bytes #iterations BW peak[Gb/sec] BW average[Gb/sec] MsgRate[Mpps]".
  const row = text.split("\n").find((l) => /^\s*1048576\s+\d+\s+[\d.]+\s+[\d.]+/.test(l));
  const gbits = row === undefined ? Number.NaN : Number(row.trim().split(/\s+/)[3]);
  return Number.isFinite(gbits) ? (gbits * 1e9) / 8 : null;
}
