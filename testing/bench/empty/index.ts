// No resources: what `pulumi preview` costs on this engine before any program work.
export {};
