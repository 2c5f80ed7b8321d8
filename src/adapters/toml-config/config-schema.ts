/**
 * The valibot schema of the daemon configuration file (SPEC §5) and the help shown for each key
 * when its value is wrong.
 */
import * as v from "valibot";

const port = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65535));

const DAEMON = v.strictObject({
  bind: v.optional(v.string()),
  port: v.optional(port),
  data_port: v.optional(port),
  hosts_allow: v.optional(v.array(v.string())),
  hosts_deny: v.optional(v.array(v.string())),
  max_connections: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000))),
  motd: v.optional(v.string()),
  no_mdns: v.optional(v.boolean()),
  mdns_name: v.optional(v.string()),
  mdns_interfaces: v.optional(v.array(v.string())),
  root: v.optional(v.string()),
  root_read_only: v.optional(v.boolean()),
  state_dir: v.optional(v.string()),
});

const TLS = v.strictObject({
  enabled: v.optional(v.boolean()),
  cert: v.optional(v.string()),
  key: v.optional(v.string()),
  client_ca: v.optional(v.string()),
});

const MODULE = v.strictObject({
  name: v.string(),
  path: v.string(),
  comment: v.optional(v.string()),
  read_only: v.optional(v.boolean()),
  use_chroot: v.optional(v.boolean()),
  keep_owners: v.optional(v.boolean()),
});

const DELEGATION = v.strictObject({
  allow: v.optional(v.boolean()),
  allowed_sources: v.optional(v.array(v.string())),
  known_hosts: v.optional(v.string()),
  token_file: v.optional(v.string()),
});

const GRANTS = v.record(v.string(), v.picklist(["ro", "rw"]));

const TOKEN = v.strictObject({
  name: v.string(),
  sha256: v.string(),
  modules: GRANTS,
});

const IDENTITY = v.strictObject({
  name: v.string(),
  fingerprint: v.string(),
  modules: GRANTS,
});

/** The whole document. */
export const CONFIG_SCHEMA = v.strictObject({
  daemon: v.optional(DAEMON),
  module: v.optional(v.array(MODULE)),
  delegation: v.optional(DELEGATION),
  tls: v.optional(TLS),
  token: v.optional(v.array(TOKEN)),
  identity: v.optional(v.array(IDENTITY)),
});

export type ConfigDocument = v.InferOutput<typeof CONFIG_SCHEMA>;

/** The keys each table accepts, for "unknown key" messages. */
export const TABLE_KEYS: Readonly<Record<string, readonly string[]>> = {
  "": ["[daemon]", "[[module]]", "[delegation]", "[tls]", "[[token]]", "[[identity]]"],
  daemon: Object.keys(DAEMON.entries),
  module: Object.keys(MODULE.entries),
  delegation: Object.keys(DELEGATION.entries),
  tls: Object.keys(TLS.entries),
  token: Object.keys(TOKEN.entries),
  identity: Object.keys(IDENTITY.entries),
};

/** What each key takes, with an example; shown when its value is wrong or missing. */
export const KEY_HELP: Readonly<Record<string, string>> = {
  "daemon.bind": 'an address in quotes, e.g. bind = "0.0.0.0"',
  "daemon.port": "a whole number from 0 to 65535 (0 = any free port), e.g. port = 9031",
  "daemon.data_port": "a whole number from 0 to 65535 (0 = any free port), e.g. data_port = 9032",
  "daemon.hosts_allow": 'a list of addresses and CIDRs, e.g. hosts_allow = ["10.0.0.0/8", "::1"]',
  "daemon.hosts_deny": 'a list of addresses and CIDRs, e.g. hosts_deny = ["192.168.1.13", "fd00::/8"]',
  "daemon.max_connections": "a whole number of at least 1, e.g. max_connections = 100",
  "daemon.motd": 'text in quotes, e.g. motd = "Welcome"',
  "daemon.no_mdns": "true or false, e.g. no_mdns = true",
  "daemon.mdns_name": 'text in quotes, e.g. mdns_name = "blit@myhost"',
  "daemon.mdns_interfaces": 'a list of interface names, e.g. mdns_interfaces = ["eth0"]',
  "daemon.root": 'a directory in quotes, e.g. root = "/srv/blit"',
  "daemon.root_read_only": "true or false, e.g. root_read_only = true",
  "daemon.state_dir": 'a directory in quotes (the daemon keeps its TLS identity there), e.g. state_dir = "/var/lib/blit"',
  "tls.enabled": "true or false (false = plaintext), e.g. enabled = true",
  "tls.cert": 'a PEM certificate chain file in quotes, with key, e.g. cert = "/etc/blit/tls/cert.pem"',
  "tls.key": 'a PEM private key file in quotes, with cert, e.g. key = "/etc/blit/tls/key.pem"',
  "tls.client_ca": 'a PEM CA file client certificates must chain to (mTLS), e.g. client_ca = "/etc/blit/clients.pem"',
  "delegation.known_hosts": 'a known-hosts file for the source daemons, e.g. known_hosts = "/var/lib/blit/known_hosts"',
  "module.name": 'a name of A-Z a-z 0-9 . _ - in quotes, e.g. name = "backup"',
  "module.path": 'an existing directory in quotes, e.g. path = "/mnt/backups"',
  "module.comment": 'text in quotes, e.g. comment = "Nightly backups"',
  "module.read_only": "true or false, e.g. read_only = true",
  "module.use_chroot": "true or false, e.g. use_chroot = true",
  "module.keep_owners": "true or false (true only for a backup box restoring whole systems), e.g. keep_owners = false",
  "delegation.allow": "true or false, e.g. allow = true",
  "delegation.allowed_sources": 'a list of daemon addresses (host, or host:port for one port only), e.g. allowed_sources = ["nas", "10.0.0.7:9031"]',
  "delegation.token_file": 'a file holding the token this daemon presents to source daemons, e.g. token_file = "/etc/blit/delegation.token"',
  "token.name": 'a name in quotes (shown in logs), e.g. name = "nightly"',
  "token.sha256": 'the SHA-256 of the secret as 64 hex digits (blit-daemon token new prints it), e.g. sha256 = "9f86d081…"',
  "token.modules": 'an inline table of module = "ro" or "rw", e.g. modules = { backup = "rw", media = "ro" }',
  "identity.name": 'a name in quotes (shown in logs), e.g. name = "laptop"',
  "identity.fingerprint": 'a client certificate fingerprint, e.g. fingerprint = "sha256:9f86d081…" (64 hex digits)',
  "identity.modules": 'an inline table of module = "ro" or "rw", e.g. modules = { backup = "ro" }',
  daemon: "a table: [daemon]",
  module: "an array of tables: [[module]]",
  delegation: "a table: [delegation]",
  tls: "a table: [tls]",
  token: "an array of tables: [[token]]",
  identity: "an array of tables: [[identity]]",
};
