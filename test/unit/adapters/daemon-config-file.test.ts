import { describe, expect, test } from "bun:test";
import { parseDaemonConfig } from "../../../src/adapters/toml-config/index.ts";
import { isBlitError } from "../../../src/domain/errors.ts";

const FILE = "/etc/blit/config.toml";
const DIRS = new Set(["/srv/blit", "/mnt/backups", "/data", "/etc/blit/rel"]);
const isDir = (p: string): boolean => DIRS.has(p);

const FULL = `
[daemon]
bind = "127.0.0.1"
port = 9031
motd = "Welcome"
no_mdns = true
mdns_name = "blit@test"
root = "/srv/blit"
root_read_only = true

[[module]]
name = "backup"
path = "/mnt/backups"
comment = "Nightly backups"
read_only = true
use_chroot = false
keep_owners = true

[[module]]
name = "rel"
path = "rel"

[delegation]
allow = true
allowed_sources = ["nas:9031"]
`;

describe("parseDaemonConfig", () => {
  test("a complete file", () => {
    expect(parseDaemonConfig(FULL, FILE, isDir)).toEqual({
      file: FILE,
      bind: "127.0.0.1",
      port: 9031,
      motd: "Welcome",
      noMdns: true,
      mdnsName: "blit@test",
      root: "/srv/blit",
      rootReadOnly: true,
      modules: [
        { name: "backup", path: "/mnt/backups", comment: "Nightly backups", readOnly: true, useChroot: false, keepOwners: true },
        { name: "rel", path: "/etc/blit/rel", comment: "", readOnly: false, useChroot: true, keepOwners: false },
      ],
      delegation: { allow: true, allowedSources: ["nas:9031"] },
      tls: { enabled: true },
      hosts: { allow: [], deny: [] },
      credentials: [],
    });
  });

  test("an empty file: defaults, and no key the flags could supply", () => {
    expect(parseDaemonConfig("", FILE, isDir)).toEqual({
      file: FILE,
      motd: "",
      rootReadOnly: false,
      modules: [],
      tls: { enabled: true },
      hosts: { allow: [], deny: [] },
      credentials: [],
      delegation: { allow: false, allowedSources: [] },
    });
  });

  test.each<[string, string, number, string]>([
    ["TOML syntax", '[daemon]\nport = = 3\n', 2, "invalid TOML"],
    ["a redefined table", "[daemon]\nport = 1\n[daemon]\nbind = \"x\"\n", 3, "invalid TOML"],
    ["unknown key in [daemon]", '[daemon]\nbind = "x"\nprot = 9031\n', 3, "unknown key 'prot' in [daemon]: remove it or use one of bind, port"],
    ["unknown table", '[daemon]\nport = 1\n\n[deamon]\nport = 2\n', 4, "unknown key 'deamon' at the top level"],
    ["unknown top-level key", 'port = 9031\n', 1, "unknown key 'port' at the top level"],
    ["port of the wrong type", '[daemon]\nport = "9031"\n', 2, "key 'port' in [daemon] has the wrong value \"9031\": it takes a whole number"],
    ["port out of range", "[daemon]\n\nport = 70000\n", 3, "it takes a whole number from 0 to 65535"],
    ["port beyond 64 bits of float", "[daemon]\nport = 9007199254740993\n", 2, "key 'port' in [daemon] has the wrong value"],
    ["fractional port", "[daemon]\nport = 90.5\n", 2, "key 'port' in [daemon] has the wrong value"],
    ["boolean as string", '[daemon]\nno_mdns = "yes"\n', 2, "it takes true or false"],
    ["[[daemon]] instead of [daemon]", '[[daemon]]\nport = 1\n', 1, "[[daemon]] is an array of tables: write it once as [daemon]"],
    ["invalid module name", '[[module]]\nname = "a b"\npath = "/data"\n', 2, "[[module]] #1 name 'a b' is not a valid module name"],
    ["module name '..'", '[[module]]\nname = ".."\npath = "/data"\n', 2, "is not a valid module name"],
    ["duplicate module names", '[[module]]\nname = "m"\npath = "/data"\n\n[[module]]\nname = "m"\npath = "/data"\n', 6, "[[module]] #2 repeats the module name 'm' of [[module]] #1"],
    ["module without path", '[[module]]\nname = "m"\npath = "/data"\n\n[[module]]\nname = "n"\n', 5, "missing key 'path' in [[module]] #2: add an existing directory"],
    ["module path missing on disk", '[[module]]\nname = "m"\npath = "/nope"\n', 3, "module 'm' path '/nope' is not an existing directory: create it or fix the path"],
    ["unknown module key", '[[module]]\nname = "m"\npath = "/data"\nreadonly = true\n', 4, "unknown key 'readonly' in [[module]] #1: remove it or use one of name, path, comment, read_only, use_chroot, keep_owners"],
    ["keep_owners not a boolean", '[[module]]\nname = "m"\npath = "/data"\nkeep_owners = "yes"\n', 4, "key 'keep_owners' in [[module]] #1 has the wrong value \"yes\": it takes true or false"],
    ["root missing on disk", '[daemon]\nroot = "/nope"\n', 2, "[daemon] root '/nope' is not an existing directory"],
    ["allowed_sources not a list", '[delegation]\nallowed_sources = "nas"\n', 2, "it takes a list of daemon addresses"],
    ["allowed_sources entry with a path", '[delegation]\nallow = true\n\nallowed_sources = ["nas:/m/"]\n', 4, "[delegation] allowed_sources entry 'nas:/m/' is not a daemon address: use a list of daemon addresses"],
    ["allowed_sources entry with a bad port", '[delegation]\nallowed_sources = ["nas:70000"]\n', 2, "entry 'nas:70000' is not a daemon address"],
    ["delegation allowed from no source", '[delegation]\nallow = true\n', 2, "[delegation] allow = true needs the daemons it may pull from: add a list of daemon addresses"],
    ["allow not a boolean", '[delegation]\nallow = "yes"\n', 2, "key 'allow' in [delegation] has the wrong value \"yes\": it takes true or false"],
  ])("%s: USAGE naming the line, the key and the fix", (_name, text, line, fragment) => {
    let caught: unknown;
    try {
      parseDaemonConfig(text, FILE, isDir);
    } catch (e) {
      caught = e;
    }
    if (!isBlitError(caught)) throw new Error(`expected a BlitError, got ${String(caught)}`);
    expect(caught.code).toBe("USAGE");
    expect(caught.message).toStartWith(`${FILE}:${line}:`);
    expect(caught.message).toContain(fragment);
  });
});

describe("[tls]", () => {
  test("paths are resolved against the file's folder; cert without key is refused naming both", () => {
    expect(parseDaemonConfig('[tls]\ncert = "c.pem"\nkey = "/k.pem"\nclient_ca = "ca.pem"\n', FILE, isDir).tls).toEqual({ enabled: true, cert: "/etc/blit/c.pem", key: "/k.pem", clientCa: "/etc/blit/ca.pem" });
    expect(() => parseDaemonConfig('[tls]\ncert = "c.pem"\n', FILE, isDir)).toThrow(/\[tls\] cert needs key too/);
    expect(parseDaemonConfig("[tls]\nenabled = false\n", FILE, isDir).tls.enabled).toBe(false);
  });
});
