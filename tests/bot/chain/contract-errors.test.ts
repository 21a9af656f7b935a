import { describe, it, expect } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { CONTRACT_ERRORS, describeContractError } from "../../../bot/chain/contract-errors";

describe("the bot's table of contract errors", () => {
  it("holds exactly the codes and names the contracts define", () => {
    const dir = new URL("../../../contracts/", import.meta.url);
    const defined: Record<number, { name: string; contract: string }> = {};
    for (const file of readdirSync(dir)) {
      for (const m of readFileSync(new URL(file, dir), "utf8").matchAll(
        /\(define-constant (ERR-[A-Z0-9-]+) \(err u(\d+)\)\)/g,
      )) {
        defined[Number(m[2])] = { name: m[1]!, contract: file.replace(".clar", "") };
      }
    }
    expect(
      Object.fromEntries(Object.entries(CONTRACT_ERRORS).map(([k, v]) => [k, { name: v.name, contract: v.contract }])),
    ).toEqual(defined);
  });

  it("has a meaning in words for every code, from docs/contracts.md", () => {
    for (const [code, e] of Object.entries(CONTRACT_ERRORS)) expect(e.meaning, `u${code}`).not.toBe(e.name);
  });

  it("explains a code in words, with its name", () => {
    expect(describeContractError(4005n)).toBe(
      "the protocol's cover would exceed its share of capital (ERR-PROTOCOL-CAP-EXCEEDED, u4005)",
    );
    expect(describeContractError(9999)).toBe("the contract refused with error u9999");
  });
});
