import { createHash, randomBytes } from "node:crypto";
import { parseModuleGrant, tokenStanza, type Grant } from "../../domain/credentials.ts";
import { BlitError } from "../../domain/errors.ts";
import { parseFlags } from "../toolkit/flag-parser.ts";

const TOKEN_FLAGS = { module: { type: "string", valueHint: "MODULE:ro|rw", description: "A module the token may use (repeatable)" } } as const;

/** Random bytes of a new token's secret (256 bits). */
const SECRET_BYTES = 32;

/**
 * `blit-daemon token new NAME --module m:rw [--module n:ro]`: a fresh secret (256 random bits,
 * shown once) and the `[[token]]` stanza holding only its SHA-256, to paste into the config.
 */
export function tokenCommand(argv: readonly string[]): string {
  const [sub, ...rest] = argv;
  if (sub !== "new") throw new BlitError("USAGE", `unknown token command '${sub ?? ""}': use blit-daemon token new NAME --module MODULE:rw`, { input: sub ?? "" });
  const parsed = parseFlags(rest, TOKEN_FLAGS, { command: "blit-daemon", examples: { module: "backup:rw" } });
  const [name, ...extra] = parsed.positionals;
  if (name === undefined || name === "" || extra.length > 0) throw new BlitError("USAGE", "token new needs one NAME, e.g. blit-daemon token new nightly --module backup:rw");
  const grants = (parsed.values.get("module") ?? []).map(parseModuleGrant);
  if (grants.length === 0) throw new BlitError("USAGE", "token new needs at least one --module MODULE:ro|rw, e.g. --module backup:rw");
  const modules: Record<string, Grant> = Object.fromEntries(grants);
  const secret = randomBytes(SECRET_BYTES).toString("hex");
  const sha256 = createHash("sha256").update(secret, "utf8").digest("hex");
  return [
    `# Secret of token '${name}' (shown once; give it to the client as BLIT_TOKEN, a --token-file or credentials.toml):`,
    `# ${secret}`,
    "# Paste this into the daemon's config (it holds only the SHA-256 of the secret):",
    tokenStanza(name, sha256, modules),
  ].join("\n");
}
