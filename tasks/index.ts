// Thin Hardhat tasks over src/ (see tasks/README.md). Imported by hardhat.config.ts.
import "./admin";
import "./deploy";
import "./keeper";
import "./local";
import "./rebalance";
import "./status";
import "./demo";
import "./backtest";
