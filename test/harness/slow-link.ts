/**
 * A network namespace whose loopback is rate-limited (tc tbf), so a transfer through a daemon in
 * it takes seconds whatever the machine: progress and cancellation can be watched mid-file.
 * - `slowLinkUnavailableReason()`: null when namespaces and tc work here, else why (tests skip).
 * - `createSlowLink(rate)`: `Netns` (harness/netns.ts) with `tc qdisc … tbf rate <rate>` on lo
 *   (its burst exceeds loopback's 64 KiB packets, which a smaller bucket would drop for ever);
 *   run the daemon with `launch: link.exec` and the client with `link.exec([...])`.
 */
import { createNetns, netnsUnavailableReason, type Netns } from "./netns.ts";

export function slowLinkUnavailableReason(): string | null {
  return netnsUnavailableReason() ?? (Bun.which("tc") === null ? "tc (iproute2) is not installed" : null);
}

/** `rate` in tc's notation, e.g. "24mbit". */
export async function createSlowLink(rate: string): Promise<Netns> {
  const ns = createNetns();
  const tc = Bun.spawnSync(["ip", "netns", "exec", ns.name, "tc", "qdisc", "add", "dev", "lo", "root", "tbf", "rate", rate, "burst", "1mb", "latency", "2s"], { stdout: "pipe", stderr: "pipe" });
  if (tc.exitCode !== 0) {
    await ns[Symbol.asyncDispose]();
    throw new Error(`tc qdisc add (tbf ${rate}) in ${ns.name} failed: ${tc.stderr.toString().trim()}`);
  }
  return ns;
}
