/**
 * Remote benchmark (SPEC §10, issue 4): push and pull through a blit-daemon — TCP data plane and
 * the forced gRPC fallback — side by side with an rsync daemon and `rsync -e ssh` (an sshd of the
 * bench's own on the link, bench/remote-peers.ts) in the same run on the same data,
 * plus the link's iperf3 ceiling. tmpfs (/dev/shm) only. Prints one table per workload and
 * direction, a summary of ratios, and one JSON line per result (lines starting "{").
 *
 *   bun bench/remote.bench.ts [--quick] [--runs N] [--only big-file,small-files,no-op] [--blit DIR]
 *                             [--link loopback|veth-1g] [--transport tcp|rdma] [--budget]
 *                             [--tools blit,blit-plain,...]
 *
 * --tools: time only these (of blit, blit-grpc, blit-unverified, blit-plain, rsyncd, rsyncd-aax,
 * rsync-ssh), e.g. `--tools blit,blit-plain` for what TLS costs; the peers left out are not started.
 * rsyncd-aax is `rsync -aAX` through the same rsync daemon: ACLs and extended attributes read and
 * compared on both sides, as blit always does (SPEC §3); `rsync -a` (rsyncd) skips that work.
 * --budget: afterwards, the per-file cost budget of push, pull and no-op push at the small-files
 * size (bench/budget.bench.ts: µs per file per side per phase from CPU profiles; loopback, tmpfs).
 *
 * --transport rdma (a machine with an active RoCE/InfiniBand port, docs/rdma.md): blit's runs must
 * negotiate RDMA (each run's --json summary is checked: "transport": "rdma", else the run is a
 * problem), the ceiling is perftest's ib_write_bw on the same port instead of iperf3, and the
 * summary shows blit's throughput against it and against the port's link rate (target ≥ 90 %).
 * Without an active RDMA port it stops at once (exit 2) saying why.
 *
 * --link loopback (default): daemons and clients on 127.0.0.1. --link veth-1g (root): two fresh
 * network namespaces blitb-srv-PID / blitb-cli-PID joined by a veth pair with a 1 Gbit/s tc tbf on
 * both ends (bench/link.ts); the blit daemon (--no-mdns), the rsync daemon and `iperf3 -s` run in
 * the server namespace, every client (and its timing) in the client one (`ip netns exec`, a few ms
 * per run, paid by every tool alike). The namespaces are deleted on exit, error and SIGINT.
 * Workloads: one 4 GiB file (1 GiB with --quick; 512 MiB with --quick over veth-1g, ≥ 4.5 s a run);
 * 100,000 × 4 KiB files in 100-file directories (20,000 with --quick); the no-op re-run of the
 * small-files tree onto an identical copy.
 * blit is the compiled release build (dist/blit, dist/blit-daemon, rebuilt at start) unless
 * --blit names a directory holding both. Verified transfers (SPEC §3) are on in every blit figure;
 * their cost is measured in the same run against `blit unverified`: the same sources built with
 * verification compiled out (dist-unverified/, `scripts/build.ts --bench-unverified`, never
 * shipped), client and its own daemon, TCP data (skipped with --blit). rsync, iperf3, openssh-server and tc are installed with apt-get when missing.
 * The daemons' module and the local trees live in one scratch directory, so a pull reads the
 * same tree a push writes from. Timed: the client command only (daemons stay up).
 */
import { basename, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { runBudget } from "./budget-run.ts";
import { Link } from "./link.ts";
import { ensurePeers, type Tool } from "./peers.ts";
import { ibWriteBw, rdmaPort } from "./rdma-peers.ts";
import { iperf3, startRsyncDaemon, startSshd } from "./remote-peers.ts";
import { jsonLine, median, printTable, type Result } from "./report.ts";
import { copyTree, formatStats, PLACES, sameStats, Scratch, treeStats, type TreeStats } from "./scratch.ts";
import { FULL, QUICK, Trees, type TreeName, type Workload } from "./workloads.ts";

const { values } = parseArgs({
  options: { quick: { type: "boolean", default: false }, runs: { type: "string" }, only: { type: "string" }, blit: { type: "string" }, link: { type: "string", default: "loopback" }, transport: { type: "string", default: "tcp" }, budget: { type: "boolean", default: false }, tools: { type: "string" } },
  strict: true,
});
const runs = Number(values.runs ?? (values.quick ? 2 : 3));
if (!Number.isInteger(runs) || runs < 1) usage(`--runs must be a positive integer, got ${values.runs}`);
const WORKLOADS = [
  { name: "big-file", tree: "big" as TreeName, seeded: false, about: "one large file, empty destination" },
  { name: "small-files", tree: "small" as TreeName, seeded: false, about: "4 KiB files, 100 per directory, empty destination" },
  { name: "no-op", tree: "small" as TreeName, seeded: true, about: "copy of the small-files tree onto an identical copy" },
];
const only = values.only?.split(",").map((w) => w.trim()) ?? null;
const TOOLS = ["blit", "blit-grpc", "blit-unverified", "blit-plain", "rsyncd", "rsyncd-aax", "rsync-ssh"];
const tools = values.tools?.split(",").map((t) => t.trim()) ?? TOOLS;
if (tools.length === 0 || tools.some((t) => !TOOLS.includes(t))) usage(`--tools: from ${TOOLS.join(", ")}`);
const timing = (tool: string) => tools.includes(tool);
const workloads = WORKLOADS.filter((w) => only === null || only.includes(w.name));
if (workloads.length === 0) usage(`--only: from ${WORKLOADS.map((w) => w.name).join(", ")}`);
const LINKS: Record<string, () => Link> = { loopback: () => Link.loopback(), "veth-1g": () => Link.veth("veth-1g", "1gbit") };
const makeLink = Object.hasOwn(LINKS, values.link) ? LINKS[values.link] : undefined;
if (makeLink === undefined) usage(`--link: one of ${Object.keys(LINKS).join(", ")}`);
/** One timed client run longer than this is killed and reported as a problem (a hang must not stall the bench). */
const RUN_TIMEOUT_MS = 15 * 60_000;
if (values.transport !== "tcp" && values.transport !== "rdma") usage(`--transport: tcp or rdma, got ${values.transport}`);
const rdmaRun = values.transport === "rdma";
const sizes = !values.quick ? FULL : values.link === "loopback" ? QUICK : { ...QUICK, bigFileBytes: 512 * 2 ** 20 };

const bin = values.blit === undefined ? buildRelease() : resolve(values.blit);
const unverifiedBin = values.blit === undefined && timing("blit-unverified") ? buildRelease("--bench-unverified") : null;
const rdma = rdmaRun ? rdmaPort(join(bin, "blit-utils")) : null;
if (rdma !== null && "reason" in rdma) usage(`--transport rdma: this machine has no usable RDMA port (${rdma.reason})`);
const SSHD = "/usr/sbin/sshd";
const peers = await ensurePeers([need("rsync", "rsync"), need("iperf3", "iperf3"), need(SSHD, "openssh-server"), ...(rdmaRun ? [need("ib_write_bw", "perftest")] : []), ...(values.link === "loopback" ? [] : [need("tc", "iproute2")])]);
const has = (name: string) => peers.some((p) => p.name === name);
const scratch = Scratch.open(PLACES[0]!, 0);
let link: Link;
try {
  link = makeLink();
} catch (e) {
  await scratch.close();
  usage(`--link ${values.link}: ${e instanceof Error ? e.message : String(e)}`);
}
process.env.BLIT_DAEMON_E2E_BIN = join(bin, "blit-daemon");
const { startDaemon } = await import("../test/harness/daemon.ts");
let daemon: Awaited<ReturnType<typeof startDaemon>> | null = null;
let unverifiedDaemon: Awaited<ReturnType<typeof startDaemon>> | null = null;
/** The same build without TLS (`[tls] enabled = false`, clients `--no-tls`): what TLS costs. */
let plainDaemon: Awaited<ReturnType<typeof startDaemon>> | null = null;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    try {
      if (daemon !== null) process.kill(daemon.pid, "SIGKILL");
      if (unverifiedDaemon !== null) process.kill(unverifiedDaemon.pid, "SIGKILL");
      if (plainDaemon !== null) process.kill(plainDaemon.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
    link.close();
    Bun.spawnSync(["rm", "-rf", "--", scratch.root]);
    process.exit(130);
  });
}

let rsyncd: Awaited<ReturnType<typeof startRsyncDaemon>> | null = null;
let sshd: Awaited<ReturnType<typeof startSshd>> | null = null;
try {
  // RDMA carries no TLS (SPEC §9): an RDMA run measures a plaintext daemon.
  daemon = await startDaemon({ modules: { m: { path: scratch.root } }, bind: link.host, plaintext: rdmaRun, launch: (argv) => link.wrap("server", argv) });
  if (!rdmaRun && timing("blit-plain")) plainDaemon = await startDaemon({ modules: { m: { path: scratch.root } }, bind: link.host, plaintext: true, launch: (argv) => link.wrap("server", argv) });
  if (unverifiedBin !== null) {
    const other = join(unverifiedBin, "blit-daemon");
    unverifiedDaemon = await startDaemon({ modules: { m: { path: scratch.root } }, bind: link.host, launch: (argv) => link.wrap("server", [other, ...argv.slice(1)]) });
  }
  if (has("rsync") && (timing("rsyncd") || timing("rsyncd-aax"))) rsyncd = await startRsyncDaemon(link, scratch.root, join(scratch.root, "rsyncd"));
  if (has("rsync") && has(SSHD) && timing("rsync-ssh")) sshd = await startSshd(link, join(scratch.root, "sshd"), SSHD);
  const summary: string[][] = [];
  const port = rdma !== null && !("reason" in rdma) ? rdma : null;
  const ceiling = port !== null ? (has("ib_write_bw") ? await ibWriteBw(link, port.device) : null) : has("iperf3") ? await iperf3(link) : null;
  const probe = port !== null ? `ib_write_bw on ${port.device}, link rate ${port.gbps} Gbit/s` : "iperf3, 3 s";
  console.log(`\nceiling over ${link.about} (${probe}): ${ceiling === null ? "not measured" : `${(ceiling / 1e6).toFixed(0)} MB/s (${((ceiling * 8) / 1e6).toFixed(0)} Mbit/s)`}`);
  const trees = new Trees(scratch, sizes);
  for (const w of workloads) {
    const source = await trees.get(w.tree);
    const stats = treeStats(source);
    for (const direction of ["push", "pull"] as const) {
      const results = await measure(w, direction, source, stats, daemon.control, unverifiedDaemon?.control ?? null, plainDaemon?.control ?? null);
      printTable(`${w.name} ${direction} on tmpfs (/dev/shm) over ${link.about}: ${w.about}; ${formatStats(stats)}; ${runs} runs`, results, stats);
      const extra = (tool: string) => `"transport":"${transportOf(tool)}","direction":"${direction}","link":"${link.name}"`;
      for (const r of results) console.log(jsonLine(r, stats, values.quick).replace('"transport":"local"', extra(r.tool)));
      summary.push(summaryRow(`${w.name} ${direction}`, results, stats, ceiling, port === null ? null : (port.gbps * 1e9) / 8));
    }
    const later = workloads.slice(workloads.indexOf(w) + 1).map((x): Workload => ({ name: x.name, mode: "fresh", source: x.tree, seed: null, about: x.about }));
    await trees.release(later);
  }
  printSummary(summary);
} finally {
  await rsyncd?.stop();
  await sshd?.stop();
  await daemon?.stop();
  await unverifiedDaemon?.stop();
  await plainDaemon?.stop();
  plainDaemon = null;
  daemon = null;
  unverifiedDaemon = null;
  link.close();
  await scratch.close();
}
if (values.budget && (await runBudget(sizes.smallFiles, ["push", "pull", "no-op"])) !== 0) process.exitCode = 1;

// --- internal ---

interface Runner {
  readonly tool: string;
  readonly label: string;
  command(source: string, destination: string): string[];
  readonly env?: Record<string, string>;
}

/** The three ways bytes travel, for one direction. Remote paths are module-relative names. */
function runners(direction: "push" | "pull", control: string, unverifiedControl: string | null, plainControl: string | null): Runner[] {
  const blit = join(bin, "blit");
  const remote = (p: string) => `${control}:/m/${basename(p)}/`;
  const rsync = (p: string) => `rsync://${link.host}:${rsyncd?.port}/m/${basename(p)}/`;
  const ends = (s: string, d: string, r: (p: string) => string) => (direction === "push" ? [`${s}/`, r(d)] : [r(s), `${d}/`]);
  const list: Runner[] = [
    rdmaRun
      ? { tool: "blit", label: "blit copy (rdma)", command: (s, d) => [blit, "copy", "--no-tls", ...ends(s, d, remote), "--json"] }
      : { tool: "blit", label: "blit copy (tcp)", command: (s, d) => [blit, "copy", ...ends(s, d, remote)] },
    { tool: "blit-grpc", label: "blit copy (grpc data)", command: (s, d) => [blit, "copy", ...(rdmaRun ? ["--no-tls"] : []), ...ends(s, d, remote)], env: { BLIT_FORCE_GRPC_DATA: "1" } },
  ];
  if (unverifiedBin !== null && unverifiedControl !== null && !rdmaRun) {
    const at = (p: string) => `${unverifiedControl}:/m/${basename(p)}/`;
    list.push({ tool: "blit-unverified", label: "blit copy (tcp, unverified build)", command: (s, d) => [join(unverifiedBin, "blit"), "copy", ...ends(s, d, at)] });
  }
  if (plainControl !== null) {
    const at = (p: string) => `${plainControl}:/m/${basename(p)}/`;
    list.push({ tool: "blit-plain", label: "blit copy (tcp, no TLS)", command: (s, d) => [blit, "copy", "--no-tls", ...ends(s, d, at)] });
  }
  if (rsyncd !== null) list.push({ tool: "rsyncd", label: "rsync -a (daemon)", command: (s, d) => ["rsync", "-a", ...ends(s, d, rsync)] });
  if (rsyncd !== null) list.push({ tool: "rsyncd-aax", label: "rsync -aAX (daemon)", command: (s, d) => ["rsync", "-aAX", ...ends(s, d, rsync)] });
  if (sshd !== null) {
    const overSsh = (p: string) => `${link.host}:${join(scratch.root, basename(p))}/`;
    const rsh = sshd.rsh;
    list.push({ tool: "rsync-ssh", label: "rsync -a -e ssh", command: (s, d) => ["rsync", "-a", "-e", rsh, ...ends(s, d, overSsh)] });
  }
  return list.filter((r) => timing(r.tool));
}

async function measure(w: (typeof WORKLOADS)[number], direction: "push" | "pull", source: string, expected: TreeStats, control: string, unverifiedControl: string | null, plainControl: string | null): Promise<Result[]> {
  const tools = runners(direction, control, unverifiedControl, plainControl);
  const seconds = new Map<string, number[]>(tools.map((t) => [t.tool, []]));
  const problems = new Map<string, string>();
  for (let round = 0; round < runs; round++) {
    const order = [...tools.slice(round % tools.length), ...tools.slice(0, round % tools.length)];
    for (const t of order) {
      if (problems.has(t.tool)) continue;
      const destination = scratch.fresh();
      if (w.seeded) await copyTree(source, destination);
      await scratch.quiesce();
      const run = await timed(t.command(source, destination), t.env);
      if (run.code !== 0) problems.set(t.tool, `exit ${run.code}: ${run.stderr.trim().split("\n").at(-1) ?? ""}`);
      else if (rdmaRun && t.tool === "blit" && !run.stdout.includes('"transport": "rdma"') && !run.stdout.includes('"transport":"rdma"')) problems.set(t.tool, `did not run over RDMA: ${run.stdout.trim().slice(0, 300)}`);
      else if (seconds.get(t.tool)?.length === 0 && !sameStats(treeStats(destination), expected)) problems.set(t.tool, `wrong output: ${formatStats(treeStats(destination))}`);
      if (!problems.has(t.tool)) seconds.get(t.tool)?.push(run.seconds);
      await scratch.drop(destination, expected.files);
    }
  }
  return tools.map((t) => ({ workload: w.name, fs: "tmpfs", tool: t.tool, label: t.label, seconds: seconds.get(t.tool) ?? [], problem: problems.get(t.tool) ?? null }));
}

function summaryRow(name: string, results: readonly Result[], stats: TreeStats, ceiling: number | null, linkRate: number | null): string[] {
  const m = (tool: string) => {
    const r = results.find((x) => x.tool === tool);
    return r === undefined || r.problem !== null ? null : median(r.seconds);
  };
  const [tcp, grpc, rs, plain, ssh, clear, rsx] = [m("blit"), m("blit-grpc"), m("rsyncd"), m("blit-unverified"), m("rsync-ssh"), m("blit-plain"), m("rsyncd-aax")];
  const ratio = (a: number | null, b: number | null) => (a === null || b === null ? "-" : `${(a / b).toFixed(2)}x`);
  const s = (x: number | null) => (x === null ? "-" : x.toFixed(3));
  const ofCeiling = tcp === null || ceiling === null || stats.files > 1 ? "-" : `${((stats.bytes / tcp / ceiling) * 100).toFixed(0)} %`;
  const ofLink = tcp === null || linkRate === null || stats.files > 1 ? "-" : `${((stats.bytes / tcp / linkRate) * 100).toFixed(0)} %`;
  return [name, s(tcp), s(clear), s(plain), s(grpc), s(rs), s(rsx), s(ssh), ratio(tcp, clear), ratio(tcp, plain), ratio(tcp, rs), ratio(tcp, rsx), ratio(grpc, rs), ratio(tcp, ssh), ofCeiling, ...(rdmaRun ? [ofLink] : [])];
}

function printSummary(rows: string[][]): void {
  const header = rdmaRun
    ? ["workload", "blit rdma s", "no TLS s", "unverified s", "blit grpc s", "rsyncd s", "rsyncd -aAX s", "rsync ssh s", "rdma/no TLS", "rdma/unverified", "rdma/rsyncd", "rdma/rsyncd -aAX", "grpc/rsyncd", "rdma/rsync ssh", "rdma/ib_write_bw", "rdma/link rate"]
    : ["workload", "blit tcp s", "no TLS s", "unverified s", "blit grpc s", "rsyncd s", "rsyncd -aAX s", "rsync ssh s", "tcp/no TLS", "tcp/unverified", "tcp/rsyncd", "tcp/rsyncd -aAX", "grpc/rsyncd", "tcp/rsync ssh", "tcp/iperf3"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  const about = rdmaRun ? "rdma/ib_write_bw and rdma/link rate = blit throughput / perftest's ceiling and the port's rate (target ≥ 90 %)" : "tcp/iperf3 = blit throughput / the link's iperf3 ceiling";
  console.log(`\nsummary over ${link.name} (medians; a ratio below 1 means blit was faster; blit tcp is TLS (the default), tcp/no TLS = the cost of TLS, tcp/unverified = the cost of verification; ${about})`);
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

function transportOf(tool: string): string {
  return tool === "blit" ? (rdmaRun ? "rdma" : "tcp") : tool === "blit-unverified" || tool === "blit-plain" ? "tcp" : tool === "blit-grpc" ? "grpc" : tool === "rsync-ssh" ? "ssh" : "rsync";
}

async function timed(argv: string[], env?: Record<string, string>): Promise<{ code: number; seconds: number; stdout: string; stderr: string }> {
  const started = performance.now();
  const proc = link.spawn("client", argv, { stdout: "pipe", stderr: "pipe", env: { ...process.env, BLIT_DISABLE_LOCAL_TELEMETRY: "1", ...env }, timeoutMs: RUN_TIMEOUT_MS });
  const [code, stdout, stderr] = await Promise.all([proc.exited, new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  const killed = proc.signalCode === null ? "" : `\nkilled (${proc.signalCode}) after the ${RUN_TIMEOUT_MS / 60_000} min limit or by a signal`;
  return { code, seconds: (performance.now() - started) / 1000, stdout, stderr: stderr + killed };
}

function need(binary: string, apt: string): Tool {
  return { name: binary, label: () => binary, modes: [], needs: { binary, apt }, needsDestination: false, command: () => [] };
}

/** dist/ (or, with `--bench-unverified`, dist-unverified/) built fresh from the current sources (`bun run build`). */
function buildRelease(...flags: string[]): string {
  const root = resolve(import.meta.dir, "..");
  const out = flags.includes("--bench-unverified") ? "dist-unverified" : "dist";
  console.error(`bench: building ${out}/ (bun scripts/build.ts ${flags.join(" ")})`);
  if (Bun.spawnSync(["bun", "scripts/build.ts", ...flags], { cwd: root, stdout: "ignore", stderr: "inherit" }).exitCode !== 0) usage("bun run build failed; or pass --blit DIR");
  return resolve(root, out);
}

function usage(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(2);
}
