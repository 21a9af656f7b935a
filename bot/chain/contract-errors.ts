import { ERROR_MEANINGS, ERRORS, type ContractName, type ErrorName } from "../../stacks/contracts.generated";

/**
 * Every error code the contracts return, with its name, contract and a plain explanation for members: all
 * from the generated bindings (codes and names from the contracts, meanings from docs/contracts.md's
 * table, which tests/contracts/errors-doc.test.ts keeps equal to the contracts).
 */
export const CONTRACT_ERRORS: Record<number, { name: string; contract: string; meaning: string }> = Object.fromEntries(
  Object.entries(ERRORS).flatMap(([contract, codes]) =>
    Object.entries(codes).map(([name, code]) => [code, { name, contract, meaning: ERROR_MEANINGS[code] ?? name }]),
  ),
);

export function describeContractError(code: number | bigint): string {
  const e = CONTRACT_ERRORS[Number(code)];
  return e ? `${e.meaning} (${e.name}, u${code})` : `the contract refused with error u${code}`;
}

/**
 * A contract's error code by its name, from the generated bindings (names repeat across contracts, so the
 * contract is named too); a name the contract does not define does not compile.
 */
export function errorCode<C extends ContractName>(contract: C, name: ErrorName<C>): number {
  return (ERRORS[contract] as Record<ErrorName<C>, number>)[name];
}
