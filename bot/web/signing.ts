import type { BotContext } from "../discord/context";

/**
 * What every page where a member's wallet signs tells its script about the chain: the network the wallet signs
 * for and the explorer's transaction link (with `{txid}` where the id goes).
 */
export function signingConfig(ctx: Pick<BotContext, "config" | "links">) {
  return {
    network: ctx.config.stacks.network === "mainnet" ? ("mainnet" as const) : ("testnet" as const),
    explorerTx: ctx.links.tx("{txid}").replace("0x{txid}", "{txid}"),
  };
}
