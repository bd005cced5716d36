import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import hre from "hardhat";

/**
 * The README's task reference (issue 18): every task this project registers is a row, and every flag
 * it declares (Hardhat's own params, as the task itself defines them) is named in that row.
 */
describe("README task reference", () => {
  const readme = fs.readFileSync(path.join(__dirname, "../../README.md"), "utf8");
  const table = readme.slice(readme.indexOf("**Task reference.**"), readme.indexOf("**One convention.**"));
  const rows = table.split("\n").filter((l) => l.startsWith("| `"));
  const rowOf = (name: string) => rows.find((r) => r.split("|")[1].includes(`\`${name}\``));
  // The tasks registered by tasks/*.ts: every task whose action file lives in this repository.
  const ours = Object.values(hre.tasks)
    .filter(
      (t) => !t.isSubtask && /^(status|rebalance|keeper|deploy|demo|backtest|local:|vault:)/.test(t.name),
    )
    .map((t) => t.name);

  it("has a row for every task the project registers", () => {
    expect(ours.length).to.be.greaterThan(15);
    const missing = ours.filter((name) => !rowOf(name));
    expect(missing).to.deep.equal([]);
  });

  it("names every flag of every task in its row (deploy: hardhat-deploy's own)", () => {
    const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    const missing: string[] = [];
    for (const name of ours.filter((n) => n !== "deploy")) {
      const row = rowOf(name)!;
      for (const param of Object.keys(hre.tasks[name].paramDefinitions)) {
        if (!row.includes(`--${kebab(param)}`)) missing.push(`${name} --${kebab(param)}`);
      }
    }
    expect(missing).to.deep.equal([]);
  });
});
