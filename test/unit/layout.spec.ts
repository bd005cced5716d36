import { expect } from "chai";
import { AbiCoder, Interface, keccak256, toUtf8Bytes } from "ethers";
import fs from "node:fs";
import path from "node:path";
import hre from "hardhat";

/**
 * The core/extension split is sound only if (a) no selector exists in both halves (a core selector
 * would shadow the extension's), (b) every selector of the merged interface a user calls resolves to
 * one of them, and (c) both halves see one storage layout: the cores declare no sequential storage
 * (everything is in ERC-7201 namespaces), so the extension's OpenZeppelin Ownable2Step slots and the
 * namespaces cannot collide with anything in the core.
 */

const VAULTS = [
  { core: "TargetWeightVault", ext: "TargetWeightVaultExt", merged: "ITargetWeightVault" },
  { core: "DeltaHedgeVault", ext: "DeltaHedgeVaultExt", merged: "IDeltaHedgeVault" },
] as const;

async function selectors(name: string): Promise<Map<string, string>> {
  const iface = new Interface((await hre.artifacts.readArtifact(name)).abi);
  const out = new Map<string, string>();
  iface.forEachFunction((f) => out.set(f.selector, f.format("sighash")));
  return out;
}

/** The contract's variables in sequential storage, as `label@slot` (its build info's storage layout). */
async function sequentialSlots(name: string): Promise<string[]> {
  const artifact = await hre.artifacts.readArtifact(name);
  const info = await hre.artifacts.getBuildInfo(`${artifact.sourceName}:${artifact.contractName}`);
  const layout = (
    info!.output.contracts[artifact.sourceName][artifact.contractName] as unknown as {
      storageLayout: { storage: { label: string; slot: string }[] };
    }
  ).storageLayout.storage;
  return layout.map((x) => `${x.label}@${x.slot}`);
}

describe("core / extension layout", () => {
  for (const v of VAULTS) {
    describe(v.core, () => {
      it("has no selector in both the core and the extension", async () => {
        const core = await selectors(v.core);
        const ext = await selectors(v.ext);
        const both = [...core.keys()].filter((s) => ext.has(s)).map((s) => core.get(s));
        expect(both).to.deep.equal([]);
      });

      it(`resolves every selector of ${v.merged} in exactly one half (or the venue module), and exposes nothing outside it`, async () => {
        const core = await selectors(v.core);
        const ext = await selectors(v.ext);
        const merged = await selectors(v.merged);
        // The venue list, its setter and the swap callback run in the venue module (SPEC 15).
        const module = await selectors("IVenueModuleExt");
        const unresolved = [...merged.keys()].filter((s) => !core.has(s) && !ext.has(s) && !module.has(s));
        expect(unresolved.map((s) => merged.get(s))).to.deep.equal([]);
        // Everything callable at the vault's address is in the merged interface.
        const undeclared = [...core.keys(), ...ext.keys()].filter((s) => !merged.has(s));
        expect(undeclared.map((s) => core.get(s) ?? ext.get(s))).to.deep.equal([]);
      });

      it("keeps the core's storage out of sequential slots (ERC-7201 namespaces only)", async () => {
        for (const name of [v.core, v.ext]) {
          // The extension holds only OpenZeppelin Ownable2Step's two slots; the core none at all.
          expect(await sequentialSlots(name), name).to.deep.equal(
            name === v.core ? [] : ["_owner@0", "_pendingOwner@1"],
          );
        }
      });
    });
  }

  describe("LeverageVault (core, extension and flows module)", () => {
    // The four selectors the core's fallback sends to LeverageFlows.
    const ROUTED = ["deposit(uint256,address)", "redeem(uint256,address,address)", "ripcord()"];
    const routed = async () => {
      const flows = await selectors("LeverageFlows");
      const out = new Map<string, string>();
      for (const [sel, sig] of flows) {
        if (ROUTED.includes(sig) || sig.startsWith("executeOperation(")) out.set(sel, sig);
      }
      return out;
    };

    it("routes exactly deposit, redeem, ripcord and the flash-loan callback to the flows module", async () => {
      expect([...(await routed()).values()].sort()).to.deep.equal(
        [...ROUTED, "executeOperation(address,uint256,uint256,address,bytes)"].sort(),
      );
    });

    it("has no selector in two halves, and resolves every selector of ILeverageVault in exactly one", async () => {
      const core = await selectors("LeverageVault");
      const ext = await selectors("LeverageVaultExt");
      const flows = await routed();
      const module = await selectors("IVenueModuleExt");
      const merged = await selectors("ILeverageVault");
      const halves = [core, ext, flows];
      for (const [sel, sig] of merged) {
        const homes = halves.filter((h) => h.has(sel)).length + (module.has(sel) ? 1 : 0);
        expect(homes, sig).to.equal(1);
      }
      const undeclared = [...core.keys(), ...ext.keys(), ...flows.keys()].filter((s) => !merged.has(s));
      expect(undeclared.map((s) => core.get(s) ?? ext.get(s) ?? flows.get(s))).to.deep.equal([]);
    });

    it("keeps every half's storage out of sequential slots (ERC-7201 namespaces only)", async () => {
      for (const name of ["LeverageVault", "LeverageFlows", "LeverageVaultExt"]) {
        expect(await sequentialSlots(name), name).to.deep.equal(
          name === "LeverageVaultExt" ? ["_owner@0", "_pendingOwner@1"] : [],
        );
      }
    });
  });

  describe("DeltaHedgeLendingVault (core, extension and lending module)", () => {
    // The one selector the core's fallback sends to the module; its trade entry is reached only by
    // the core's own DELEGATECALL, never through the fallback.
    const routed = async () => {
      const module = await selectors("DeltaHedgeLendingModule");
      return new Map([...module].filter(([, sig]) => sig === "hedgeStatus()"));
    };

    it("has no selector in two halves, and resolves every selector of IDeltaHedgeLendingVault in exactly one", async () => {
      const core = await selectors("DeltaHedgeLendingVault");
      const ext = await selectors("DeltaHedgeLendingVaultExt");
      const module = await routed();
      expect([...module.values()]).to.deep.equal(["hedgeStatus()"]);
      const venues = await selectors("IVenueModuleExt");
      const merged = await selectors("IDeltaHedgeLendingVault");
      for (const [sel, sig] of merged) {
        const homes = [core, ext, module].filter((h) => h.has(sel)).length + (venues.has(sel) ? 1 : 0);
        expect(homes, sig).to.equal(1);
      }
      const undeclared = [...core.keys(), ...ext.keys()].filter((s) => !merged.has(s));
      expect(undeclared.map((s) => core.get(s) ?? ext.get(s))).to.deep.equal([]);
      // The trade entry is nowhere the fallback could send a call: not in the extension, not routed.
      const trade = [...(await selectors("DeltaHedgeLendingModule"))].find(([, sig]) =>
        sig.startsWith("tradeLegs("),
      );
      expect(trade).to.not.equal(undefined);
      expect(ext.has(trade![0])).to.equal(false);
      expect(merged.has(trade![0])).to.equal(false);
    });

    it("keeps every half's storage out of sequential slots (ERC-7201 namespaces only)", async () => {
      for (const name of ["DeltaHedgeLendingVault", "DeltaHedgeLendingModule", "DeltaHedgeLendingVaultExt"]) {
        expect(await sequentialSlots(name), name).to.deep.equal(
          name === "DeltaHedgeLendingVaultExt" ? ["_owner@0", "_pendingOwner@1"] : [],
        );
      }
    });
  });

  it("places each namespace where ERC-7201 says, as the NatSpec annotation names it", () => {
    const root = path.join(__dirname, "..", "..", "contracts");
    const files = [
      "core/EngineBase.sol",
      "strategies/TargetWeightStrategy.sol",
      "strategies/DeltaHedgeStrategy.sol",
      "strategies/LeverageStrategy.sol",
    ];
    for (const f of files) {
      const src = fs.readFileSync(path.join(root, f), "utf8");
      const id = /@custom:storage-location erc7201:([\w.]+)/.exec(src)![1];
      const slot = /bytes32 (?:(?:private|internal) )?constant \w+_STORAGE_SLOT =\s*(0x[0-9a-f]{64});/.exec(
        src,
      )![1];
      const inner = BigInt(keccak256(toUtf8Bytes(id))) - 1n;
      const expected = BigInt(keccak256(AbiCoder.defaultAbiCoder().encode(["uint256"], [inner]))) & ~0xffn;
      expect(BigInt(slot), `${f} (${id})`).to.equal(expected);
    }
  });
});
