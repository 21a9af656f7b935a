import { formatStx } from "../../format/stx";
import { discordText } from "../../format/untrusted";

/**
 * What the keeper tells the operators' channel (OPERATIONS_CHANNEL_ID) when it cannot act by itself. Pure:
 * the facts in, the message text out. The address and the function name came back from the node, so they go
 * through discordText like every chain string.
 */
export type KeeperAlert =
  | {
      kind: "funding";
      address: string;
      /** What the node says the keeper holds and what the call needed (micro-STX), when it said so. */
      balance: bigint | null;
      needed: bigint | null;
      functionName: string;
    }
  | { kind: "fee"; address: string; functionName: string; fee: bigint; cap: bigint }
  | { kind: "chaining"; address: string; passes: number };

const amount = (micro: bigint | null) => (micro === null ? "an amount the node did not say" : formatStx(micro));

export function keeperAlertText(alert: KeeperAlert): string {
  const address = discordText(alert.address);
  const call = "functionName" in alert ? discordText(alert.functionName) : "";
  switch (alert.kind) {
    case "funding":
      return (
        `⚠️ The keeper needs funding: its address ${address} holds ${amount(alert.balance)}, and ${call} needs ` +
        `${amount(alert.needed)} in fees. It sends nothing until it is funded: send it STX.`
      );
    case "fee":
      return (
        `⚠️ The keeper cannot pay the fee the node asks for ${call}: ${formatStx(alert.fee)}, above ` +
        `\`KEEPER_MAX_FEE_USTX\` (${formatStx(alert.cap)}). Nothing is sent; it tries again each minute. Raise the ` +
        `cap if this fee is acceptable (keeper ${address}).`
      );
    case "chaining":
      return (
        `⚠️ The keeper's transactions are stuck: for ${alert.passes} passes in a row the node refused another ` +
        `one (TooMuchChaining: too many of ${address}'s transactions wait unconfirmed in the mempool). It waits ` +
        "for them to confirm; check the node and the mempool if this lasts."
      );
  }
}
