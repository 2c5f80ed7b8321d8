import { describe, expect, test } from "bun:test";
import { CHECK_FLAGS, TRANSFER_FLAGS } from "../../../src/apps/cli/commands/flag-sets.ts";
import { toCheckCli, toTransferCli, type CliEnv } from "../../../src/apps/cli/transfer-args.ts";
import { parseFlags, type FlagDefs } from "../../../src/apps/toolkit/flag-parser.ts";
import type { Verb } from "../../../src/apps/engine/transfer-request.ts";
import { isBlitError, type ErrorCode } from "../../../src/domain/errors.ts";
import type { FilterRule } from "../../../src/domain/filter.ts";

const ENV: CliEnv = { env: {}, home: "/home/me" };

const parse = (args: string[], defs: FlagDefs, verb: string) => parseFlags(args, defs, { command: `blit ${verb}` });
const transfer = (args: string[], verb: Verb = "copy", env: CliEnv = ENV) => toTransferCli(verb, parse(args, TRANSFER_FLAGS, verb), env);
const check = (args: string[]) => toCheckCli(parse(args, CHECK_FLAGS, "check"), ENV);

/** The BlitError code `run` throws, or "none". */
function codeOf(run: () => unknown): ErrorCode | "none" {
  try {
    run();
    return "none";
  } catch (e) {
    if (isBlitError(e)) return e.code;
    throw e;
  }
}

const exc = (pattern: string): FilterRule => ({ type: "exclude", pattern });
const inc = (pattern: string): FilterRule => ({ type: "include", pattern });

describe("parseFlags + toTransferCli: --include/--exclude keep the order typed, across both flags", () => {
  test.each<[string, string[], FilterRule[]]>([
    ["none", ["a/", "b/"], []],
    ["separate values", ["--exclude", "*.tmp", "--include", "*.txt", "a/", "b/"], [exc("*.tmp"), inc("*.txt")]],
    ["= form", ["--include=*.txt", "--exclude=*", "a/", "b/"], [inc("*.txt"), exc("*")]],
    ["mixed forms, interleaved", ["--exclude", "x", "a/", "--include=y", "b/", "--exclude=z"], [exc("x"), inc("y"), exc("z")]],
    ["value with '=' inside", ["--exclude=a=b", "a/", "b/"], [exc("a=b")]],
    ["value starting with a dash", ["--exclude", "-rf", "a/", "b/"], [exc("-rf")]],
    ["empty = value kept (the filter rejects it)", ["--exclude=", "a/", "b/"], [exc("")]],
    ["after -- everything is positional", ["--exclude", "a", "--", "--exclude", "b"], [exc("a")]],
  ])("%s", (_label, args, rules) => {
    expect(parse(args, TRANSFER_FLAGS, "copy").sequence.map(({ name, value }) => ({ type: name, pattern: value }))).toEqual(rules);
  });
});

describe("parseFlags: switches, values and positionals", () => {
  test("short groups, aliases and long names land under the long name", () => {
    const scanned = parse(["-nv", "-y", "--checksum", "--max-delete", "3", "src/", "dst/"], TRANSFER_FLAGS, "copy");
    expect({ switches: [...scanned.switches].sort(), values: Object.fromEntries(scanned.values), positionals: scanned.positionals }).toEqual({
      switches: ["checksum", "dry-run", "verbose", "yes"],
      values: { "max-delete": ["3"] },
      positionals: ["src/", "dst/"],
    });
  });

  test("-- makes dash-leading names positional", () => {
    expect(parse(["-n", "--", "-odd/", "--dst/"], TRANSFER_FLAGS, "copy").positionals).toEqual(["-odd/", "--dst/"]);
  });

  test("a lone '-' is a positional", () => {
    expect(parse(["-", "b/"], TRANSFER_FLAGS, "copy").positionals).toEqual(["-", "b/"]);
  });

  test.each<[string, string[]]>([
    ["unknown long flag", ["--bogus", "a/", "b/"]],
    ["unknown short flag", ["-Q", "a/", "b/"]],
    ["unknown letter in a group", ["-nQ", "a/", "b/"]],
    ["negated flag", ["--no-dry-run", "a/", "b/"]],
    ["camelCase spelling", ["--dryRun", "a/", "b/"]],
    ["value given to a switch", ["--dry-run=yes", "a/", "b/"]],
    ["missing value at the end", ["a/", "b/", "--exclude"]],
    ["--help is not a verb flag (main handles it)", ["--help"]],
  ])("%s → USAGE", (_label, args) => {
    expect(codeOf(() => parse(args, TRANSFER_FLAGS, "copy"))).toBe("USAGE");
  });

  test("check does not take transfer-only flags", () => {
    expect(["--dry-run", "--ignore-times", "--max-delete=1", "-y"].map((f) => codeOf(() => parse([f, "a/", "b/"], CHECK_FLAGS, "check")))).toEqual([
      "USAGE",
      "USAGE",
      "USAGE",
      "USAGE",
    ]);
  });
});

describe("toTransferCli: the request", () => {
  test("defaults", () => {
    expect(transfer(["src/", "dst/"])).toEqual({
      request: {
        verb: "copy",
        source: "src/",
        destination: "dst/",
        compare: "quick",
        ignoreExisting: false,
        filter: { rules: [], filesFrom: null, minSize: null, maxSize: null },
        dryRun: false,
        maxDelete: null,
        resume: false,
        maxThreads: null,
        forceGrpcData: false,
      },
      filesFromPath: null,
      rulesFrom: null,
      output: { verbose: false, json: false, progress: null, quiet: false, itemize: false, sends: false },
      yes: false,
      retry: 0,
      waitSec: 1,
      logFile: null,
      forceGrpcData: false,
      notes: [],
    });
  });

  test("every flag", () => {
    const cli = transfer(
      ["-n", "-y", "-c", "--ignore-existing", "--exclude", "*.o", "--files-from", "list.txt", "--min-size", "1K", "--max-size=2M", "--max-delete", "0",
        "-v", "-p", "--json", "--resume", "--retry", "3", "--wait", "0.5", "--max-threads", "8", "--force-grpc-data", "./a", "/b/"],
      "mirror",
    );
    expect(cli).toEqual({
      request: {
        verb: "mirror",
        source: "./a",
        destination: "/b/",
        compare: "checksum",
        ignoreExisting: true,
        filter: { rules: [exc("*.o")], filesFrom: null, minSize: 1024, maxSize: 2 * 1024 * 1024 },
        dryRun: true,
        maxDelete: 0,
        resume: true,
        maxThreads: 8,
        forceGrpcData: true,
      },
      filesFromPath: "list.txt",
      rulesFrom: null,
      output: { verbose: true, json: true, progress: true, quiet: false, itemize: false, sends: false },
      yes: true,
      retry: 3,
      waitSec: 0.5,
      logFile: null,
      forceGrpcData: true,
      notes: [],
    });
  });

  test.each<[string, string, string]>([
    ["checksum", "-c", "checksum"],
    ["size-only", "--size-only", "size-only"],
    ["ignore-times", "--ignore-times", "ignore-times"],
  ])("compare mode %s", (_label, flag, mode) => {
    expect(transfer([flag, "a/", "b/"]).request.compare).toBe(mode as never);
  });

  test("BLIT_FORCE_GRPC_DATA=1 in the environment", () => {
    expect(transfer(["a/", "b/"], "copy", { ...ENV, env: { BLIT_FORCE_GRPC_DATA: "1" } }).forceGrpcData).toBe(true);
  });

  test("--ludicrous-speed is accepted and only leaves a note", () => {
    expect(transfer(["--ludicrous-speed", "a/", "b/"]).notes).toHaveLength(1);
  });

  test("the last of a repeated single-value flag wins", () => {
    expect(transfer(["--max-delete", "5", "--max-delete=7", "a/", "b/"]).request.maxDelete).toBe(7);
  });
});

describe("toTransferCli: refusals", () => {
  test.each<[string, string[], ErrorCode | "none"]>([
    ["-c with --size-only", ["-c", "--size-only", "a/", "b/"], "USAGE"],
    ["--ignore-times with --size-only", ["--ignore-times", "--size-only", "a/", "b/"], "USAGE"],
    ["--checksum with --ignore-times", ["--checksum", "--ignore-times", "a/", "b/"], "USAGE"],
    ["--ignore-existing with -c is fine", ["--ignore-existing", "-c", "a/", "b/"], "none" as ErrorCode],
    ["no operands", [], "USAGE"],
    ["one operand", ["a/"], "USAGE"],
    ["three operands", ["a/", "b/", "c/"], "USAGE"],
    ["bare word operands are local paths", ["a", "b"], "none"],
    ["a daemon address as an operand", ["a/", "host:9031"], "USAGE"],
    ["remote source", ["host:/m/", "b/"], "none"],
    ["remote destination", ["./a", "host://x"], "none"],
    ["remote without trailing slash", ["./a", "host:/m"], "USAGE"],
    ["bad size", ["--min-size", "10Q", "a/", "b/"], "USAGE"],
    ["min above max", ["--min-size", "2K", "--max-size", "1K", "a/", "b/"], "USAGE"],
    ["empty --files-from", ["--files-from=", "a/", "b/"], "USAGE"],
  ])("%s", (_label, args, code) => {
    expect(codeOf(() => transfer(args))).toBe(code);
  });
});

describe("toTransferCli: number flags", () => {
  const cases: [flag: string, value: string, ok: boolean][] = [
    ["--max-delete", "0", true],
    ["--max-delete", "12", true],
    ["--max-delete", "-1", false],
    ["--max-delete", "1.5", false],
    ["--max-delete", "1e3", false],
    ["--max-delete", "", false],
    ["--max-delete", "99999999999999999999", false],
    ["--max-threads", "1", true],
    ["--max-threads", "0", false],
    ["--max-threads", "two", false],
    ["--retry", "0", true],
    ["--retry", "-2", false],
    ["--wait", "0", true],
    ["--wait", "2.5", true],
    ["--wait", ".5", true],
    ["--wait", "-1", false],
    ["--wait", "1s", false],
    ["--wait", "Infinity", false],
  ];
  test.each(cases)("%s %p → ok %p", (flag, value, ok) => {
    expect(codeOf(() => transfer([flag, value, "a/", "b/"]))).toBe(ok ? ("none" as ErrorCode) : "USAGE");
  });
});

describe("--bwlimit and -i", () => {
  test.each<[string, number | undefined]>([
    ["10M", 10 * 1024 * 1024],
    ["500K", 500 * 1024],
    ["100", 100 * 1024], // rsync: a bare number is KiB
    ["1.5m", 1.5 * 1024 * 1024],
    ["1000B", 1024], // rounded to whole KiB, as rsync does
    ["0", undefined],
  ])("--bwlimit %s → %p bytes per second", (value, rate) => {
    expect(transfer(["--bwlimit", value, "a/", "b/"]).request.bwlimit).toBe(rate);
  });

  test.each(["fast", "-1", "10X", "100B"])("--bwlimit %s is USAGE", (value) => {
    expect(codeOf(() => transfer(["--bwlimit", value, "a/", "b/"]))).toBe("USAGE");
  });

  test("-i itemizes; the destination being remote makes a transfer's string start <", () => {
    expect(transfer(["-i", "a/", "b/"]).output).toMatchObject({ itemize: true, sends: false });
    expect(transfer(["--itemize-changes", "a/", "host:/m/b/"]).output).toMatchObject({ itemize: true, sends: true });
    expect(transfer(["host:/m/a/", "b/"]).output).toMatchObject({ itemize: false, sends: false });
  });
});

describe("toCheckCli", () => {
  test("compare, filters and output", () => {
    expect(check(["-c", "--include", "*.c", "--exclude=*", "--json", "src/", "dst/"])).toEqual({
      source: "src/",
      destination: "dst/",
      compare: "checksum",
      filter: { rules: [inc("*.c"), exc("*")], filesFrom: null, minSize: null, maxSize: null },
      filesFromPath: null,
      rulesFrom: null,
      output: { verbose: false, json: true, progress: null, quiet: false, itemize: false, sends: false },
      maxThreads: null,
      notes: [],
    });
  });

  test.each<[string, string[], ErrorCode | "none"]>([
    ["conflicting compare flags", ["-c", "--size-only", "a/", "b/"], "USAGE"],
    ["remote end", ["a/", "[::1]:/m/"], "none"],
    ["missing DST", ["a/"], "USAGE"],
  ])("%s", (_label, args, code) => {
    expect(codeOf(() => check(args))).toBe(code);
  });
});

