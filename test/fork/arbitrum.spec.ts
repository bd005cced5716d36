import { forkSuite } from "./suite";

// The Arbitrum preset on Arbitrum's contracts, with the sequencer uptime feed (test/fork/suite.ts, scenarios.ts).
forkSuite("arbitrum");
