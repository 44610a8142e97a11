/**
 * Precompiled variants for the engine benchmark, built in temp copies (the product is not changed): the
 * program or the policy pack compiled to JavaScript with the repository's tsc and tsconfig, in a project
 * whose Pulumi.yaml / PulumiPolicy.yaml says `typescript: false` and points `main` at the compiled entry
 * (Pulumi's documented way to run a prebuilt Node.js program). node_modules are symlinks to the repo's.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parse, stringify } from "yaml";
import { REPO } from "./engineEnv";

/** tsc of one entry file (and what it imports) into `out`, keeping the repo's layout under it. */
function compile(entry: string, out: string): void {
  const tsconfig = join(out, "tsconfig.bench.json");
  mkdirSync(out, { recursive: true });
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(REPO, "tsconfig.json"),
      // Type roots resolve from the config's own directory: point them back at the repo.
      compilerOptions: { outDir: out, rootDir: REPO, noEmit: false, sourceMap: false, typeRoots: [join(REPO, "node_modules/@types")] },
      files: [entry],
      include: [],
    }),
  );
  const tsc = spawnSync(process.execPath, [join(REPO, "node_modules/typescript/bin/tsc"), "-p", tsconfig], { encoding: "utf8" });
  // tsc emits despite type errors; the timing does not depend on them, `npx tsc --noEmit` reports them.
  if (!existsSync(join(out, relative(REPO, entry)).replace(/\.ts$/, ".js")))
    throw new Error(`tsc ${relative(REPO, entry)} emitted nothing:\n${tsc.stdout}${tsc.stderr}`);
  if (tsc.status !== 0) process.stderr.write(`bench: tsc ${relative(REPO, entry)} reported errors (compiled anyway):\n${tsc.stdout}\n`);
}

/** A copy of a Pulumi.yaml / PulumiPolicy.yaml that runs the compiled entry without ts-node. */
function jsManifest(from: string, to: string, main: string): void {
  const manifest = parse(readFileSync(from, "utf8")) as { runtime: unknown; main?: string };
  manifest.runtime = { name: "nodejs", options: { typescript: false } };
  manifest.main = main;
  writeFileSync(to, stringify(manifest));
}

/** The project in `projectDir` (entry `main` of its Pulumi.yaml) compiled into `out`; returns the project dir. */
export function precompiledProgram(projectDir: string, out: string): string {
  const manifest = parse(readFileSync(join(projectDir, "Pulumi.yaml"), "utf8")) as { main: string };
  compile(join(projectDir, manifest.main), out);
  symlinkSync(join(REPO, "node_modules"), join(out, "node_modules"));
  // The language host takes the nearest package.json as the program's root, as in the repo.
  copyFileSync(join(REPO, "package.json"), join(out, "package.json"));
  const project = join(out, relative(REPO, projectDir));
  mkdirSync(project, { recursive: true });
  jsManifest(join(projectDir, "Pulumi.yaml"), join(project, "Pulumi.yaml"), manifest.main.replace(/\.ts$/, ".js"));
  return project;
}

/**
 * A policy pack (its `index.ts`, and the lib/ it imports) compiled into `out`; returns the compiled pack
 * directory, to pass to --policy-pack.
 */
export function precompiledPack(packDir: string, out: string): string {
  const entry = join(packDir, "index.ts");
  compile(entry, out);
  const compiled = join(out, relative(REPO, packDir));
  symlinkSync(join(REPO, "node_modules"), join(out, "node_modules"));
  // @pulumi/policy resolves from the pack's own node_modules, as in the repo.
  symlinkSync(join(REPO, "policies", "node_modules"), join(compiled, "node_modules"));
  jsManifest(join(packDir, "PulumiPolicy.yaml"), join(compiled, "PulumiPolicy.yaml"), "index.js");
  // run-policy-pack requires the pack directory: package.json's main says which file that is.
  const pkg = JSON.parse(readFileSync(join(packDir, "package.json"), "utf8")) as { main: string };
  writeFileSync(join(compiled, "package.json"), JSON.stringify({ ...pkg, main: "index.js" }));
  return compiled;
}
