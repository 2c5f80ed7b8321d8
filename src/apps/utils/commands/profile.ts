import { resolve } from "node:path";
import { availableParallelism } from "node:os";
import { choose, withProfile, type FsProfile } from "../../../domain/predictor.ts";
import { out, printJson } from "../../toolkit/output.ts";
import { humanBytes } from "../../admin/entry-format.ts";
import type { ParsedFlags } from "../../toolkit/flag-parser.ts";

/**
 * `blit-utils profile [PATH] [--json]`: measures the filesystem holding PATH (default: the working
 * directory) and records the profile for the predictor, unless BLIT_DISABLE_LOCAL_TELEMETRY=1.
 * Also lists this machine's RDMA ports (device, link layer, state, link rate, MTU), or why there
 * are none.
 */
export async function run(args: ParsedFlags): Promise<number> {
  const dir = resolve(args.positionals[0] ?? ".");
  const { measureFsProfile, openPerfHistory, probeRdma } = await import("../../compose.ts");
  const profile = await measureFsProfile(dir);
  const rdma = await probeRdma();
  const rdmaReport = {
    devices: rdma.devices.map((d) => ({ name: d.name, port: d.port, link_layer: d.linkLayer, active: d.active, gbps: d.gbps, mtu: d.mtuBytes })),
    used: rdma.transport !== null,
    reason: rdma.reason === "" ? null : rdma.reason,
  };
  const recording = process.env.BLIT_DISABLE_LOCAL_TELEMETRY !== "1";
  const history = await openPerfHistory(process.env);
  if (recording) await history.saveProfile(profile);
  const state = withProfile(history.predictorState(), profile);
  const choice = choose(state, { route: "local", srcFs: profile.fs, dstFs: profile.fs, cores: Math.max(1, availableParallelism()), cap: null });
  const predictor = { workers: choice.workers, buffer_bytes: choice.bufferBytes, streams: choice.streams };
  if (args.switches.has("json")) {
    printJson({ ...profile, predictor, rdma: rdmaReport, recorded: recording ? history.location : null });
    return 0;
  }
  out(profileText(profile, predictor, rdmaReport, recording ? `recorded in ${history.location}` : "not recorded (BLIT_DISABLE_LOCAL_TELEMETRY=1)"));
  return 0;
}

// --- internal ---

interface RdmaReport {
  readonly devices: readonly { name: string; port: number; link_layer: string; active: boolean; gbps: number; mtu: number }[];
  readonly used: boolean;
  readonly reason: string | null;
}

function profileText(p: FsProfile, predictor: { workers: number; buffer_bytes: number; streams: number }, rdma: RdmaReport, where: string): string {
  const yes = (b: boolean) => (b ? "yes" : "no");
  const ports = rdma.devices.map((d) => `  rdma ${d.name} port ${d.port}  ${d.link_layer}, ${d.active ? "active" : "down"}, ${d.gbps} Gbit/s, MTU ${d.mtu}`);
  const rdmaLines = ports.length > 0 ? ports : [`  rdma                none (${rdma.reason ?? "no device"}): the data plane uses TCP`];
  return [
    `${p.path} (${p.fs})`,
    `  sequential write    ${humanBytes(p.seq_write_bps)}/s (with fsync)`,
    `  sequential read     ${humanBytes(p.seq_read_bps)}/s (may come from the page cache)`,
    `  small-file create   ${p.small_creates_per_sec} files/s (4 KiB each)`,
    `  copy offload        copy_file_range ${yes(p.copy_offload)}, reflink ${yes(p.reflink)}`,
    `  predictor picks     ${predictor.workers} workers, ${humanBytes(predictor.buffer_bytes)} buffers, ${predictor.streams} data-plane streams`,
    ...rdmaLines,
    where,
    "",
  ].join("\n");
}
