import { describe, it, expect, afterEach } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { ChainId, TransactionVersion } from "@stacks/network";

import { loadConfig } from "../../bot/config";
import { createBot, type Bot } from "../../bot/app";
import { buildWebApp } from "../../bot/web/server";
import { claimRecord } from "../../scripts/lib/claim-record";
import { testDatabase } from "../support/test-store";

/** A mainnet deployment read through a provider's own URL, which says nothing about the network. */
const MAINNET_ON_A_CUSTOM_API = {
  DISCORD_TOKEN: "MTIzNDU2Nzg5MDEyMzQ1Njc4.abcdef.0123456789abcdefghij",
  DISCORD_APPLICATION_ID: "123456789012345678",
  STACKS_NETWORK: "mainnet",
  STACKS_API_URL: "https://stacks-node.provider.example/v1",
  CONTRACT_DEPLOYER: "SP2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKNRV9EJ7",
  KEEPER_PRIVATE_KEY: "7287ba251d44a4d3fd9276c88ce34c5c52a038955511cccaf77e61068649c17801",
  WEB_PORT: "0",
};

let bot: Bot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

/** The page configuration a page's script reads (the escaped JSON data block). */
const pageConfig = (html: string, id: string) =>
  JSON.parse(new RegExp(`<script type="application/json" id="${id}">(.*?)</script>`).exec(html)![1]!);

describe("STACKS_NETWORK=mainnet with a custom API URL", () => {
  it("signs, links and asks wallets for mainnet, whatever the URL", async () => {
    const config = loadConfig({
      ...MAINNET_ON_A_CUSTOM_API,
      DATABASE_PATH: join(mkdtempSync(join(tmpdir(), "mainnet-")), "bot.sqlite"),
      ...(await testDatabase()),
    });
    expect(config.stacks).toMatchObject({ network: "mainnet", apiUrl: "https://stacks-node.provider.example/v1" });
    bot = await createBot(config, { logger: pino({ level: "silent" }) });
    // Signs: the keeper's address and every transaction it builds are mainnet's.
    expect(bot.keeper!.address).toMatch(/^SP/);
    const network = bot.ctx.reader.client.network;
    expect([network.chainId, network.transactionVersion]).toEqual([ChainId.Mainnet, TransactionVersion.Mainnet]);
    // Links: the public mainnet explorer, never the provider's URL.
    expect(bot.ctx.links.tx("ab")).toBe("https://explorer.hiro.so/txid/0xab?chain=mainnet");
    // Wallets: the vote page asks for mainnet, the link page's SIP-018 domain has mainnet's chain id.
    const claim = claimRecord({ claimant: "SP2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKNRV9EJ7" });
    bot.ctx.reader.claim = async () => claim;
    bot.ctx.reader.protocol = async () => null;
    const app = await buildWebApp(bot.ctx);
    const votePage = await app.inject({ url: "/vote/1" });
    expect(votePage.statusCode).toBe(200);
    expect(pageConfig(votePage.body, "page-config")).toMatchObject({ network: "mainnet" });
    const nonce = "ab".repeat(16);
    await bot.ctx.store.createLinkNonce(nonce, "123456789012345678", Date.now() + 60_000);
    const linkPage = await app.inject({ url: `/link/${nonce}` });
    expect(pageConfig(linkPage.body, "page-config")).toMatchObject({ chainId: 1 });
    await app.close();
  });
});
