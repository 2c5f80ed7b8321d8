/**
 * `blit trust HOST[:PORT]`: records a daemon's certificate in the known-hosts file. It shows the
 * fingerprint the daemon presents and asks `[y/N]` (on a terminal), or records it with `--yes`,
 * or when it equals `--pin` (a value learned out of band, e.g. from `blit-daemon fingerprint`).
 * A recorded daemon whose certificate changed is shown with the ssh-style warning and replaced
 * only on an explicit yes.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseDaemonAddress } from "../../domain/endpoint.ts";
import { BlitError } from "../../domain/errors.ts";
import { findKnownHost, hostKey, knownHostLine, parseKnownHosts } from "../../domain/known-hosts.ts";
import { configuredTrust } from "./process-trust.ts";

/** Runs the verb; returns the exit code. */
export async function trustDaemon(address: string, yes: boolean, say: (text: string) => void): Promise<number> {
  const { host, port } = parseDaemonAddress(address);
  const { settings, io } = configuredTrust();
  if (settings.noTls) throw new BlitError("USAGE", "--no-tls: a plaintext daemon has no certificate to trust", { flag: "--no-tls" });
  const key = hostKey(host, port);
  const probed = await io.probe({ host, port }, { ca: null, identity: settings.identity });
  if (probed.kind === "not-tls") throw new BlitError("AUTH_FAILED", `${key} does not speak TLS (${probed.why}): there is no certificate to trust`, { daemon: key });
  const { fingerprint } = probed;
  if (settings.pin !== null && settings.pin !== fingerprint) {
    throw new BlitError("AUTH_FAILED", `${key} presented certificate ${fingerprint}, not the pinned ${settings.pin}: nothing recorded`, { daemon: key });
  }
  const file = settings.knownHostsFile;
  const known = findKnownHost(parseKnownHosts(io.readKnownHosts(file)), host, port);
  if (known?.fingerprint === fingerprint) {
    say(`${key} is already trusted (${file}:${known.line}): ${fingerprint}\n`);
    return 0;
  }
  if (known !== null) io.note(`WARNING: the certificate of ${key} changed.\n  It presents ${fingerprint}\n  ${file}:${known.line} has ${known.fingerprint}\n`);
  else io.note(`${key} presents the certificate ${fingerprint}\n`);
  const sure = yes || settings.pin !== null || (io.ask !== null && (await io.ask(`${known === null ? "Trust" : "Replace the recorded certificate and trust"} it?`)));
  if (!sure) {
    if (io.ask === null) throw new BlitError("NOT_CONFIRMED", `no terminal to ask on: compare the fingerprint with 'blit-daemon fingerprint' on the daemon's host, then run blit trust ${key} --yes (or --pin ${fingerprint})`);
    throw new BlitError("NOT_CONFIRMED", `${key} was not trusted; nothing recorded`);
  }
  if (known !== null) {
    const lines = readFileSync(file, "utf8").split("\n");
    lines.splice(known.line - 1, 1);
    writeFileSync(file, lines.join("\n"));
  }
  io.appendKnownHost(file, knownHostLine(host, port, fingerprint));
  say(`recorded ${key} ${fingerprint} in ${file}\n`);
  return 0;
}
