import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";

import { REASONS, VAULT_KINDS } from "../../src/vault/enums";
import { BandPolicy } from "../../src/vault/deltaHedge";

/** The Solidity enum's members, in declaration order (comments stripped). */
function solidityEnum(file: string, name: string): string[] {
  const source = fs.readFileSync(path.join(__dirname, "..", "..", "contracts", file), "utf8");
  const body = new RegExp(`enum ${name} \\{([^}]*)\\}`).exec(source);
  if (!body) throw new Error(`enum ${name} not found in ${file}`);
  return body[1]
    .replace(/\/\/[^\n]*/g, "")
    .split(",")
    .map((m) => m.trim())
    .filter((m) => m.length > 0);
}

// Keepers, the status task and the tests decode reason codes through these mirrors: a member added
// on one side only would mislabel every later code.
describe("enum mirrors", () => {
  it("REASONS matches Types.Reason member for member", () => {
    expect([...REASONS]).to.deep.equal(solidityEnum("interfaces/Types.sol", "Reason"));
  });

  it("VAULT_KINDS matches Types.VaultKind member for member", () => {
    expect([...VAULT_KINDS]).to.deep.equal(solidityEnum("interfaces/Types.sol", "VaultKind"));
  });

  it("BandPolicy matches IDeltaHedgeVault.BandPolicy", () => {
    const members = solidityEnum("interfaces/IDeltaHedgeVault.sol", "BandPolicy");
    expect(Object.entries(BandPolicy).map(([k, v]) => [k, v])).to.deep.equal(members.map((m, i) => [m, i]));
  });
});
