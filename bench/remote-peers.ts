/**
 * The servers a remote benchmark compares blit's daemon with, over a Link (bench/link.ts).
 * Offers: startRsyncDaemon() (an rsync daemon serving one read-write module), startSshd() (an
 * OpenSSH server for `rsync -e ssh`, with its own host and client keys) and iperf3() (the link's
 * TCP ceiling). Servers run on the link's server side, probes and clients on its client side.
 */
import { chmodSync, mkdirSync } from "node:fs";
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

export interface Sshd {
  readonly port: number;
  /** The `-e` command rsync runs to reach it (key-only, no host-key prompt, no agent). */
  readonly rsh: string;
  stop(): Promise<void>;
}

/**
 * An OpenSSH server on `link.host` (`sshd -D`, its config, host key, client key and
 * authorized_keys in `dir`), for `rsync -a -e ssh` as the current user. Ciphers and MACs are
 * OpenSSH's defaults, as a user gets them. Needs the sshd binary (Debian's openssh-server).
 */
export async function startSshd(link: Link, dir: string, sshd: string): Promise<Sshd> {
  const port = freePort();
  mkdirSync(dir, { mode: 0o700 });
  mkdirSync("/run/sshd", { recursive: true, mode: 0o755 }); // sshd's privilege-separation directory
  for (const key of ["host_key", "client_key"]) {
    const gen = Bun.spawnSync(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", join(dir, key)], { stdout: "ignore", stderr: "pipe" });
    if (gen.exitCode !== 0) throw new Error(`ssh-keygen failed: ${gen.stderr.toString()}`);
  }
  await Bun.write(join(dir, "authorized_keys"), await Bun.file(join(dir, "client_key.pub")).text());
  chmodSync(join(dir, "authorized_keys"), 0o600);
  const conf = join(dir, "sshd_config");
  await Bun.write(
    conf,
    [`Port ${port}`, `ListenAddress ${link.host}`, `HostKey ${join(dir, "host_key")}`, `AuthorizedKeysFile ${join(dir, "authorized_keys")}`, `PidFile ${join(dir, "sshd.pid")}`, "PasswordAuthentication no", "KbdInteractiveAuthentication no", "PermitRootLogin prohibit-password", "UsePAM no", "StrictModes no", ""].join("\n"),
  );
  const log = join(dir, "sshd.log");
  const proc = link.spawn("server", [sshd, "-D", "-E", log, "-f", conf], { stdout: "ignore", stderr: "ignore" });
  const rsh = `ssh -p ${port} -i ${join(dir, "client_key")} -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o IdentitiesOnly=yes`;
  // Ready when a client on the other side can run a command through it (bounded: 200 tries, 5 s each).
  const answers = async () => (await link.spawn("client", ["sh", "-c", `${rsh} ${link.host} true`], { stdout: "ignore", stderr: "ignore", timeoutMs: 5_000 }).exited) === 0;
  let ready = false;
  for (let i = 0; i < 200 && !ready && proc.exitCode === null; i++) {
    ready = await answers();
    if (!ready) await Bun.sleep(25);
  }
  if (!ready) {
    proc.kill("SIGKILL");
    const why = await Bun.file(log).text().catch(() => "");
    throw new Error(`sshd did not answer on ${link.host}:${port} (${link.name}): ${why.trim().split("\n").at(-1) ?? "no log"}`);
  }
  return {
    port,
    rsh,
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
