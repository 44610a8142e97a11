/** `npm run check -- [--json] Pulumi.<stack>.yaml...`: validates stack files offline. */
import { readFileSync } from "node:fs";
import { checkStackText, exitCode, formatResult } from "./checkStack";

function main(argv: string[]): number {
  const json = argv.includes("--json");
  const files = argv.filter((a) => a !== "--json");
  if (files.length === 0) {
    process.stderr.write("usage: npm run check -- [--json] Pulumi.<stack>.yaml...\n");
    return 2;
  }
  let status = 0;
  const reports = files.map((file) => {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      status = 1;
      return { file, error: (error as Error).message };
    }
    const result = checkStackText(text, file);
    status = Math.max(status, exitCode(result));
    if (!json) process.stdout.write(formatResult(file, result) + "\n");
    return {
      file,
      ok: exitCode(result) === 0,
      issues: result.issues,
      unsetCredentials: result.unsetCredentials,
      verdicts: result.verdicts,
      budget: result.plan?.budget,
    };
  });
  if (json) process.stdout.write(JSON.stringify(reports, null, 2) + "\n");
  else for (const r of reports) if ("error" in r) process.stderr.write(`${r.file}: ${r.error}\n`);
  return status;
}

process.exitCode = main(process.argv.slice(2));
