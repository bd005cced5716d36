import { forkSuite } from "./suite";

// The mainnet preset on mainnet's contracts (test/fork/suite.ts, scenarios.ts).
forkSuite("mainnet");
