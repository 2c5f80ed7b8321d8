/**
 * The trust flags every program and verb that dials a daemon takes (SPEC §9), taken out of the
 * command line before the verb's own flags are parsed: `--pin sha256:HEX`, `--ca FILE`,
 * `--no-tls` (or BLIT_NO_TLS=1), and `--tls-cert FILE --tls-key FILE` (a client certificate for
 * daemons that ask for one). Nothing after `--` is looked at.
 */
import { BlitError } from "../../domain/errors.ts";
import { parseFingerprint } from "../../domain/fingerprint.ts";

export interface TrustFlags {
  readonly pin: string | null;
  readonly caFile: string | null;
  readonly noTls: boolean;
  readonly certFile: string | null;
  readonly keyFile: string | null;
}

/** The trust flags, for `--help` and shell completion: the flag, what follows it, what it does. */
export const TRUST_FLAG_DEFS: readonly { readonly long: string; readonly valueHint: "sha256:HEX" | "FILE" | null; readonly description: string }[] = [
  { long: "pin", valueHint: "sha256:HEX", description: "Trust exactly the daemon certificate with this fingerprint" },
  { long: "ca", valueHint: "FILE", description: "Trust a daemon certificate chaining to this CA and naming the host" },
  { long: "no-tls", valueHint: null, description: "Talk to a plaintext daemon ([tls] enabled = false; also BLIT_NO_TLS=1)" },
  { long: "tls-cert", valueHint: "FILE", description: "Client certificate (PEM) for daemons that require one (with --tls-key)" },
  { long: "tls-key", valueHint: "FILE", description: "Its private key (PEM)" },
];

/** Lines for `--help`. */
export const TRUST_HELP_ROWS: readonly (readonly [string, string])[] = TRUST_FLAG_DEFS.map((f) => [`--${f.long}${f.valueHint === null ? "" : ` ${f.valueHint}`}`, f.description] as const);

/** The `blit` verbs that never reach a daemon, so take no trust flags (every `blit-utils` verb may). */
export const VERBS_WITHOUT_TRUST: ReadonlySet<string> = new Set(["diagnostics"]);

const VALUED = new Set(["--pin", "--ca", "--tls-cert", "--tls-key"]);

/** Splits `argv` into the trust flags and everything else. USAGE for a flag without its value. */
export function takeTrustFlags(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): { rest: string[]; flags: TrustFlags } {
  const rest: string[] = [];
  const values = new Map<string, string>();
  let noTls = env.BLIT_NO_TLS === "1";
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg === "--no-tls") {
      noTls = true;
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!VALUED.has(name)) {
      rest.push(arg);
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === "") throw new BlitError("USAGE", `${name} needs a value, e.g. ${name === "--pin" ? "--pin sha256:…" : `${name} FILE`}`, { flag: name });
    values.set(name, value);
  }
  const certFile = values.get("--tls-cert") ?? null;
  const keyFile = values.get("--tls-key") ?? null;
  if ((certFile === null) !== (keyFile === null)) throw new BlitError("USAGE", "--tls-cert and --tls-key go together: give the client certificate and its key", { flag: certFile === null ? "--tls-key" : "--tls-cert" });
  const pinText = values.get("--pin");
  const flags = { pin: pinText === undefined ? null : parseFingerprint(pinText, "--pin"), caFile: values.get("--ca") ?? null, noTls, certFile, keyFile };
  if (flags.noTls && (flags.pin !== null || flags.caFile !== null)) throw new BlitError("USAGE", "--no-tls talks plaintext, so --pin and --ca cannot apply: give one or the other", { flag: "--no-tls" });
  return { rest, flags };
}
