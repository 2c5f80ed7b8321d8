/**
 * Per-module credentials (SPEC §9): `[[token]]` and `[[identity]]` grant `ro` or `rw` on named
 * modules. A module named by at least one credential refuses every client that proves none of its
 * credentials; a module no credential names stays open. `read_only` caps every grant at `ro`.
 * Matching what a client presented against the credentials (constant time) happens in the daemon;
 * this file holds the rule applied once a call's proven credentials are known.
 */
import { BlitError } from "./errors.ts";
import type { ModuleAccess } from "./module-path.ts";

/** What a credential allows on one module. */
export type Grant = "ro" | "rw";

/** One `[[token]]` or `[[identity]]`. */
export interface Credential {
  readonly kind: "token" | "identity";
  /** Shown in logs; never the secret. */
  readonly name: string;
  /** token: lowercase hex SHA-256 of the secret; identity: `sha256:` + lowercase hex of the certificate DER. */
  readonly digest: string;
  readonly modules: Readonly<Record<string, Grant>>;
}

/** The message every refused client gets, whatever it presented (no oracle). */
export const AUTH_REQUIRED = "authentication required";

/** True when `name` is a 64-digit hex SHA-256 (either case). */
export const isSha256Hex = (text: string): boolean => /^[0-9a-fA-F]{64}$/.test(text);

/** True when `text` is a certificate fingerprint `sha256:` + 64 hex digits. */
export const isFingerprint = (text: string): boolean => /^sha256:[0-9a-fA-F]{64}$/.test(text);

/** The modules some credential names: those refuse clients that prove none of their credentials. */
export function guardedModules(credentials: readonly Credential[]): ReadonlySet<string> {
  return new Set(credentials.flatMap((c) => Object.keys(c.modules)));
}

/** What a call may do in a module once its credentials were checked. */
export interface Admission {
  /** The credential that admitted it, or null for a module no credential names. */
  readonly credential: string | null;
  readonly grant: Grant;
}

/**
 * The access rule: `proven` are the credentials the caller proved (its token and its client
 * certificate). An open module admits everyone (`rw`, capped by the module's read_only elsewhere);
 * a guarded one admits the best grant among `proven`, else AUTH_FAILED with the one message for
 * missing, unknown and wrong credentials. A `write` with only an `ro` grant, or into a read-only
 * module through a credential, is READ_ONLY naming the credential.
 */
export function admit(
  module: { readonly name: string | null; readonly label: string; readonly readOnly: boolean },
  guarded: ReadonlySet<string>,
  proven: readonly Credential[],
  access: ModuleAccess,
): Admission {
  if (module.name === null || !guarded.has(module.name)) return { credential: null, grant: module.readOnly ? "ro" : "rw" };
  const name = module.name;
  let best: Credential | null = null;
  for (const c of proven) {
    const g = c.modules[name];
    if (g === "rw" && (best === null || best.modules[name] === "ro")) best = c;
    else if (g === "ro" && best === null) best = c;
  }
  if (best === null) {
    throw new BlitError("AUTH_FAILED", `${AUTH_REQUIRED} for ${module.label}: present a token it accepts (BLIT_TOKEN, --token-file FILE or credentials.toml)`, {
      module: name,
      refusal: "auth",
    });
  }
  const grant: Grant = module.readOnly ? "ro" : (best.modules[name] ?? "ro");
  if (access === "write" && grant === "ro") {
    const why = module.readOnly ? "is read-only" : `is read-only for credential '${best.name}'`;
    throw new BlitError("READ_ONLY", `${module.label} ${why}: it refuses every change`, { module: name, credential: best.name, refusal: "read-only" });
  }
  return { credential: best.name, grant };
}

/** The `[[token]]` stanza for a new token, to paste into the daemon's config. */
export function tokenStanza(name: string, sha256: string, modules: Readonly<Record<string, Grant>>): string {
  const grants = Object.entries(modules).map(([m, g]) => `${quoteKey(m)} = "${g}"`).join(", ");
  return `[[token]]\nname = ${JSON.stringify(name)}\nsha256 = "${sha256}"\nmodules = { ${grants} }\n`;
}

/** A `--module m:ro|rw` argument, or USAGE naming it. */
export function parseModuleGrant(text: string): [string, Grant] {
  const m = /^([A-Za-z0-9._-]+):(ro|rw)$/.exec(text);
  if (m === null || m[1] === undefined) {
    throw new BlitError("USAGE", `invalid --module '${text}': write MODULE:ro or MODULE:rw, e.g. --module backup:rw`, { flag: "--module", value: text });
  }
  return [m[1], m[2] as Grant];
}

// --- internal ---

const quoteKey = (key: string): string => (/^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key));
