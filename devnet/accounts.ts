import { readFileSync } from "node:fs";
import { parse } from "smol-toml";
import { generateWallet } from "@stacks/wallet-sdk";
import { privateKeyToAddress } from "@stacks/transactions";

export type DevnetAccount = { name: string; address: string; privateKey: string; balance: bigint };

/**
 * The devnet accounts of settings/Devnet.toml with their private keys (derived from the public test
 * mnemonics there), so local tools can sign real transactions as any of them.
 */
export function loadDevnetAccounts(path = "settings/Devnet.toml"): Promise<Map<string, DevnetAccount>> {
  // Deriving keys from mnemonics is slow (PBKDF2); every local chain in a process shares the result.
  let loading = cache.get(path);
  if (!loading) {
    loading = deriveAccounts(path);
    cache.set(path, loading);
  }
  return loading;
}
const cache = new Map<string, Promise<Map<string, DevnetAccount>>>();

async function deriveAccounts(path: string): Promise<Map<string, DevnetAccount>> {
  const settings = parse(readFileSync(path, "utf8")) as {
    accounts?: Record<string, { mnemonic: string; balance: number | bigint }>;
  };
  const accounts = new Map<string, DevnetAccount>();
  for (const [name, { mnemonic, balance }] of Object.entries(settings.accounts ?? {})) {
    const wallet = await generateWallet({ secretKey: mnemonic, password: "" });
    const privateKey = wallet.accounts[0]!.stxPrivateKey;
    accounts.set(name, {
      name,
      address: privateKeyToAddress(privateKey, "testnet"),
      privateKey,
      balance: BigInt(balance),
    });
  }
  return accounts;
}
