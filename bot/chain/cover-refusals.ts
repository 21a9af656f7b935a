import { describeContractError, errorCode } from "./contract-errors";
import type { ProtocolReader } from "./protocol-reader";
import { formatStx } from "../format/stx";

const COVER = "cybersecurity-insurance-defi";
const REFUSAL = {
  paused: errorCode(COVER, "ERR-COVER-PAUSED"),
  tooSmall: errorCode(COVER, "ERR-COVERAGE-TOO-SMALL"),
  duration: errorCode(COVER, "ERR-INVALID-DURATION"),
  capacity: errorCode(COVER, "ERR-INSUFFICIENT-CAPACITY"),
  protocolCap: errorCode(COVER, "ERR-PROTOCOL-CAP-EXCEEDED"),
};

/** Why the contract refuses cover (its quote's or purchase's error), said as what to change: /quote and the buy page. */
export async function explainCoverRefusal(code: bigint, reader: ProtocolReader): Promise<string> {
  const p = (name: string) => reader.parameter(name);
  switch (Number(code)) {
    case REFUSAL.tooSmall:
      return `Cover starts at ${formatStx(await p("min-coverage"))}; ask for more.`;
    case REFUSAL.duration:
      return `Cover lasts ${await p("min-duration-days")} to ${await p("max-duration-days")} days; pick a length in that range.`;
    case REFUSAL.capacity:
      return `The pool can take only ${formatStx((await reader.pool()).freeCapacity)} more cover right now; ask for less.`;
    case REFUSAL.protocolCap:
      return "That would put more than the pool's per-protocol share of capital on this protocol; ask for less.";
    case REFUSAL.paused:
      return "The council has paused new cover for now.";
    default:
      return `No quote: ${describeContractError(code)}.`;
  }
}
