import { readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parse, TomlError } from "smol-toml";
import * as v from "valibot";
import { toAllowedSource, type DaemonConfig, type ModuleConfig } from "../../domain/daemon-config.ts";
import { isFingerprint, isSha256Hex, type Credential } from "../../domain/credentials.ts";
import { isModuleName } from "../../domain/endpoint.ts";
import { parseHostRule, type HostRule } from "../../domain/host-rules.ts";
import { BlitError } from "../../domain/errors.ts";
import { CONFIG_SCHEMA, KEY_HELP, TABLE_KEYS, type ConfigDocument } from "./config-schema.ts";
import { findKeyPosition } from "./key-position.ts";

/**
 * Reads and validates a daemon configuration file. Returns null when the file does not exist and
 * `required` is false (the default path may be absent). Every problem — unreadable file, TOML
 * syntax, unknown key, wrong type, missing key, invalid or duplicate module name, module path that
 * is not a directory, an `allowed_sources` entry that is not a daemon address, delegation allowed
 * from no source — is BlitError USAGE whose message starts with `FILE:LINE:COLUMN:` and names
 * the key and the fix.
 */
export function loadDaemonConfig(file: string, required: boolean): DaemonConfig | null {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const errno = (e as { code?: string }).code;
    if (errno === "ENOENT" && !required) return null;
    const why = errno === "ENOENT" ? "no such file" : errno === "EACCES" ? "permission denied" : String(errno ?? e);
    throw new BlitError("USAGE", `cannot read config file ${file}: ${why}: give an existing file with --config PATH`, { file });
  }
  return parseDaemonConfig(text, file, isDirectory);
}

/** Validates the text of a configuration file; `isDir` tells whether a module path is a directory. */
export function parseDaemonConfig(text: string, file: string, isDir: (abs: string) => boolean): DaemonConfig {
  const doc = checkSchema(text, file, parseToml(text, file));
  const base = dirname(resolve(file));
  const fail = (message: string, table: string, index: number, key: string | null): never => {
    const at = findKeyPosition(text, table, index, key);
    throw new BlitError("USAGE", `${file}:${at.line}:${at.column}: ${message}`, { file, line: at.line, key: key ?? table });
  };
  const modules: ModuleConfig[] = [];
  const firstIndex = new Map<string, number>();
  (doc.module ?? []).forEach((m, i) => {
    const label = `[[module]] #${i + 1}`;
    if (!isModuleName(m.name)) fail(`${label} name '${m.name}' is not a valid module name: use ${KEY_HELP["module.name"]}`, "module", i, "name");
    const first = firstIndex.get(m.name);
    if (first !== undefined) fail(`${label} repeats the module name '${m.name}' of [[module]] #${first + 1}: give each module its own name`, "module", i, "name");
    firstIndex.set(m.name, i);
    const path = resolve(base, m.path);
    if (!isDir(path)) fail(`module '${m.name}' path '${m.path}' is not an existing directory: create it or fix the path`, "module", i, "path");
    modules.push({ name: m.name, path, comment: m.comment ?? "", readOnly: m.read_only ?? false, useChroot: m.use_chroot ?? true, keepOwners: m.keep_owners ?? false });
  });
  const d = doc.daemon ?? {};
  const root = d.root === undefined ? undefined : resolve(base, d.root);
  if (root !== undefined && !isDir(root)) fail(`[daemon] root '${d.root}' is not an existing directory: create it or fix the path`, "daemon", 0, "root");
  const sources = doc.delegation?.allowed_sources ?? [];
  if (doc.delegation?.allow === true && sources.length === 0) {
    fail(`[delegation] allow = true needs the daemons it may pull from: add ${KEY_HELP["delegation.allowed_sources"]}`, "delegation", 0, "allow");
  }
  for (const source of sources) {
    if (toAllowedSource(source) === null) {
      fail(`[delegation] allowed_sources entry '${source}' is not a daemon address: use ${KEY_HELP["delegation.allowed_sources"]}`, "delegation", 0, "allowed_sources");
    }
  }
  const t = doc.tls ?? {};
  if ((t.cert === undefined) !== (t.key === undefined)) {
    const [given, other] = t.cert === undefined ? ["key", "cert"] : ["cert", "key"];
    fail(`[tls] ${given} needs ${other} too: give both (a certificate and its key), or neither for a self-signed identity kept in the state directory`, "tls", 0, given);
  }
  const abs = (p: string | undefined) => (p === undefined ? undefined : resolve(base, p));
  const credentials = credentialsOf(doc, new Set(modules.map((m) => m.name)), fail);
  if ((doc.identity ?? []).length > 0 && (t.client_ca === undefined || t.enabled === false)) {
    fail(`[[identity]] #1 '${doc.identity?.[0]?.name}' needs client certificates: set [tls] client_ca to the CA your clients' certificates chain to (and keep [tls] enabled)`, "identity", 0, "fingerprint");
  }
  const hosts = { allow: hostRulesOf(d.hosts_allow, "hosts_allow", fail), deny: hostRulesOf(d.hosts_deny, "hosts_deny", fail) };
  const tokenFile = doc.delegation?.token_file;
  return {
    file,
    ...(d.state_dir !== undefined && { stateDir: resolve(base, d.state_dir) }),
    tls: { enabled: t.enabled ?? true, cert: abs(t.cert), key: abs(t.key), clientCa: abs(t.client_ca) },
    ...(d.bind !== undefined && { bind: d.bind }),
    ...(d.port !== undefined && { port: d.port }),
    ...(d.data_port !== undefined && { dataPort: d.data_port }),
    ...(d.max_connections !== undefined && { maxConnections: d.max_connections }),
    hosts,
    credentials,
    motd: d.motd ?? "",
    ...(d.no_mdns !== undefined && { noMdns: d.no_mdns }),
    ...(d.mdns_name !== undefined && { mdnsName: d.mdns_name }),
    ...(d.mdns_interfaces !== undefined && { mdnsInterfaces: d.mdns_interfaces }),
    ...(root !== undefined && { root }),
    rootReadOnly: d.root_read_only ?? false,
    modules,
    delegation: { allow: doc.delegation?.allow ?? false, allowedSources: sources, knownHosts: abs(doc.delegation?.known_hosts), tokenFile: abs(tokenFile) },
  };
}

// --- internal ---

const ARRAY_TABLES: ReadonlySet<string> = new Set(["module", "token", "identity"]);

type Fail = (message: string, table: string, index: number, key: string | null) => never;

/** The `[[token]]` and `[[identity]]` entries, checked against the modules and for their digests. */
function credentialsOf(doc: ConfigDocument, moduleNames: ReadonlySet<string>, fail: Fail): Credential[] {
  const out: Credential[] = [];
  const names = new Map<string, string>();
  const entries = [
    ...(doc.token ?? []).map((t, i) => ({ table: "token", i, kind: "token" as const, name: t.name, digest: t.sha256, modules: t.modules })),
    ...(doc.identity ?? []).map((t, i) => ({ table: "identity", i, kind: "identity" as const, name: t.name, digest: t.fingerprint, modules: t.modules })),
  ];
  for (const e of entries) {
    const label = `[[${e.table}]] #${e.i + 1}`;
    if (e.name === "" || /[\x00-\x1f]/.test(e.name)) fail(`${label} needs a name: use ${KEY_HELP[`${e.table}.name`]}`, e.table, e.i, "name");
    const first = names.get(e.name);
    if (first !== undefined) fail(`${label} repeats the credential name '${e.name}' of ${first}: give each credential its own name`, e.table, e.i, "name");
    names.set(e.name, label);
    if (e.kind === "token" && !isSha256Hex(e.digest)) {
      fail(`${label} '${e.name}' sha256 is not 64 hex digits: use ${KEY_HELP["token.sha256"]}; never put the secret itself in the config`, e.table, e.i, "sha256");
    }
    if (e.kind === "identity" && !isFingerprint(e.digest)) fail(`${label} '${e.name}' fingerprint is not sha256: and 64 hex digits: use ${KEY_HELP["identity.fingerprint"]}`, e.table, e.i, "fingerprint");
    const modules = Object.keys(e.modules);
    if (modules.length === 0) fail(`${label} '${e.name}' grants no module: use ${KEY_HELP[`${e.table}.modules`]}`, e.table, e.i, "modules");
    for (const m of modules) {
      if (!moduleNames.has(m)) {
        const known = moduleNames.size === 0 ? "none is configured" : `the modules are ${[...moduleNames].join(", ")}`;
        fail(`${label} '${e.name}' names the unknown module '${m}' (${known}): add a [[module]] named '${m}' or fix the name`, e.table, e.i, "modules");
      }
    }
    out.push({ kind: e.kind, name: e.name, digest: e.digest.toLowerCase(), modules: e.modules });
  }
  return out;
}

/** A `hosts_allow` / `hosts_deny` list as rules. */
function hostRulesOf(list: readonly string[] | undefined, key: "hosts_allow" | "hosts_deny", fail: Fail): HostRule[] {
  return (list ?? []).map((text) => parseHostRule(text) ?? fail(`[daemon] ${key} entry '${text}' is not an address or CIDR: use ${KEY_HELP[`daemon.${key}`]}`, "daemon", 0, key));
}

function isDirectory(abs: string): boolean {
  try {
    return statSync(abs).isDirectory();
  } catch {
    return false;
  }
}

function parseToml(text: string, file: string): unknown {
  try {
    return parse(text, { integersAsBigInt: "asNeeded" });
  } catch (e) {
    if (!(e instanceof TomlError)) throw e;
    const reason = (e.message.split("\n")[0] ?? "").replace(/^Invalid TOML document: /, "");
    throw new BlitError("USAGE", `${file}:${e.line}:${e.column}: invalid TOML: ${reason}: fix the syntax\n${e.codeblock}`, { file, line: e.line });
  }
}

function checkSchema(text: string, file: string, data: unknown): ConfigDocument {
  const tables = data as Record<string, unknown>;
  for (const name of ["daemon", "delegation", "tls"]) {
    if (Array.isArray(tables[name])) {
      const at = findKeyPosition(text, "", 0, name);
      throw new BlitError("USAGE", `${file}:${at.line}:${at.column}: [[${name}]] is an array of tables: write it once as [${name}]`, { file, key: name });
    }
  }
  const result = v.safeParse(CONFIG_SCHEMA, data, { abortEarly: true });
  if (result.success) return result.output;
  const issue = result.issues[0];
  const keys = (issue.path ?? []).map((p) => p.key);
  const table = typeof keys[0] === "string" && keys.length > 1 ? keys[0] : "";
  const index = typeof keys[1] === "number" ? keys[1] : 0;
  // A value inside an inline table (`modules = { backup = "rx" }`) is placed and explained at its key (`modules`).
  const key = String((keys.length > 3 ? keys[2] : keys.at(-1)) ?? "");
  const where = table === "" ? "at the top level" : ARRAY_TABLES.has(table) ? `in [[${table}]] #${index + 1}` : `in [${table}]`;
  const help = KEY_HELP[table === "" ? key : `${table}.${key}`];
  const unknown = issue.type === "strict_object" && issue.expected === "never";
  const missing = issue.type === "strict_object" && issue.received === "undefined";
  let message = `key '${key}' ${where} has the wrong value ${issue.received}: it takes ${help ?? issue.expected}`;
  if (unknown) message = `unknown key '${key}' ${where}: remove it or use one of ${(TABLE_KEYS[table] ?? []).join(", ")}`;
  if (missing) message = `missing key '${key}' ${where}: add ${help ?? key}`;
  const at = findKeyPosition(text, table, index, missing ? null : key);
  throw new BlitError("USAGE", `${file}:${at.line}:${at.column}: ${message}`, { file, line: at.line, key });
}
