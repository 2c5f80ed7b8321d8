import { expect, test } from "bun:test";
import { AuthBackoff } from "../../../src/domain/auth-backoff.ts";
import { hostRefusal, parseHostRule, type HostRule } from "../../../src/domain/host-rules.ts";

const rules = (list: string[]): HostRule[] => list.map((t) => parseHostRule(t) ?? (() => { throw new Error(t); })());

test("host rules: IPv4 and IPv6 addresses and CIDRs, deny before allow, mapped IPv4", () => {
  const r = { allow: rules(["10.0.0.0/8", "fd00::/8", "::1"]), deny: rules(["10.0.0.13"]) };
  expect(hostRefusal(r, "10.1.2.3")).toBeNull();
  expect(hostRefusal(r, "::ffff:10.1.2.3")).toBeNull();
  expect(hostRefusal(r, "fd12:3456::1")).toBeNull();
  expect(hostRefusal(r, "::1")).toBeNull();
  expect(hostRefusal(r, "10.0.0.13")).toBe("hosts_deny entry 10.0.0.13");
  expect(hostRefusal(r, "11.0.0.1")).toBe("not in hosts_allow");
  expect(hostRefusal(r, "fe80::1")).toBe("not in hosts_allow");
  expect(hostRefusal({ allow: [], deny: [] }, "anything")).toBeNull();
  for (const bad of ["10.0.0.0/33", "256.0.0.1", "1.2.3", "::1/129", "gggg::1", "1::2::3", "nas"]) expect(parseHostRule(bad)).toBeNull();
  expect(parseHostRule("0.0.0.0/0")?.bits).toBe(0);
});

test("auth back-off: first failure at once, then doubling to a cap; the table stays bounded", () => {
  const b = new AuthBackoff();
  const delays = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => b.fail("10.0.0.1", i * 10));
  expect(delays).toEqual([0, 250, 500, 1000, 2000, 4000, 4000, 4000]);
  expect(b.fail("10.0.0.1", 1_000_000)).toBe(0);
  for (let i = 0; i < 10_000; i++) b.fail(`a${i}`, 2_000_000);
  expect(b.size).toBeLessThanOrEqual(4096);
});
