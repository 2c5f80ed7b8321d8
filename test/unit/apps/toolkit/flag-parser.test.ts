import { describe, expect, test } from "bun:test";
import { parseFlags, wantsJson, wholeNumber, type FlagDefs } from "../../../../src/apps/toolkit/flag-parser.ts";
import { isBlitError } from "../../../../src/domain/errors.ts";

const DEFS = {
  yes: { type: "boolean", short: "y", description: "" },
  verbose: { type: "boolean", short: "v", description: "" },
  exclude: { type: "string", valueHint: "GLOB", description: "" },
  limit: { type: "string", valueHint: "N", description: "" },
  json: { type: "boolean", description: "" },
} as const satisfies FlagDefs;

const CONTEXT = { command: "prog verb", hint: (o: string) => (o === "-a" ? "already the default" : null), examples: { limit: "10" } };

/** The USAGE message `argv` is refused with (or "accepted"). */
function refusal(argv: string[]): string {
  try {
    parseFlags(argv, DEFS, CONTEXT);
    return "accepted";
  } catch (e) {
    if (isBlitError(e) && e.code === "USAGE") return e.message;
    throw e;
  }
}

describe("parseFlags", () => {
  test("long, = and short forms, groups and positionals land under the long names", () => {
    const p = parseFlags(["-yv", "--exclude", "a", "x", "--exclude=b", "--limit", "3", "y"], DEFS, CONTEXT);
    expect({ switches: [...p.switches].sort(), values: Object.fromEntries(p.values), sequence: p.sequence, positionals: p.positionals }).toEqual({
      switches: ["verbose", "yes"],
      values: { exclude: ["a", "b"], limit: ["3"] },
      sequence: [{ name: "exclude", value: "a" }, { name: "exclude", value: "b" }, { name: "limit", value: "3" }],
      positionals: ["x", "y"],
    });
  });

  test("a value may start with one dash; after -- everything is positional", () => {
    const p = parseFlags(["--exclude", "-rf", "--limit", "-1", "--", "--json", "-y"], DEFS, CONTEXT);
    expect([p.values.get("exclude"), p.values.get("limit"), p.positionals, p.switches.size]).toEqual([["-rf"], ["-1"], ["--json", "-y"], 0]);
  });

  test.each<[string, string[], string]>([
    ["an unknown long flag", ["--bogus"], "unknown option '--bogus' (see 'prog verb --help')"],
    ["an unknown letter in a group", ["-yZ"], "unknown option '-Z' in '-yZ' (see 'prog verb --help')"],
    ["a long name typed as one letter", ["-j"], "unknown option '-j' (see 'prog verb --help')"],
    ["a foreign spelling, with its hint", ["-a"], "unknown option '-a': already the default (see 'prog verb --help')"],
    ["a value given to a switch", ["--yes=no"], "--yes takes no value (got 'no'): write --yes (see 'prog verb --help')"],
    ["a missing value", ["--limit"], "--limit needs a value, e.g. --limit 10 (see 'prog verb --help')"],
    ["a flag where the value goes", ["--exclude", "--json"], "--exclude needs a value, e.g. --exclude GLOB (got the flag '--json'; a value starting with '--' is written --exclude=VALUE) (see 'prog verb --help')"],
  ])("%s is USAGE naming it and the fix", (_label, argv, message) => {
    expect(refusal(argv)).toBe(message);
  });

  test("a value starting with -- is accepted in the = form", () => {
    expect(parseFlags(["--exclude=--json"], DEFS, CONTEXT).values.get("exclude")).toEqual(["--json"]);
  });
});

describe("wantsJson and wholeNumber", () => {
  test.each<[string[], boolean]>([
    [["--json", "a"], true],
    [["a", "--", "--json"], false],
    [["--jsonx"], false],
  ])("wantsJson(%j) = %p", (argv, wanted) => {
    expect(wantsJson(argv)).toBe(wanted);
  });

  test("wholeNumber: the fallback, a number, or USAGE naming the flag", () => {
    expect([wholeNumber("--limit", undefined, 7), wholeNumber("--limit", "12", 0)]).toEqual([7, 12]);
    expect(() => wholeNumber("--limit", "x", 0)).toThrow("invalid --limit 'x'");
  });
});
