/**
 * The wallet-link page's script: the member's wallet signs a SIP-018 message naming their Discord
 * account, this link's one-time nonce and its expiry; the bot verifies it and links the address.
 */
import { request } from "@stacks/connect";
import { Cl } from "@stacks/transactions";
import { pageConfig, stacksAddress, statusLine, walletOptions } from "./wallet";

type PageConfig = { nonce: string; discordId: string; expires: number; chainId: number; domainName: string };
const config = pageConfig<PageConfig>();
const say = statusLine();
const button = document.getElementById("sign") as HTMLButtonElement;

button.addEventListener("click", async () => {
  button.disabled = true;
  try {
    const options = walletOptions();
    const address = await stacksAddress(options);
    say("Sign the message in your wallet…");
    const signed = await request(options, "stx_signStructuredMessage", {
      domain: Cl.tuple({
        name: Cl.stringAscii(config.domainName),
        version: Cl.stringAscii("1"),
        "chain-id": Cl.uint(config.chainId),
      }),
      message: Cl.tuple({
        action: Cl.stringAscii("link-wallet"),
        "discord-id": Cl.stringAscii(config.discordId),
        nonce: Cl.stringAscii(config.nonce),
        expires: Cl.uint(config.expires),
      }),
    });
    const answer = await fetch("/api/link", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ nonce: config.nonce, address, signature: signed.signature }),
    });
    const body = (await answer.json()) as { error?: string | { message: string }; address?: string };
    if (!answer.ok)
      throw new Error((typeof body.error === "string" ? body.error : body.error?.message) ?? `HTTP ${answer.status}`);
    say(`Linked ${body.address}. You can close this page.`, "ok");
  } catch (e) {
    say(`Not linked: ${(e as Error).message}`, "error");
  } finally {
    button.disabled = false;
  }
});
