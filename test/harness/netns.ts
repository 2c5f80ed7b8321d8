/**
 * Network namespaces for mDNS tests (STACK.md): mDNS must never run in the machine's main
 * namespace, where it would multicast on the external interface.
 * - `netnsUnavailableReason()`: null when `ip netns add` works here, else why (tests skip with it).
 * - `createNetns()`: a fresh namespace with loopback up and multicast routed on it; `exec(argv)`
 *   prefixes a command to run inside; disposing it deletes the namespace.
 * - `deleteCreatedNetns()`: deletes every namespace this process made and still holds (for afterAll,
 *   since a timed-out test never reaches its disposal).
 * - `inNetnsSuite(file, title)`: outside a namespace, defines one test that re-runs `file` with
 *   `bun test` inside a fresh namespace and passes when every test there passed (or skips, naming
 *   the reason, when namespaces are not permitted); also deletes the namespaces afterwards.
 * - `insideTestNetns()`: true only in a process started inside such a namespace by `exec`, checked
 *   against the kernel (`ip netns identify`), so an mDNS suite cannot run outside by mistake.
 */

import { afterAll, expect, test } from "bun:test";

const ENV = "BLIT_TEST_NETNS";
/** The nested run of a whole file in a namespace is a suite, not one test: it gets a suite's time. */
const NESTED_SUITE_MS = 120_000;
let counter = 0;
const created = new Set<string>();
let probed: string | null | undefined;

export interface Netns extends AsyncDisposable {
  readonly name: string;
  /** argv that runs `argv` inside the namespace, with BLIT_TEST_NETNS set. */
  exec(argv: readonly string[]): string[];
}

export function netnsUnavailableReason(): string | null {
  if (probed !== undefined) return probed;
  const name = `blit-probe-${process.pid}`;
  const add = ip(["netns", "add", name]);
  if (add.ok) ip(["netns", "delete", name]);
  probed = add.ok ? null : `mDNS tests need a network namespace and 'ip netns add' failed: ${add.text || "ip not found"}`;
  return probed;
}

export function createNetns(): Netns {
  const name = `blit-t-${process.pid}-${++counter}`;
  const steps = [
    ["netns", "add", name],
    ["-n", name, "link", "set", "lo", "up"],
    ["-n", name, "link", "set", "lo", "multicast", "on"],
    ["-n", name, "route", "add", "224.0.0.0/4", "dev", "lo"],
  ];
  for (const step of steps) {
    const r = ip(step);
    if (!r.ok) {
      ip(["netns", "delete", name]);
      throw new Error(`ip ${step.join(" ")} failed: ${r.text}`);
    }
  }
  created.add(name);
  return {
    name,
    exec: (argv) => ["ip", "netns", "exec", name, "env", `${ENV}=${name}`, ...argv],
    [Symbol.asyncDispose]: async () => deleteNetns(name),
  };
}

export function deleteCreatedNetns(): void {
  for (const name of created) deleteNetns(name);
}

export function inNetnsSuite(file: string, title: string): void {
  const reason = netnsUnavailableReason();
  test.skipIf(reason !== null)(`${title}, inside a network namespace${reason === null ? "" : ` (skipped: ${reason})`}`, async () => {
    await using ns = createNetns();
    const proc = Bun.spawn(ns.exec([process.execPath, "test", file]), { stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    if (code !== 0 || !/\b0 fail\b/.test(err)) throw new Error(`the suite in namespace ${ns.name} failed (exit ${code})\n${out}${err}`);
    expect(err).toMatch(/\b[1-9][0-9]* pass\b/);
  }, NESTED_SUITE_MS);
  afterAll(deleteCreatedNetns);
}

export function insideTestNetns(): boolean {
  const expected = process.env[ENV];
  if (expected === undefined || expected === "") return false;
  const r = ip(["netns", "identify", String(process.pid)]);
  return r.ok && r.text.trim() === expected;
}

// --- internal ---

function deleteNetns(name: string): void {
  if (created.delete(name)) ip(["netns", "delete", name]);
}

function ip(args: readonly string[]): { ok: boolean; text: string } {
  try {
    const r = Bun.spawnSync(["ip", ...args], { stdout: "pipe", stderr: "pipe" });
    return { ok: r.exitCode === 0, text: `${r.stdout.toString()}${r.stderr.toString()}`.trim() };
  } catch (e) {
    return { ok: false, text: e instanceof Error ? e.message : String(e) };
  }
}
