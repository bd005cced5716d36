// Thin Hardhat tasks over src/ (see tasks/README.md). Imported by hardhat.config.ts.
import "./keeper";
import "./rebalance";
import "./status";
