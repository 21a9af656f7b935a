/**
 * The wallet-link page's script: the member's wallet signs a SIP-018 message naming their Discord
 * account, this link's one-time nonce and its expiry; the bot verifies it and links the address.
 */
import { request, getStacksProvider } from "@stacks/connect";
import { Cl } from "@stacks/transactions";

type PageConfig = { nonce: string; discordId: string; expires: number; chainId: number; domainName: string };
const config = JSON.parse(document.getElementById("page-config")!.textContent!) as PageConfig;
const status = document.getElementById("status")!;
const button = document.getElementById("sign") as HTMLButtonElement;
const say = (text: string, kind: "info" | "ok" | "error" = "info") => {
  status.textContent = text;
  status.dataset.kind = kind;
};

button.addEventListener("click", async () => {
  button.disabled = true;
  try {
    const provider = getStacksProvider();
    const options = { provider, enableLocalStorage: false, forceWalletSelect: !provider };
    const { addresses } = await request(options, "getAddresses");
    const address = addresses.map((a) => a.address).find((a) => /^S[PTMN]/.test(a));
    if (!address) throw new Error("your wallet did not share a Stacks address");
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
