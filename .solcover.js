// solidity-coverage (`npm run coverage`): which contracts count and which suites run instrumented.
module.exports = {
  // Test helpers, harnesses and benches are not product code: the figure is contracts/ without them.
  skipFiles: ["test/"],
  // The floor is on lines and branches; statement and function probes would only slow the run.
  measureStatementCoverage: false,
  measureFunctionCoverage: false,
  measureModifierCoverage: false,
  istanbulReporter: ["text", "json-summary", "lcov"],
  mocha: {
    // Left out, and why: the end-to-end suite runs a separate `npx hardhat node` the instrumentation
    // never reaches; the gas and size snapshots measure the optimized build, which instrumentation
    // replaces by design; the invariant harness runs forge, not Hardhat.
    grep: "end to end against|gas snapshot|contract size|invariant harness",
    invert: true,
    timeout: 600_000,
  },
};
