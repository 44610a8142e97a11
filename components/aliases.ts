import type * as pulumi from "@pulumi/pulumi";

/**
 * `opts` with the component's earlier type token as an alias: a stack made while the token was
 * `previousType` keeps the component and its children in place (the engine carries a parent's aliases
 * over to its children) instead of replacing them.
 */
export function withAliases(opts: pulumi.ComponentResourceOptions | undefined, previousType: string): pulumi.ComponentResourceOptions {
  return { ...opts, aliases: [...(opts?.aliases ?? []), { type: previousType }] };
}
