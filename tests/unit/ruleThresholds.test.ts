/**
 * Every threshold of the budget rules exactly at its limit and one past it: a comparison flipped
 * (`>` for `>=`, `<` for `<=`) passes the tests that stay far from the limit, and fails these.
 * The plans are real ones (lib/plan.ts from the staging config) with one pool's figures set by hand.
 */
import type { PoolBudget } from "../../lib/budget";
import {
  directConnectionCapacity,
  migrationsOffSharedSessionPool,
  poolHeadroom,
  sessionPoolCapacity,
  transactionPoolCapacity,
  type PlanRule,
} from "../../lib/rules";
import { APP_ON_TRANSACTION, incidentRaw, planOf, stagingRaw, stagingWith, withPool } from "../support/configs";

const TRANSACTION_APP = stagingWith({
  database: APP_ON_TRANSACTION,
});

describe.each<[string, PlanRule, PoolBudget["kind"], Record<string, unknown>]>([
  [sessionPoolCapacity.name, sessionPoolCapacity, "session", stagingRaw()],
  [directConnectionCapacity.name, directConnectionCapacity, "direct", stagingRaw()],
  [transactionPoolCapacity.name, transactionPoolCapacity, "transaction", TRANSACTION_APP],
])("%s", (_name, rule, kind, raw) => {
  const plan = planOf(raw);
  const peak = plan.budget.find((p) => p.kind === kind)!.peak;

  it(`passes a ${kind} pool whose peak equals its limit`, () => {
    expect(rule.check(withPool(plan, kind, { limit: peak }))).toEqual([]);
  });

  it(`refuses a ${kind} pool whose peak is one over its limit`, () => {
    expect(rule.check(withPool(plan, kind, { limit: peak - 1 }))).toEqual([expect.stringContaining(`${peak}`)]);
  });
});

describe("migrations-off-shared-session-pool", () => {
  const plan = planOf(incidentRaw());
  const pool = plan.budget.find((p) => p.kind === "session")!;

  it("passes a migration phase that fills the pool exactly, and refuses one client more", () => {
    expect(pool.hasMigration && pool.servesApp).toBe(true);
    expect(migrationsOffSharedSessionPool.check(withPool(plan, "session", { limit: pool.migrationPhase }))).toEqual([]);
    expect(migrationsOffSharedSessionPool.check(withPool(plan, "session", { limit: pool.migrationPhase - 1 }))).toHaveLength(1);
  });
});

describe("pool-headroom", () => {
  const plan = planOf(stagingRaw());
  const reserve = plan.consoleReserve;
  const notes = (peak: number, limit: number) => poolHeadroom.check(withPool(plan, "session", { peak, limit }));

  it("the console reserve: room for exactly the reserve passes, one less is a note", () => {
    expect(reserve).toBeGreaterThan(0);
    const consoleNotes = (peak: number, limit: number) => notes(peak, limit).filter((n) => n.includes("console session"));
    const limit = 1000;
    expect(consoleNotes(limit - reserve, limit)).toEqual([]);
    expect(consoleNotes(limit - reserve + 1, limit)).toEqual([expect.stringContaining(`no room for ${reserve} console session(s)`)]);
  });

  it("the headroom share: exactly headroomPercent passes, one point more is a note", () => {
    const limit = 100; // peak in clients = share in percent; the reserve of 1 always fits below 100
    expect(notes(plan.headroomPercent, limit)).toEqual([]);
    expect(notes(plan.headroomPercent + 1, limit)).toEqual([
      expect.stringContaining(`(${plan.headroomPercent + 1}%, above ${plan.headroomPercent}%)`),
    ]);
  });

  it("a pool already over its limit is left to the capacity rules", () => {
    expect(notes(101, 100)).toEqual([]);
  });
});
