/**
 * The network a remote benchmark runs over (SPEC §10, issue 4). Offers: Link, with
 * `Link.loopback()` (everything in this namespace, 127.0.0.1) and `Link.veth(name, rate)` (two fresh
 * network namespaces, blitb-srv-PID and blitb-cli-PID, joined by a veth pair 10.201.X.1/24 ↔
 * 10.201.X.2/24 with a tc tbf rate limit on both ends: STACK.md measured 1 Gbit/s → ~955 Mbit/s).
 *
 * Servers run with `spawn("server", argv)`, clients with `spawn("client", argv)` (inside the
 * namespace through `ip netns exec`, which execs, so a process's PID is the program's own);
 * `wrap(side, argv)` gives the argv for a process started elsewhere (the blit daemon).
 * `close()` is synchronous and idempotent, so it also serves a signal handler: it kills the
 * processes this Link started that are still running (by PID) and deletes the namespaces.
 * Traffic stays on loopback or inside the namespaces made here; the filesystem is shared.
 */

type Side = "server" | "client";

/** tbf needs a bucket of at least rate/HZ and a queue; these held 955 Mbit/s at 1 Gbit/s here. */
const TBF = { burst: "512kb", latency: "10ms" };

export class Link {
  private readonly live = new Set<Bun.Subprocess>();
  private closed = false;

  private constructor(
    /** "loopback" or the name given to `veth()`: for JSON lines. */
    readonly name: string,
    /** What the daemons bind to and the clients dial. */
    readonly host: string,
    /** One line for titles, e.g. "a 1gbit tbf veth link between namespaces …". */
    readonly about: string,
    private readonly namespaces: { readonly server: string; readonly client: string } | null,
  ) {}

  static loopback(): Link {
    return new Link("loopback", "127.0.0.1", "loopback", null);
  }

  /** Two namespaces and a rate-limited veth pair; throws (having removed what it made) when `ip` or `tc` fails. */
  static veth(name: string, rate: string): Link {
    const pid = process.pid;
    const ns = { server: `blitb-srv-${pid}`, client: `blitb-cli-${pid}` };
    const dev = { server: `bbs${pid}`, client: `bbc${pid}` };
    const net = `10.201.${pid % 250}`;
    const addr = { server: `${net}.1`, client: `${net}.2` };
    const link = new Link(name, addr.server, `a ${rate} tbf veth link between namespaces ${ns.server} and ${ns.client}`, ns);
    const steps = [
      ["ip", "netns", "add", ns.server],
      ["ip", "netns", "add", ns.client],
      ["ip", "link", "add", dev.server, "netns", ns.server, "type", "veth", "peer", "name", dev.client, "netns", ns.client],
    ];
    for (const side of ["server", "client"] as const) {
      const n = ns[side];
      steps.push(
        ["ip", "-n", n, "link", "set", "lo", "up"],
        ["ip", "-n", n, "addr", "add", `${addr[side]}/24`, "dev", dev[side]],
        ["ip", "-n", n, "link", "set", dev[side], "up"],
        ["tc", "-n", n, "qdisc", "add", "dev", dev[side], "root", "tbf", "rate", rate, "burst", TBF.burst, "latency", TBF.latency],
      );
    }
    for (const step of steps) {
      const r = Bun.spawnSync(step, { stdout: "ignore", stderr: "pipe" });
      if (r.exitCode !== 0) {
        link.close();
        throw new Error(`${step.join(" ")} failed: ${r.stderr.toString().trim()}`);
      }
    }
    return link;
  }

  /** `argv` as run on `side`: inside its namespace, or unchanged on loopback. */
  wrap(side: Side, argv: readonly string[]): string[] {
    return this.namespaces === null ? [...argv] : ["ip", "netns", "exec", this.namespaces[side], ...argv];
  }

  /** Starts `argv` on `side`, killed after `timeoutMs` if given, and by `close()` if still running then. */
  spawn<Out extends "pipe" | "ignore" | "inherit", Err extends "pipe" | "ignore" | "inherit">(
    side: Side,
    argv: readonly string[],
    options: { stdout: Out; stderr: Err; env?: Record<string, string | undefined>; timeoutMs?: number },
  ): Bun.Subprocess<"ignore", Out, Err> {
    if (this.closed) throw new Error(`link ${this.name} is closed`);
    const { timeoutMs, ...io } = options;
    const proc = Bun.spawn(this.wrap(side, argv), { stdin: "ignore", ...io, ...(timeoutMs !== undefined && { timeout: timeoutMs, killSignal: "SIGKILL" }) });
    this.live.add(proc);
    void proc.exited.then(() => this.live.delete(proc));
    return proc;
  }

  /** Kills what is still running (SIGKILL, by PID) and deletes the namespaces. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const proc of this.live) {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
    }
    this.live.clear();
    if (this.namespaces === null) return;
    // Deleting a namespace deletes the veth end inside it, and with it the pair.
    for (const n of [this.namespaces.server, this.namespaces.client]) Bun.spawnSync(["ip", "netns", "delete", n], { stdout: "ignore", stderr: "ignore" });
  }
}
