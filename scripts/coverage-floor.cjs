#!/usr/bin/env node
/**
 * `npm run coverage`'s floor: after solidity-coverage has written coverage/coverage-summary.json,
 * fail unless contracts/ (test helpers excluded, .solcover.js) reach the line and branch floors, and
 * print the files below them.
 */
const fs = require("node:fs");
const path = require("node:path");

const FLOOR = { lines: 95, branches: 90 };
const file = path.join(__dirname, "..", "coverage", "coverage-summary.json");
if (!fs.existsSync(file)) {
  console.error("coverage floor: coverage/coverage-summary.json is missing; run npx hardhat coverage first.");
  process.exit(1);
}
const summary = JSON.parse(fs.readFileSync(file, "utf8"));
const { lines, branches } = summary.total;
console.log(
  `coverage of contracts/: lines ${lines.pct}% (${lines.covered}/${lines.total}), ` +
    `branches ${branches.pct}% (${branches.covered}/${branches.total}); floor ${FLOOR.lines}% / ${FLOOR.branches}%`,
);
for (const [name, f] of Object.entries(summary)) {
  if (name === "total") continue;
  if (f.lines.pct < FLOOR.lines || f.branches.pct < FLOOR.branches) {
    console.log(
      `  below the floor: ${path.relative(process.cwd(), name)} lines ${f.lines.pct}%, branches ${f.branches.pct}%`,
    );
  }
}
if (lines.pct < FLOOR.lines || branches.pct < FLOOR.branches) {
  console.error("coverage floor: below the floor; add tests for the lines and branches above.");
  process.exit(1);
}
