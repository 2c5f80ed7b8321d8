import { createHash, timingSafeEqual } from "node:crypto";
import { AuthBackoff } from "../../domain/auth-backoff.ts";
import { admit, guardedModules, type Admission, type Credential } from "../../domain/credentials.ts";
import { isBlitError } from "../../domain/errors.ts";
import type { ModuleAccess } from "../../domain/module-path.ts";
import type { Caller } from "../../ports/control.ts";
import type { DaemonAudit } from "./daemon-audit.ts";

/** The module a call asks for, as the access rule needs it. */
export interface AccessTarget {
  readonly name: string | null;
  readonly label: string;
  readonly readOnly: boolean;
}

/**
 * The daemon's one credential check (SPEC §9), called by ModuleExports.resolve for every RPC:
 * finds the credentials a caller proves — its token's SHA-256 compared with every `[[token]]`
 * digest, its verified client certificate with every `[[identity]]`, always all of them and in
 * constant time (crypto.timingSafeEqual on SHA-256 digests) — and applies domain/credentials.ts's
 * rule. A refused authentication is answered after the back-off delay of its address, and every
 * refusal is an audit line at warn.
 */
export class ModuleAccessCheck {
  private readonly guarded: ReadonlySet<string>;
  private readonly tokens: readonly { readonly credential: Credential; readonly digest: Buffer }[];
  private readonly identities: readonly { readonly credential: Credential; readonly digest: Buffer }[];
  private readonly backoff = new AuthBackoff();

  constructor(
    credentials: readonly Credential[],
    private readonly audit: DaemonAudit | null,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.guarded = guardedModules(credentials);
    const entry = (c: Credential, text: string) => ({ credential: c, digest: sha256(text) });
    this.tokens = credentials.filter((c) => c.kind === "token").map((c) => ({ credential: c, digest: Buffer.from(c.digest, "hex") }));
    this.identities = credentials.filter((c) => c.kind === "identity").map((c) => entry(c, c.digest));
  }

  /** True when some credential names the module (clients must authenticate to use it). */
  requiresAuth(module: string | null): boolean {
    return module !== null && this.guarded.has(module);
  }

  /** Admits `caller` to `module` for `access`, or throws AUTH_FAILED / READ_ONLY (after the back-off, logged). */
  async admit(module: AccessTarget, caller: Caller, access: ModuleAccess, verb: string): Promise<Admission> {
    try {
      return admit(module, this.guarded, this.proven(caller), access);
    } catch (e) {
      if (!isBlitError(e)) throw e;
      const auth = e.code === "AUTH_FAILED";
      const delay = auth ? this.backoff.fail(caller.address, performance.now()) : 0;
      const credential = typeof e.details.credential === "string" ? e.details.credential : null;
      this.audit?.refused({ client: caller.address, credential, module: module.name, verb, refusal: auth ? "auth" : "read-only", reason: e.message, ...(auth && { delay_ms: delay }) });
      if (delay > 0) await this.sleep(delay);
      throw e;
    }
  }

  // --- internal ---

  /** The credentials `caller` proves; every digest is compared, whatever matched before. */
  private proven(caller: Caller): Credential[] {
    const found: Credential[] = [];
    if (caller.token !== null) {
      const presented = sha256(caller.token);
      for (const t of this.tokens) if (timingSafeEqual(presented, t.digest)) found.push(t.credential);
    }
    if (caller.certFingerprint !== null) {
      const presented = sha256(caller.certFingerprint.toLowerCase());
      for (const i of this.identities) if (timingSafeEqual(presented, i.digest)) found.push(i.credential);
    }
    return found;
  }
}

const sha256 = (text: string): Buffer => createHash("sha256").update(text, "utf8").digest();
