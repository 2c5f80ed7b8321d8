/**
 * A throw-away certificate authority made with the `openssl` command, for mTLS and `--ca` tests.
 * - `OPENSSL`: `{ ok, reason }` — whether `openssl` can be run here (tests skip with the reason).
 * - `makeTestCa(dir, name)`: a CA (ECDSA P-256) in `dir`; `ca.pem` is its certificate, and
 *   `issue(name, { dns, expired })` signs a new key's certificate — CN `name`, subjectAltName
 *   `dns` names, valid for two days or (expired) only on 2020-01-01 — and returns the files and
 *   the certificate's `sha256:…` fingerprint.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const OPENSSL: { readonly ok: boolean; readonly reason: string } = (() => {
  const r = spawnSync("openssl", ["version"], { encoding: "utf8" });
  return r.status === 0 ? { ok: true, reason: String(r.stdout).trim() } : { ok: false, reason: "no openssl command to make test certificates with" };
})();

export interface IssuedCert {
  readonly cert: string;
  readonly key: string;
  readonly fingerprint: string;
}

export interface TestCa {
  readonly ca: string;
  issue(name: string, options?: { readonly dns?: readonly string[]; readonly expired?: boolean }): IssuedCert;
}

export function makeTestCa(dir: string, name: string): TestCa {
  const at = (f: string) => join(dir, `${name}-${f}`);
  const ca = at("ca.pem");
  const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", at("ca.key"), "-out", ca, "-subj", `/CN=${name}`, "-days", "2"]);
  writeFileSync(at("ca.cnf"), `[ca]\ndefault_ca = d\n[d]\ndatabase = ${at("index.txt")}\nnew_certs_dir = ${dir}\nserial = ${at("serial")}\ndefault_md = sha256\npolicy = p\ncopy_extensions = copy\nunique_subject = no\n[p]\ncommonName = supplied\n`);
  writeFileSync(at("index.txt"), "");
  writeFileSync(at("serial"), "01\n");
  return {
    ca,
    issue(cn, options = {}) {
      const cert = at(`${cn}.pem`);
      const key = at(`${cn}.key`);
      const san = (options.dns ?? []).map((d) => `DNS:${d}`).join(",");
      run(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", at(`${cn}.csr`), "-subj", `/CN=${cn}`, ...(san === "" ? [] : ["-addext", `subjectAltName=${san}`])]);
      const dates = options.expired === true ? ["-startdate", "20200101000000Z", "-enddate", "20200102000000Z"] : ["-days", "2"];
      run(["ca", "-batch", "-notext", "-config", at("ca.cnf"), "-cert", ca, "-keyfile", at("ca.key"), "-in", at(`${cn}.csr`), "-out", cert, ...dates]);
      const fingerprint = `sha256:${createHash("sha256").update(new X509Certificate(readFileSync(cert)).raw).digest("hex")}`;
      return { cert, key, fingerprint };
    },
  };
}
