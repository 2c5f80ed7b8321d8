import { defineCommand } from "citty";
import { checkArgs } from "./_shared-args.ts";

/**
 * `blit check SRC DST`: compares two trees and changes nothing. Exit 0 when identical, 1 when they
 * differ (each difference on stdout as `<reason>\t<path>`, or the CheckReport with --json).
 */
export default defineCommand({
  meta: { name: "check" },
  args: checkArgs,
  async run({ rawArgs }): Promise<number> {
    const run = await import("../run-command.ts");
    const { scanArgs, toCheckCli } = await import("../transfer-args.ts");
    return run.runVerb(async (signal) => {
      const cli = toCheckCli(scanArgs(rawArgs, checkArgs, "check"), run.processEnv());
      for (const note of cli.notes) run.err(`blit: ${note}\n`);
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
        return report.identical ? 0 : 1;
      } finally {
        reporter.close();
      }
    });
  },
});
