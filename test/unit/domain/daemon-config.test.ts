// domain/daemon-config.ts: `allowed_sources` entries and the check a delegated pull must pass.
import { describe, expect, test } from "bun:test";
import { isAllowedSource, toAllowedSource, type AllowedSource } from "../../../src/domain/daemon-config.ts";

describe("toAllowedSource", () => {
  test.each<[string, AllowedSource | null]>([
    ["nas", { host: "nas", port: null }],
    ["NAS.lan:9031", { host: "nas.lan", port: 9031 }],
    ["10.0.0.7:1234", { host: "10.0.0.7", port: 1234 }],
    ["[::1]", { host: "::1", port: null }],
    ["[2001:db8::1]:9031", { host: "2001:db8::1", port: 9031 }],
    ["nas:/m/", null],
    ["nas:0", null],
    ["", null],
    ["a b", null],
  ])("%s", (text, expected) => {
    expect(toAllowedSource(text)).toEqual(expected);
  });
});

describe("isAllowedSource", () => {
  const allowed = ["nas", "10.0.0.7:9031", "[::1]:4000"].map((s) => toAllowedSource(s)!);
  test.each<[string, number, boolean]>([
    ["nas", 1, true],
    ["NAS", 9031, true],
    ["10.0.0.7", 9031, true],
    ["10.0.0.7", 9032, false],
    ["::1", 4000, true],
    ["::1", 9031, false],
    ["nas.lan", 9031, false],
    ["127.0.0.1", 9031, false],
  ])("%s port %d: %p", (host, port, expected) => {
    expect(isAllowedSource(allowed, host, port)).toBe(expected);
  });
  test("nothing listed allows nothing", () => {
    expect(isAllowedSource([], "nas", 9031)).toBe(false);
  });
});
