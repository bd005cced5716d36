/** Networks that get the local market (in-process and a local `npx hardhat node`). */
export const LOCAL_NETWORKS = ["hardhat", "localhost"] as const;

export const isLocalNetwork = (name: string): boolean => (LOCAL_NETWORKS as readonly string[]).includes(name);
