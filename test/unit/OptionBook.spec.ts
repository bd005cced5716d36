import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

import { wad } from "../../src/math/grids";

const DAY = 86_400;
const MAX_LEGS = 64;

async function bookFixture() {
  const [owner, manager, stranger] = await ethers.getSigners();
  const book = await ethers.deployContract("OptionBook", [owner.address, manager.address]);
  const bs = await ethers.deployContract("BlackScholesHarness");
  const now = await time.latest();
  return { book, bs, owner, manager, stranger, now };
}

describe("OptionBook", () => {
  describe("#addLeg", () => {
    it("keeps the legs ordered by expiry and stores ln K as the Greeks library computes it", async () => {
      const { book, bs, manager, now } = await loadFixture(bookFixture);
      await book.connect(manager).addLeg(true, false, wad(3000), wad(10), now + 30 * DAY);
      await book.connect(manager).addLeg(false, true, wad(2500), wad(4), now + 7 * DAY);
      await expect(book.connect(manager).addLeg(true, true, wad(3500), wad(1), now + 30 * DAY))
        .to.emit(book, "LegAdded")
        .withArgs(2n, [
          true,
          true,
          BigInt(now + 30 * DAY),
          wad(3500),
          wad(1),
          (await bs.strike(wad(3500))).lnStrikeE36,
        ]);
      const legs = await book.legs();
      expect(legs.map((l) => Number(l.expiry))).to.deep.equal([
        now + 7 * DAY,
        now + 30 * DAY,
        now + 30 * DAY,
      ]);
      expect(legs.map((l) => l.strikeWad)).to.deep.equal([wad(2500), wad(3000), wad(3500)]);
      for (const leg of legs) expect(leg.lnStrikeE36).to.equal((await bs.strike(leg.strikeWad)).lnStrikeE36);
      expect(await book.legCount()).to.equal(3n);
      expect((await book.packedLegs()).length).to.equal(2 + 3 * 64 * 2); // 0x + 64 bytes per leg
    });

    it("reverts for a stranger, and for bad size, expiry or strike, leaving the book unchanged", async () => {
      const { book, manager, stranger, now } = await loadFixture(bookFixture);
      await book.connect(manager).addLeg(true, false, wad(3000), wad(10), now + 30 * DAY);
      const before = await book.packedLegs();
      await expect(book.connect(stranger).addLeg(true, false, wad(3000), wad(1), now + DAY))
        .to.be.revertedWithCustomError(book, "NotBookManager")
        .withArgs(stranger.address);
      await expect(book.connect(manager).addLeg(true, false, wad(3000), 0n, now + DAY))
        .to.be.revertedWithCustomError(book, "InvalidLegSize")
        .withArgs(0n);
      await expect(book.connect(manager).addLeg(true, false, wad(3000), 2n ** 128n, now + DAY))
        .to.be.revertedWithCustomError(book, "InvalidLegSize")
        .withArgs(2n ** 128n);
      await expect(book.connect(manager).addLeg(true, false, wad(3000), wad(1), now))
        .to.be.revertedWithCustomError(book, "InvalidExpiry")
        .withArgs(BigInt(now));
      const tooFar = now + 10 * 365 * DAY + 100;
      await expect(book.connect(manager).addLeg(true, false, wad(3000), wad(1), tooFar))
        .to.be.revertedWithCustomError(book, "InvalidExpiry")
        .withArgs(BigInt(tooFar));
      await expect(book.connect(manager).addLeg(true, false, 10n ** 13n, wad(1), now + DAY))
        .to.be.revertedWithCustomError(book, "StrikeOutOfDomain")
        .withArgs(10n ** 13n);
      expect(await book.packedLegs()).to.equal(before);
    });

    it("refuses a 65th leg with BookFull", async () => {
      const { book, manager, now } = await loadFixture(bookFixture);
      for (let i = 0; i < MAX_LEGS; i++) {
        await book
          .connect(manager)
          .addLeg(i % 2 === 0, i % 3 === 0, wad(1000 + 10 * i), wad(1), now + (i + 1) * DAY);
      }
      await expect(book.connect(manager).addLeg(true, true, wad(2000), wad(1), now + DAY))
        .to.be.revertedWithCustomError(book, "BookFull")
        .withArgs(BigInt(MAX_LEGS));
      expect(await book.legCount()).to.equal(BigInt(MAX_LEGS));
    });
  });

  describe("#resizeLeg / #removeLeg", () => {
    it("resizes, removes on size 0 and removes by index, emitting each change", async () => {
      const { book, manager, now } = await loadFixture(bookFixture);
      await book.connect(manager).addLeg(true, false, wad(3000), wad(10), now + 7 * DAY);
      await book.connect(manager).addLeg(false, false, wad(2800), wad(5), now + 14 * DAY);
      await book.connect(manager).addLeg(true, true, wad(3200), wad(2), now + 21 * DAY);
      await expect(book.connect(manager).resizeLeg(1, wad(8)))
        .to.emit(book, "LegResized")
        .withArgs(1n, wad(5), wad(8));
      expect((await book.legs())[1].sizeWad).to.equal(wad(8));
      await expect(book.connect(manager).resizeLeg(0, 0)).to.emit(book, "LegRemoved");
      expect((await book.legs()).map((l) => l.strikeWad)).to.deep.equal([wad(2800), wad(3200)]);
      await book.connect(manager).removeLeg(1);
      expect((await book.legs()).map((l) => l.strikeWad)).to.deep.equal([wad(2800)]);
      await book.connect(manager).removeLeg(0);
      expect(await book.legCount()).to.equal(0n);
      expect(await book.packedLegs()).to.equal("0x");
    });

    it("reverts on a missing index or a stranger", async () => {
      const { book, manager, stranger, now } = await loadFixture(bookFixture);
      await book.connect(manager).addLeg(true, false, wad(3000), wad(10), now + 7 * DAY);
      await expect(book.connect(manager).resizeLeg(1, wad(1)))
        .to.be.revertedWithCustomError(book, "LegIndexOutOfRange")
        .withArgs(1n, 1n);
      await expect(book.connect(manager).removeLeg(3))
        .to.be.revertedWithCustomError(book, "LegIndexOutOfRange")
        .withArgs(3n, 1n);
      await expect(book.connect(stranger).resizeLeg(0, wad(1))).to.be.revertedWithCustomError(
        book,
        "NotBookManager",
      );
      await expect(book.connect(stranger).removeLeg(0)).to.be.revertedWithCustomError(book, "NotBookManager");
    });
  });

  describe("#pruneExpired", () => {
    it("lets anyone drop the legs at or past expiry and keeps the rest in order", async () => {
      const { book, manager, stranger, now } = await loadFixture(bookFixture);
      await book.connect(manager).addLeg(true, false, wad(3000), wad(1), now + DAY);
      await book.connect(manager).addLeg(true, false, wad(3100), wad(1), now + 2 * DAY);
      await book.connect(manager).addLeg(true, false, wad(3200), wad(1), now + 3 * DAY);
      expect(await book.connect(stranger).pruneExpired.staticCall()).to.equal(0n);
      await time.increaseTo(now + 2 * DAY);
      await expect(book.connect(stranger).pruneExpired()).to.emit(book, "ExpiredPruned").withArgs(2n);
      expect((await book.legs()).map((l) => l.strikeWad)).to.deep.equal([wad(3200)]);
    });
  });

  describe("roles", () => {
    it("only the owner sets the book manager, never to zero", async () => {
      const { book, owner, stranger } = await loadFixture(bookFixture);
      await expect(book.connect(stranger).setBookManager(stranger.address)).to.be.revertedWithCustomError(
        book,
        "OwnableUnauthorizedAccount",
      );
      await expect(book.connect(owner).setBookManager(ethers.ZeroAddress)).to.be.revertedWithCustomError(
        book,
        "ZeroBookManager",
      );
      await expect(book.connect(owner).setBookManager(stranger.address))
        .to.emit(book, "BookManagerSet")
        .withArgs(stranger.address);
      expect(await book.bookManager()).to.equal(stranger.address);
    });
  });
});
