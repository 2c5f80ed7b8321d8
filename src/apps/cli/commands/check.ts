import type { ParsedFlags } from "../../toolkit/flag-parser.ts";
import { err } from "../../toolkit/output.ts";

/**
 * `blit check SRC DST`: compares two trees and changes nothing. Exit 0 when identical, 1 when they
 * differ (each difference on stdout as `<reason>\t<path>`, or the CheckReport with --json).
 */
export async function run(args: ParsedFlags): Promise<number> {
  const [run, { toCheckCli }, { checkExitCode }] = await Promise.all([import("../run-command.ts"), import("../transfer-args.ts"), import("../../toolkit/error-report.ts")]);
  return run.runVerb(async (signal) => {
    const cli = toCheckCli(args, run.processEnv());
    for (const note of cli.notes) err(`blit: ${note}\n`);
    const { readFilterFiles } = await import("../filter-files.ts");
    const filter = await readFilterFiles(cli.filter, cli.filesFromPath, cli.rulesFrom);
    const reporter = run.createCliReporter(cli.output);
    try {
      const [{ runCheck }, { createEngineDeps }, { printCheckReport }] = await Promise.all([
        import("../../engine/check.ts"),
        import("../../compose.ts"),
        import("../summary-print.ts"),
      ]);
      const deps = createEngineDeps({ reporter, confirm: null, signal, maxThreads: cli.maxThreads });
      const { source, destination, compare } = cli;
      const report = await runCheck({ source, destination, compare, filter }, deps);
      reporter.close();
      run.emit(printCheckReport(report, cli.output.json));
      return checkExitCode(report.identical);
    } finally {
      reporter.close();
    }
  }, { json: args.switches.has("json") });
}
