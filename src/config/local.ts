import { LIVE_NETWORKS, UserError, isLiveNetwork } from "./env";

/** Networks that get the local market (in-process and a local `npx hardhat node`). */
export const LOCAL_NETWORKS = ["hardhat", "localhost"] as const;

export const isLocalNetwork = (name: string): boolean => (LOCAL_NETWORKS as readonly string[]).includes(name);

/**
 * Names the live network whose preset and address book the in-process network deploys with: a fork
 * of that network, or the forked suite's replica of it (its contracts at their real addresses).
 */
export const FORK_ENV = "BALLAST_FORK";

/**
 * The network whose preset and addresses a deployment on `networkName` uses: its own, except on the
 * in-process network with BALLAST_FORK naming a live network (then that one, and no local market).
 */
export function deployTarget(networkName: string): string {
  const fork = process.env[FORK_ENV]?.trim();
  if (!fork || networkName !== "hardhat") return networkName;
  if (!isLiveNetwork(fork)) {
    throw new UserError(
      `${FORK_ENV}='${fork}' is not a live network: use one of ${Object.keys(LIVE_NETWORKS).join(", ")}, or unset it.`,
    );
  }
  return fork;
}

/** Whether a deployment on `networkName` gets the local market (see `deployTarget`). */
export const deploysLocalMarket = (networkName: string): boolean => isLocalNetwork(deployTarget(networkName));
