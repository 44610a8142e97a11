import type { ResourceValidationArgs } from "@pulumi/policy";
import { noCredentialsInPlainInputs, COMMAND_TYPE, plainCommandInputs, plainFlyResourceInputs } from "../../policies/credentialsPolicy";
import { PROCESS_GROUP_COUNTS_TYPE } from "../../lib/flyResources";
import { PACK_POLICIES } from "../../policies/pack";
import { DEPLOYMENT_TYPE } from "../../lib/planInput";
import { planOf as planOfResource, planPolicies } from "../../policies/planPolicies";
import { encodePlanInput } from "../../lib/planInput";
import { PLAN_RULES } from "../../lib/rules";
import { incidentRaw, planOf, stagingRaw } from "../support/configs";

/** @pulumi/policy has no test helper: run a policy on hand-built args and collect its reports. */
function run(policy: { validateResource?: unknown }, type: string, props: Record<string, unknown>, name = "chatwoot"): string[] {
  const reports: string[] = [];
  const args = {
    type,
    name,
    props,
    urn: `urn:pulumi:staging::chatwoot-fly::${type}::${name}`,
    opts: {},
    isType: () => false,
    asType: () => undefined,
    getConfig: () => ({}),
  };
  const validate = policy.validateResource as (a: ResourceValidationArgs, r: (m: string) => void) => void;
  validate(args as unknown as ResourceValidationArgs, (message) => reports.push(message));
  return reports;
}

describe("the policy pack", () => {
  it("has one policy per rule, with the rule's name and enforcement", () => {
    const all = PACK_POLICIES;
    expect(all).toHaveLength(PLAN_RULES.length);
    expect(all.map((p) => p.name).sort()).toEqual(PLAN_RULES.map((r) => r.name).sort());
    expect(all.find((p) => p.name === "session-pool-capacity")?.enforcementLevel).toBe("mandatory");
    expect(all.find((p) => p.name === "pool-headroom")?.enforcementLevel).toBe("advisory");
  });

  it("rejects the incident on the Deployment component and passes its fix", () => {
    const capacity = planPolicies.find((p) => p.name === "session-pool-capacity")!;
    expect(run(capacity, DEPLOYMENT_TYPE, { plan: encodePlanInput(planOf(incidentRaw())) })[0]).toContain(
      "peaks at 16 clients but pool_size is 15",
    );
    expect(run(capacity, DEPLOYMENT_TYPE, { plan: encodePlanInput(planOf(stagingRaw())) })).toEqual([]);
    expect(run(capacity, "command:local:Command", { plan: encodePlanInput(planOf(incidentRaw())) })).toEqual([]);
  });

  it("parses a Deployment's plan once for all its policies, and each new plan text anew", () => {
    const incident = { plan: encodePlanInput(planOf(incidentRaw())) };
    const staging = { plan: encodePlanInput(planOf(stagingRaw())) };
    const read = (props: Record<string, unknown>) => planOfResource(DEPLOYMENT_TYPE, props);
    const first = read(incident);
    expect(read({ plan: incident.plan })).toBe(first);
    expect(read(staging)).toEqual(planOf(stagingRaw()));
    expect(read(incident)).not.toBe(first);
    expect(read(incident)).toEqual(planOf(incidentRaw()));
    const mandatory = (props: Record<string, unknown>) =>
      PACK_POLICIES.filter((p) => p.enforcementLevel === "mandatory").flatMap((p) => run(p, DEPLOYMENT_TYPE, props));
    expect(mandatory(incident)).toHaveLength(2);
    expect(mandatory(staging)).toEqual([]);
    expect(mandatory(incident)).toHaveLength(2);
  });

  it("fails, rather than passing unchecked, on a plan input that is not the component's JSON text", () => {
    const capacity = planPolicies.find((p) => p.name === "session-pool-capacity")!;
    expect(() => run(capacity, DEPLOYMENT_TYPE, { plan: planOf(incidentRaw()) })).toThrow("not the JSON text of lib/planInput.ts");
    expect(run(capacity, DEPLOYMENT_TYPE, {})).toEqual([]);
  });

  it("finds credentials in Command lines, triggers and plain env, but not in the secret env vars", () => {
    const props = {
      create: "node steps/main.ts deploy",
      triggers: ["chatwoot/chatwoot:v4", "postgres://u:leaked-pass@db:5432/x"],
      environment: {
        CHATWOOT_SECRETS: '{"REDIS_URL":"redis://:p4ssw0rd@r:6379"}',
        FLY_API_TOKEN: "FlyV1 fm2_abcdefghijklmnopqrstuvwxyz",
        CHATWOOT_FLY_TOML: 'SECRET_KEY_BASE = "abcdefabcdefabcdefabcdef"',
      },
    };
    const reports = run(noCredentialsInPlainInputs, COMMAND_TYPE, props, "chatwoot-rollout-deploy");
    expect(reports).toHaveLength(2);
    expect(reports[0]).toContain("input triggers contains a URL with a password");
    expect(reports[1]).toContain("input environment.CHATWOOT_FLY_TOML contains a SECRET_KEY_BASE value");
    expect(reports.join()).not.toMatch(/leaked-pass|abcdefabcdef/);
    expect(
      run(noCredentialsInPlainInputs, COMMAND_TYPE, {
        create: "node steps/main.ts deploy",
        environment: { CHATWOOT_IMAGE: "chatwoot/chatwoot:v4.14.0" },
      }),
    ).toEqual([]);
  });

  it("reads every plain text input of a Command, each in its own form, and no secret env var", () => {
    expect(
      plainCommandInputs({
        create: "c",
        update: "u",
        delete: "d",
        dir: "/srv",
        interpreter: ["/bin/sh", "-c"],
        triggers: [1, "two"],
        environment: { CHATWOOT_IMAGE: "img", CHATWOOT_COUNTS: 3, CHATWOOT_SECRETS: "s", FLY_API_TOKEN: "t" },
      }),
    ).toEqual({
      create: "c",
      update: "u",
      delete: "d",
      dir: "/srv",
      interpreter: "/bin/sh -c",
      triggers: '[1,"two"]',
      "environment.CHATWOOT_IMAGE": "img",
    });
    // Inputs of other shapes (unknown to the engine yet, or absent) are not text to scan.
    expect(plainCommandInputs({ create: ["a"], interpreter: "/bin/sh", triggers: undefined })).toStrictEqual({});
    expect(plainCommandInputs({ triggers: null })).toEqual({ triggers: "null" });
  });

  it("finds credentials in every property of a Fly provider resource but its API token", () => {
    const props = {
      app: "hotdash-chatwoot",
      flyctl: "/opt/fly/flyctl --access-token FlyV1 fm2_abcdefghijklmnopqrstuvwxyz",
      timeoutSeconds: 1800,
      apiToken: "FlyV1 fm2_abcdefghijklmnopqrstuvwxyz",
      counts: { web: 1 },
      downOnly: false,
    };
    expect(run(noCredentialsInPlainInputs, PROCESS_GROUP_COUNTS_TYPE, props, "chatwoot-counts-scale")).toEqual([
      "chatwoot-counts-scale: input flyctl contains a Fly API token (FlyV1 ...); it would be stored in plaintext and may reach argv or logs. Fix: pass a credential only as the Fly API token (apiToken) or among the app's secrets (values)",
      "chatwoot-counts-scale: input flyctl contains a Fly API token; it would be stored in plaintext and may reach argv or logs. Fix: pass a credential only as the Fly API token (apiToken) or among the app's secrets (values)",
    ]);
    expect(run(noCredentialsInPlainInputs, PROCESS_GROUP_COUNTS_TYPE, { ...props, flyctl: "flyctl" })).toEqual([]);
    expect(plainFlyResourceInputs({ ...props, apiToken: "t", extra: undefined })).toStrictEqual({
      app: "hotdash-chatwoot",
      flyctl: props.flyctl,
      timeoutSeconds: "1800",
      counts: '{"web":1}',
      downOnly: "false",
    });
  });

  it("reports a credential with the resource, the input, what it is and the fix, only on a Command", () => {
    const props = { create: "curl https://u:leaked-pass@example.com" };
    expect(run(noCredentialsInPlainInputs, COMMAND_TYPE, props, "chatwoot-x")).toEqual([
      "chatwoot-x: input create contains a URL with a password; it would be stored in plaintext and may reach argv or logs. Fix: pass it through a secret environment variable (CHATWOOT_SECRETS, FLY_API_TOKEN)",
    ]);
    expect(run(noCredentialsInPlainInputs, "random:index/randomPassword:RandomPassword", props, "chatwoot-x")).toEqual([]);
  });
});
