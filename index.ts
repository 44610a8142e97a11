/**
 * Chatwoot on Fly.io with a Supabase (or any PostgreSQL) database. The config is validated first;
 * the plan derived from it drives the resources and is what the policy pack checks (stack.ts).
 */
import { chatwootStack } from "./stack";

const outputs = chatwootStack();

export const appName = outputs.appName;
export const url = outputs.url;
export const image = outputs.image;
/** Peak clients against the limit, per pool. */
export const connectionBudget = outputs.connectionBudget;
export const lastMigration = outputs.lastMigration;
