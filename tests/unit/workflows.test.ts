/**
 * The GitHub workflows hold the deploy credentials, so their security properties are asserted here
 * (actionlint, in the test command, checks that they are well formed): nothing they run moves under
 * them, code from a PR never runs beside a credential it could steal, the deploy waits for the tests
 * and a protected environment, and the stack's credentials come from one place.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { CI_SECRET_KEYS, ciSecretVariable } from "../../lib/config/ciSecrets";
import { REPO } from "../support/configs";

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  if?: string;
  needs?: string | string[];
  environment?: string | { name: string };
  permissions?: Record<string, string>;
  uses?: string;
  steps?: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const DIR = join(REPO, ".github", "workflows");
const text = (file: string) => readFileSync(join(DIR, file), "utf8");
const workflows: Record<string, Workflow> = Object.fromEntries(
  readdirSync(DIR)
    .filter((f) => f.endsWith(".yml"))
    .map((f) => [f, parse(text(f)) as Workflow]),
);
const jobsOf = (file: string) => Object.entries(workflows[file].jobs);
const stepsOf = (job: Job) => job.steps ?? [];
const secretsIn = (value: unknown) => [...JSON.stringify(value ?? {}).matchAll(/secrets\.([A-Z0-9_]+)/g)].map((m) => m[1]);
const SAME_REPO = "github.event.pull_request.head.repo.full_name == github.repository";

/** The pins the tests are run against: toolchain/build.sh (flyctl) and toolchain/cli/go.mod (pulumi). */
const FLYCTL_VERSION = /^FLYCTL_LABEL=(\S+)$/m.exec(readFileSync(join(REPO, "toolchain", "build.sh"), "utf8"))?.[1];
const PULUMI_VERSION = /^\s*github\.com\/pulumi\/pulumi\/pkg\/v3 v(\S+)/m.exec(
  readFileSync(join(REPO, "toolchain", "cli", "go.mod"), "utf8"),
)?.[1];

describe("GitHub workflows", () => {
  it("finds the pins and the workflows it checks", () => {
    expect(FLYCTL_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    expect(PULUMI_VERSION).toMatch(/^3\.\d+\.\d+$/);
    expect(Object.keys(workflows).sort()).toEqual(["deploy.yml", "mutation.yml", "preview-comment.yml", "preview.yml", "test.yml"]);
  });

  it("pin every action by commit SHA, and flyctl and pulumi to the versions the tests run", () => {
    for (const [file, workflow] of Object.entries(workflows)) {
      for (const job of Object.values(workflow.jobs)) {
        for (const uses of [job.uses, ...stepsOf(job).map((s) => s.uses)].filter((u): u is string => Boolean(u))) {
          if (uses.startsWith("./")) continue;
          expect({ file, uses }).toEqual({ file, uses: expect.stringMatching(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/) });
        }
        for (const step of stepsOf(job)) {
          if (step.uses?.startsWith("superfly/flyctl-actions/setup-flyctl@")) expect(step.with?.version).toBe(FLYCTL_VERSION);
          if (step.uses?.startsWith("pulumi/actions@")) expect(step.with?.["pulumi-version"]).toBe(PULUMI_VERSION);
        }
      }
    }
  });

  it("deploy: after the tests, in the protected staging environment, with flyctl installed", () => {
    const jobs = workflows["deploy.yml"].jobs;
    expect(workflows["deploy.yml"].on).toEqual({ push: { branches: ["main"] } });
    expect(jobs.test.uses).toBe("./.github/workflows/test.yml");
    expect(workflows["test.yml"].on).toHaveProperty("workflow_call");
    expect([jobs.up.needs].flat()).toContain("test");
    expect(jobs.up.environment).toBe("staging");
    expect(stepsOf(jobs.up).filter((s) => s.uses?.startsWith("superfly/flyctl-actions/setup-flyctl@"))).toHaveLength(1);
    const up = stepsOf(jobs.up).find((s) => s.with?.command === "up");
    expect(up?.with).toMatchObject({ "stack-name": "staging", policyPacks: "policies" });
  });

  it("preview: the PR's code never runs beside the Fly token, and beside other secrets only in same-repo PRs", () => {
    expect(text("preview.yml")).not.toContain("FLY_API_TOKEN");
    expect(workflows["preview.yml"].permissions).toEqual({ contents: "read" });
    for (const [name, job] of jobsOf("preview.yml")) {
      const secrets = secretsIn(job).filter((s) => s !== "GITHUB_TOKEN");
      const writes = Object.values(job.permissions ?? {}).includes("write");
      if (secrets.length === 0 && !writes) continue;
      expect({ name, if: job.if, environment: job.environment }).toEqual({ name, if: SAME_REPO, environment: "preview" });
    }
    // Fork PRs get the offline check, with no secret at all.
    const check = workflows["preview.yml"].jobs.check;
    expect(check.if).toBeUndefined();
    expect(secretsIn(check)).toEqual([]);
    expect(stepsOf(check).some((s) => /npm run --silent check -- Pulumi\.\w+\.yaml/.test(s.run ?? ""))).toBe(true);
  });

  it("preview-comment: the job that may comment on fork PRs runs none of their code", () => {
    const workflow = workflows["preview-comment.yml"];
    expect(workflow.on).toEqual({ workflow_run: { workflows: ["preview"], types: ["completed"] } });
    for (const [, job] of jobsOf("preview-comment.yml")) {
      for (const step of stepsOf(job)) {
        expect(step.uses ?? "").not.toMatch(/^actions\/(checkout|setup-node)@/);
        // No interpreter of the PR's code in command position (words in echoed text are fine).
        expect(step.run ?? "").not.toMatch(/(^|[;&|({]|\$\()\s*(npm|npx|node|bash|sh|make)\b/m);
        // Event fields reach the script only through env, never spliced into it.
        expect(step.run ?? "").not.toContain("${{");
      }
    }
  });

  it("mutation: weekly and on demand, with no secret, keeping the report even when a goal is missed", () => {
    const workflow = workflows["mutation.yml"];
    expect(Object.keys(workflow.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    expect(workflow.permissions).toEqual({ contents: "read" });
    expect(secretsIn(workflow)).toEqual([]);
    const steps = stepsOf(workflow.jobs.mutation);
    expect(steps.filter((s) => s.run === "npm run mutation")).toHaveLength(1);
    const upload = steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
    expect(upload).toMatchObject({ if: "always()", with: { path: "reports/mutation/" } });
  });

  it("wire the stack's credentials from one source: the environment's secrets, through npm run ci-secrets", () => {
    const expected = Object.fromEntries(
      ["PULUMI_ACCESS_TOKEN", ...CI_SECRET_KEYS.map(ciSecretVariable)].map((name) => [name, `\${{ secrets.${name} }}`]),
    );
    for (const [file, job] of [
      ["preview.yml", "preview"],
      ["deploy.yml", "up"],
    ] as const) {
      const steps = stepsOf(workflows[file].jobs[job]);
      const wiring = steps.filter((s) => s.run?.includes("npm run ci-secrets -- --stack staging"));
      expect(wiring).toHaveLength(1);
      expect(wiring[0].env).toEqual(expected);
      // Written before the stack is used.
      expect(steps.indexOf(wiring[0])).toBeLessThan(steps.findIndex((s) => s.with?.command));
    }
  });
});
