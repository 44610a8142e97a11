/** Every endpoint the fake Fly API serves (see the README for the list and its assumptions). */
import { appRoutes } from "./flapsApps";
import { machineRoutes } from "./flapsMachines";
import { graphql } from "./graphql";
import type { Route } from "./http";
import { uiexRoutes } from "./uiex";

export function routes(): Route[] {
  return [
    { method: "POST", pattern: /^\/graphql$/, handler: graphql },
    ...appRoutes,
    ...machineRoutes,
    ...uiexRoutes,
    // flyctl's usage metrics (internal/metrics/db.go SendMetrics): accepted and dropped.
    { method: "POST", pattern: /^\/metrics_post$/, handler: () => ({ status: 200, body: {} }) },
  ];
}
