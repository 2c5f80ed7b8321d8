/**
 * The trust settings of a client process (blit, blit-utils) and of a delegating daemon, wired to
 * the real files and terminal. The CLI programs call `configureClientTrust` once, from the trust
 * flags; every dial of that process then goes through `clientTrust()`.
 */
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { BlitError } from "../../domain/errors.ts";
import * as compose from "../compose.ts";
import { createTrustResolver, type TrustIo, type TrustResolver, type TrustSettings } from "./client-trust.ts";
import type { TrustFlags } from "./trust-flags.ts";

/** `$XDG_CONFIG_HOME/blit/known_hosts` (default ~/.config/blit/known_hosts). */
export function clientKnownHostsFile(env: Readonly<Record<string, string | undefined>>): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg !== undefined && xdg.startsWith("/") ? xdg : join(env.HOME ?? homedir(), ".config");
  return join(base, "blit", "known_hosts");
}

/** The client settings of `flags` (reads the --ca and client certificate files). */
export function clientTrustSettings(flags: TrustFlags, env: Readonly<Record<string, string | undefined>>): TrustSettings {
  const identity = flags.certFile === null || flags.keyFile === null ? null : { certPem: readPem(flags.certFile, "--tls-cert"), keyPem: readPem(flags.keyFile, "--tls-key") };
  return {
    pin: flags.pin,
    ca: flags.caFile === null ? null : { pem: readPem(flags.caFile, "--ca"), file: flags.caFile },
    noTls: flags.noTls,
    identity,
    knownHostsFile: clientKnownHostsFile(env),
    who: "client",
  };
}

/** Real files; `ask` on a terminal (stdin and stderr), else null. */
export function fileTrustIo(probe: TrustIo["probe"], ask: TrustIo["ask"]): TrustIo {
  return {
    probe,
    readKnownHosts: (file) => {
      try {
        return readFileSync(file, "utf8");
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return "";
        throw new BlitError("USAGE", `cannot read the known-hosts file ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { file });
      }
    },
    appendKnownHost: (file, line) => {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      appendFileSync(file, line, { mode: 0o600 });
    },
    ask,
    note: (text) => process.stderr.write(text),
  };
}

let resolver: TrustResolver | null = null;
let configured: { settings: TrustSettings; io: TrustIo } | null = null;

/** The settings and io configureClientTrust set (for `blit trust`). */
export function configuredTrust(): { settings: TrustSettings; io: TrustIo } {
  if (configured === null) throw new BlitError("INTERNAL", "the client's trust settings were not configured");
  return configured;
}

/** Sets this process's trust from its flags; the shared session connector uses it too. */
export async function configureClientTrust(flags: TrustFlags, env: Readonly<Record<string, string | undefined>>, ask: TrustIo["ask"]): Promise<void> {
  const settings = clientTrustSettings(flags, env);
  const probe = await compose.tlsProbe();
  const io = fileTrustIo(probe, ask);
  configured = { settings, io };
  resolver = createTrustResolver(settings, io);
  compose.setProcessTrust(resolver, settings.noTls);
}

/** This process's trust resolver (configureClientTrust must have run). */
export function clientTrust(): TrustResolver {
  if (resolver === null) throw new BlitError("INTERNAL", "the client's trust settings were not configured");
  return resolver;
}

/** A terminal question on stderr, one line from stdin; null when stdin or stderr is no terminal. */
export function terminalAsk(): TrustIo["ask"] {
  if (process.stdin.isTTY !== true || process.stderr.isTTY !== true) return null;
  return async (question) => {
    process.stderr.write(`${question} [y/N] `);
    const { createInterface } = await import("node:readline");
    const rl = createInterface({ input: process.stdin, terminal: false });
    try {
      const line = await new Promise<string | null>((resolve) => {
        rl.once("line", resolve);
        rl.once("close", () => resolve(null));
      });
      return line !== null && /^\s*y(?:es)?\s*$/i.test(line);
    } finally {
      rl.close();
      process.stdin.pause();
    }
  };
}

function readPem(file: string, flag: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new BlitError("USAGE", `cannot read ${flag} ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { flag, file });
  }
}
