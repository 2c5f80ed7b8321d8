import { describe, expect, test } from "bun:test";
import {
  DEFAULT_PORT,
  formatEndpoint,
  isRemote,
  parseDaemonAddress,
  parseEndpoint,
  parseTransferEnd,
} from "../../../src/domain/endpoint.ts";
import type { DaemonEndpoint, LocalEndpoint, ParseEndpointOptions, RemoteEndpoint } from "../../../src/domain/endpoint.ts";
import { isBlitError } from "../../../src/domain/errors.ts";

const OPTS: ParseEndpointOptions = { home: "/home/me" };

const local = (raw: string, path: string, contentsOnly = false): LocalEndpoint => ({
  kind: "local",
  raw,
  path,
  contentsOnly,
  trailingSlash: contentsOnly,
});

const remote = (raw: string, host: string, port: number, module: string | null, path: string, contentsOnly = false): RemoteEndpoint => ({
  kind: "remote",
  raw,
  host,
  port,
  module,
  path,
  contentsOnly,
  trailingSlash: contentsOnly,
});

const daemon = (raw: string, host: string, port = DEFAULT_PORT): DaemonEndpoint => ({ kind: "daemon", raw, host, port });

/** Runs `fn`, expecting a BlitError; returns it. */
function caught(fn: () => unknown): { code: string; message: string; details: Readonly<Record<string, string | number>> } {
  try {
    fn();
  } catch (e) {
    if (isBlitError(e)) return e;
    throw e;
  }
  throw new Error("expected a BlitError");
}

describe("parseEndpoint: local forms", () => {
  test.each([
    ["/abs/path", local("/abs/path", "/abs/path")],
    ["/abs/dir/", local("/abs/dir/", "/abs/dir", true)],
    ["/abs/dir/.", local("/abs/dir/.", "/abs/dir", true)],
    ["/", local("/", "/", true)],
    ["//x//y/", local("//x//y/", "/x/y", true)],
    ["./rel", local("./rel", "rel")],
    ["./rel/", local("./rel/", "rel", true)],
    ["../x", local("../x", "../x")],
    ["../x/..", local("../x/..", "../x/..", true)],
    [".", local(".", ".", true)],
    ["..", local("..", "..", true)],
    ["./", local("./", ".", true)],
    ["~/x", local("~/x", "/home/me/x")],
    ["~/", local("~/", "/home/me", true)],
    ["~", local("~", "/home/me")],
    ["rel/path", local("rel/path", "rel/path")],
    ["a/./b//c", local("a/./b//c", "a/b/c")],
    ["a:b/c", local("a:b/c", "a:b/c")],
    ["./host:/m/", local("./host:/m/", "host:/m", true)],
    ["/x/y:z", local("/x/y:z", "/x/y:z")],
    ["./a\\b", local("./a\\b", "a\\b")],
    ["./ünï/çødé", local("./ünï/çødé", "ünï/çødé")],
    ["~user/x", local("~user/x", "~user/x")],
  ])("%p", (input, expected) => {
    expect(parseEndpoint(input, OPTS)).toEqual(expected);
  });

  test.each([
    ["./rel", local("./rel", "/cwd/rel")],
    ["rel/x/", local("rel/x/", "/cwd/rel/x", true)],
    [".", local(".", "/cwd", true)],
    ["../up", local("../up", "/cwd/../up")],
    ["/abs", local("/abs", "/abs")],
    ["~/x", local("~/x", "/home/me/x")],
  ])("with cwd /cwd: %p", (input, expected) => {
    expect(parseEndpoint(input, { ...OPTS, cwd: "/cwd" })).toEqual(expected);
  });
});

describe("parseEndpoint: remote forms", () => {
  test.each([
    ["host:/module/", remote("host:/module/", "host", 9031, "module", "", true)],
    ["host:/module/sub/path", remote("host:/module/sub/path", "host", 9031, "module", "sub/path")],
    ["host:/module/sub/dir/", remote("host:/module/sub/dir/", "host", 9031, "module", "sub/dir", true)],
    ["host:/module/sub/.", remote("host:/module/sub/.", "host", 9031, "module", "sub", true)],
    ["host:/m//a/./b", remote("host:/m//a/./b", "host", 9031, "m", "a/b")],
    ["host:/m.v2_x-y/", remote("host:/m.v2_x-y/", "host", 9031, "m.v2_x-y", "", true)],
    ["host://", remote("host://", "host", 9031, null, "", true)],
    ["host://sub/path", remote("host://sub/path", "host", 9031, null, "sub/path")],
    ["host:///sub/", remote("host:///sub/", "host", 9031, null, "sub", true)],
    ["host:9000:/m/x", remote("host:9000:/m/x", "host", 9000, "m", "x")],
    ["host:1://", remote("host:1://", "host", 1, null, "", true)],
    ["host:65535:/m/", remote("host:65535:/m/", "host", 65535, "m", "", true)],
    ["10.0.0.2:/m/a", remote("10.0.0.2:/m/a", "10.0.0.2", 9031, "m", "a")],
    ["nas.local:/m/a:b", remote("nas.local:/m/a:b", "nas.local", 9031, "m", "a:b")],
    ["[::1]:/m/", remote("[::1]:/m/", "::1", 9031, "m", "", true)],
    ["[2001:db8::1]:9031:/m/x", remote("[2001:db8::1]:9031:/m/x", "2001:db8::1", 9031, "m", "x")],
    ["[fe80::1%eth0]:7000://d/", remote("[fe80::1%eth0]:7000://d/", "fe80::1%eth0", 7000, null, "d", true)],
    ["host:/m/ünï/çødé", remote("host:/m/ünï/çødé", "host", 9031, "m", "ünï/çødé")],
  ])("%p", (input, expected) => {
    expect(parseEndpoint(input)).toEqual(expected);
  });
});

describe("parseEndpoint and parseDaemonAddress: daemon forms", () => {
  test.each([
    ["host", daemon("host", "host")],
    ["host:9000", daemon("host:9000", "host", 9000)],
    ["10.1.2.3", daemon("10.1.2.3", "10.1.2.3")],
    ["[::1]", daemon("[::1]", "::1")],
    ["[::1]:9032", daemon("[::1]:9032", "::1", 9032)],
  ])("%p", (input, expected) => {
    expect(parseEndpoint(input)).toEqual(expected);
    expect(parseDaemonAddress(input)).toEqual(expected);
  });
});

describe("'..' that leaves the module is PATH_ESCAPE (exit 4); inside it, it is resolved", () => {
  test.each([["host:/m/../x"], ["host://a/../../x"], ["host:/m/a/../../b/"]])("%s escapes", (input) => {
    const err = caught(() => parseEndpoint(input));
    expect({ code: err.code, input: err.details.input, names: err.message.includes("'..'") }).toEqual({ code: "PATH_ESCAPE", input, names: true });
  });
  test("a/../b stays inside and means b", () => {
    expect((parseEndpoint("host:/m/a/../b") as RemoteEndpoint).path).toBe("b");
  });
});

describe("errors are USAGE and name the input", () => {
  test.each([
    ["", "empty"],
    ["a\0b/c", "NUL byte"],
    ["host:/m/a\0", "NUL byte"],
    ["host:/module", "ambiguous"],
    ["host:9000:/module", "ambiguous"],
    ["host:/", "names no module"],
    ["host:/a b/", "invalid module name"],
    ["host:/../x", "invalid module name"],
    ["host:/./x", "invalid module name"],
    ["host:/m/a\\b", "backslash"],
    ["host:/m\\x/", "backslash"],
    [":/m/", "empty host"],
    ["a/b:/m/", "invalid host"],
    ["ho st:/m/", "invalid host"],
    ["host:0:/m/", "invalid port"],
    ["host:65536:/m/", "invalid port"],
    ["host:123456:/m/", "invalid port"],
    ["host:-1:/m/", "invalid port"],
    ["host:http:/m/", "invalid port"],
    ["2001:db8::1:/m/", "brackets"],
    ["[::1:/m/", "unclosed"],
    ["[]:/m/", "invalid IPv6"],
    ["[zz]:/m/", "invalid IPv6"],
    ["[::1]x:/m/", "after ']'"],
    ["host:", "invalid port"],
    ["host:0", "invalid port"],
    ["host:99999", "invalid port"],
    ["::1", "brackets"],
    ["~/x", "home directory is unknown"],
  ])("%p → %p", (input, words) => {
    const err = caught(() => parseEndpoint(input, input === "~/x" ? {} : OPTS));
    expect({ code: err.code, input: err.details.input, hasWords: err.message.includes(words) }).toEqual({
      code: "USAGE",
      input,
      hasWords: true,
    });
  });

  test("an ambiguous module path says to add a trailing slash, with the input and the fix", () => {
    const err = caught(() => parseEndpoint("backup:/data"));
    expect(err.message).toBe(
      "'backup:/data' is ambiguous: a module path must end with a slash. Add a trailing slash: backup:/data/",
    );
  });

  test("a NUL byte is shown escaped in the message", () => {
    expect(caught(() => parseEndpoint("a\0b/")).message).toContain("'a\\x00b/'");
  });
});

describe("parseTransferEnd", () => {
  test.each([
    ["./x", local("./x", "x")],
    ["host:/m/x", remote("host:/m/x", "host", 9031, "m", "x")],
  ])("accepts %p", (input, expected) => {
    expect(parseTransferEnd(input, OPTS)).toEqual(expected);
  });

  test.each([
    ["notes", "/work/notes"],
    ["host", "/work/host"],
    ["backup.2024", "/work/backup.2024"],
  ])("takes the bare word %p as a local path", (input, path) => {
    expect(parseTransferEnd(input, { cwd: "/work" })).toMatchObject({ kind: "local", path, contentsOnly: false });
  });

  test.each(["host:9000", "[::1]:9000", "[::1]", "a:b", "host:"])("refuses the daemon address or word with ':' %p", (input) => {
    const err = caught(() => parseTransferEnd(input));
    expect({ code: err.code, names: err.message.includes(`'${input}'`), hint: err.message.includes(":/module/"), local: err.message.includes(`./${input}`) }).toEqual({
      code: "USAGE",
      names: true,
      hint: true,
      local: true,
    });
  });

  test("host:port names the module form host:port:/module/", () => {
    expect(caught(() => parseTransferEnd("backup:9000")).message).toContain("backup:9000:/module/");
  });

  test("still refuses malformed remote input", () => {
    expect(caught(() => parseTransferEnd("host:/m")).code).toBe("USAGE");
  });
});

describe("parseDaemonAddress", () => {
  test.each(["host:/m/", "host://", "./x", "a/b", ""])("refuses %p", (input) => {
    expect(caught(() => parseDaemonAddress(input)).code).toBe("USAGE");
  });
});

describe("formatEndpoint", () => {
  test.each([
    ["/abs/dir/", "/abs/dir/"],
    ["./rel", "./rel"],
    ["rel/path", "./rel/path"],
    [".", "."],
    ["..", ".."],
    ["../x/", "../x/"],
    ["/", "/"],
    ["./host:/m/", "./host:/m/"],
    ["host:/m/", "host:/m/"],
    ["host:9031:/m/a/", "host:/m/a/"],
    ["host:9000://a/b", "host:9000://a/b"],
    ["[::1]:/m/x", "[::1]:/m/x"],
    ["[::1]:9000", "[::1]:9000"],
    ["host:9031", "host"],
  ])("%p → %p and round-trips", (input, text) => {
    const e = parseEndpoint(input, OPTS);
    expect(formatEndpoint(e)).toBe(text);
    expect({ ...parseEndpoint(text, OPTS), raw: input }).toEqual(e);
  });
});

test("isRemote tells remote paths apart", () => {
  expect([parseEndpoint("h:/m/"), parseEndpoint("./h"), parseEndpoint("h")].map(isRemote)).toEqual([true, false, false]);
});
