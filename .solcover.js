// solidity-coverage (`npm run coverage`): which contracts count and which suites run instrumented.
module.exports = {
  // Test helpers, harnesses and benches are not product code, nor are Chainlink's own contracts the
  // tests compile from npm (chainlink/): the figure is contracts/ without them.
  skipFiles: ["test/", "chainlink/"],
  // The floor is on lines and branches; statement and function probes would only slow the run.
  measureStatementCoverage: false,
  measureFunctionCoverage: false,
  measureModifierCoverage: false,
  istanbulReporter: ["text", "json-summary", "lcov"],
  mocha: {
    // Left out, and why: the end-to-end suite runs a separate `npx hardhat node` the instrumentation
    // never reaches; the gas and size snapshots, and the forked suites' self-check (it pins the code
    // hash of the Chainlink proxies this build compiles), measure the optimized build, which
    // instrumentation replaces by design; the invariant harness runs forge, not Hardhat. CI runs the
    // forked suites on their own (`npm run test:fork`).
    grep: "end to end against|gas snapshot|contract size|invariant harness|forked suite",
    invert: true,
    timeout: 600_000,
  },
  onServerReady: synchronousStepEvents,
};

/**
 * Speed, not behaviour. solidity-coverage counts hits from Hardhat's per-opcode `step` events, which
 * Hardhat 2 (EDR) replays after each request through an AsyncEventEmitter: a promise chain per EVM
 * step, about half of coverage's test time here. Its collector is synchronous, so this hands each
 * step straight to the listeners, in the same order, and leaves every other event as it was.
 * Measured on the delta-hedged vault's suite: 4 min → 2 min, identical figures. If Hardhat's
 * internals are not the expected shape, it changes nothing and says so.
 */
async function synchronousStepEvents() {
  const hre = require("hardhat");
  let provider = hre.network.provider;
  while (provider && provider._wrapped) provider = provider._wrapped;
  const events = provider && provider._node && provider._node._vm && provider._node._vm.evm.events;
  if (!events || typeof events.emit !== "function" || events.listenerCount("step") === 0) {
    console.warn("coverage: Hardhat's step events are not where expected; running at the slower speed.");
    return;
  }
  const emit = events.emit.bind(events);
  events.emit = (event, data, callback) => {
    if (event !== "step") return emit(event, data, callback);
    for (const listener of events.listeners("step")) listener(data);
    return true;
  };
}
