#!/usr/bin/env node
/**
 * The compiler `forge` runs (foundry.toml's `solc`): the pinned `solc` npm package (solc-js), so forge,
 * like Hardhat, compiles offline with the exact version the contracts pin. forge calls it as a solc
 * binary: `--version` to learn the version, then `--standard-json` with the input on stdin and
 * `--base-path` / `--allow-paths` for imports.
 */
const fs = require("node:fs");
const path = require("node:path");
const solc = require("solc");

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

if (args.includes("--version")) {
  const version = solc.version().replace(/\.Emscripten.*$/, "");
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${version}\n`);
  process.exit(0);
}

const roots = [option("--base-path") ?? process.cwd(), ...(option("--allow-paths") ?? "").split(",")].filter(
  Boolean,
);

/** Imports arrive as paths relative to the base path (or absolute); read them from the first root that has them. */
function findImports(importPath) {
  for (const root of roots) {
    const file = path.isAbsolute(importPath) ? importPath : path.join(root, importPath);
    if (fs.existsSync(file)) return { contents: fs.readFileSync(file, "utf8") };
  }
  return { error: `File not found: ${importPath}` };
}

process.stdout.write(solc.compile(fs.readFileSync(0, "utf8"), { import: findImports }));
