import { Contract, type Provider } from "ethers";

const ERC20 = ["function symbol() view returns (string)", "function decimals() view returns (uint8)"];

/** A token's symbol and decimals, as the status and plan output print amounts. */
export async function tokenMeta(
  provider: Provider,
  token: string,
): Promise<{ symbol: string; decimals: number }> {
  const c = new Contract(token, ERC20, provider);
  return { symbol: (await c.symbol()) as string, decimals: Number(await c.decimals()) };
}
