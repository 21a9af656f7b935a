import { readFileSync, readdirSync } from "node:fs";
import { initSimnet } from "@stacks/clarinet-sdk";
import { parseClarityType, typeScriptOf } from "../../stacks/clarity-types";

/**
 * Typed bindings generated from the contracts: each contract's public and read-only functions with their
 * argument and result types (from the Clarinet SDK's contract interfaces), its error codes and its
 * status constants (from its `define-constant`s), the decoded type of each read-only result, and every event
 * with its fields (from docs/events.md, which tests/contracts/events.test.ts keeps equal to what the contracts
 * print) and the meaning of each error (from docs/contracts.md, kept equal to the contracts by
 * tests/contracts/errors-doc.test.ts). `npm run bindings` writes stacks/contracts.generated.ts;
 * a test regenerates it and fails on any difference, so a contract change cannot leave the bindings behind.
 */

type ClarityType = string | { [kind: string]: unknown };

/** A Clarity type from the interface, written as Clarity writes it. */
export function clarityType(t: ClarityType): string {
  if (typeof t === "string")
    return t
      .replace(/^uint128$/, "uint")
      .replace(/^int128$/, "int")
      .replace("trait_reference", "trait");
  // The interface's type tree is JSON from the Clarinet SDK: read here, at the boundary, by kind.
  // biome-ignore lint/suspicious/noExplicitAny: decoding boundary, one kind of node per case below
  const [kind, v] = Object.entries(t)[0] as [string, any];
  switch (kind) {
    case "string-ascii":
    case "string-utf8":
      return `(${kind} ${v.length})`;
    case "buffer":
      return `(buff ${v.length})`;
    case "optional":
      return `(optional ${clarityType(v)})`;
    case "list":
      return `(list ${v.length} ${clarityType(v.type)})`;
    case "response":
      return `(response ${clarityType(v.ok)} ${clarityType(v.error)})`;
    case "tuple":
      return `{ ${(v as { name: string; type: ClarityType }[]).map((f) => `${f.name}: ${clarityType(f.type)}`).join(", ")} }`;
    default:
      return kind;
  }
}

/** docs/events.md's type column ("buff 32", "optional bool", "list of principal") in Clarity's notation. */
export function docType(text: string): string {
  const t = text.trim();
  const optional = /^optional (.+)$/.exec(t);
  if (optional) return `(optional ${docType(optional[1]!)})`;
  const list = /^list of (.+)$/.exec(t);
  if (list) return `(list ${docType(list[1]!)})`;
  const sized = /^([a-z-]+) (\d+)$/.exec(t);
  return sized ? `(${sized[1]} ${sized[2]})` : t;
}

type EventSpec = { contract: string; fields: Record<string, string> };

/** Every documented event: `## contract`, then `### topic[, topic…]` and a `| field | type | meaning |` table. */
export function documentedEvents(doc: string): Record<string, EventSpec> {
  const events: Record<string, EventSpec> = {};
  let contract = "";
  for (const section of doc.split(/^(?=##+ )/m)) {
    const [heading = "", ...lines] = section.split("\n");
    if (heading.startsWith("## ")) contract = heading.slice(3).trim();
    if (!heading.startsWith("### ")) continue;
    const rows = lines
      .filter((l) => l.startsWith("| "))
      .slice(1)
      .map((l) => l.split("|").map((c) => c.trim()));
    const fields = Object.fromEntries(rows.map((r) => [r[1]!, docType(r[2]!)]));
    for (const topic of heading
      .slice(4)
      .split(",")
      .map((t) => t.trim())) {
      if (events[topic]) throw new Error(`event ${topic} is documented twice`);
      events[topic] = { contract, fields };
    }
  }
  return events;
}

/** docs/contracts.md's error table: rows `| u1234 | ERR-NAME | contract | meaning |`, as code → meaning. */
export function documentedErrorMeanings(doc: string): Record<string, string> {
  const meanings: Record<string, string> = {};
  for (const m of doc.matchAll(/^\| u(\d+) \| ERR-[A-Z0-9-]+ \| [a-z-]+ \| (.+?) \|$/gm)) meanings[m[1]!] = m[2]!;
  return meanings;
}

type FunctionSpec = { access: "public" | "read_only"; args: [string, string][]; returns: string };

export async function bindingsSource(
  manifest = "./Clarinet.toml",
  contractsDir = "contracts",
  docsDir = "docs",
): Promise<string> {
  const simnet = await initSimnet(manifest, true, { trackCosts: false, trackCoverage: false });
  const names = readdirSync(contractsDir)
    .filter((f) => f.endsWith(".clar"))
    .map((f) => f.slice(0, -5))
    .sort();
  const interfaces = simnet.getContractsInterfaces();
  const functions: Record<string, Record<string, FunctionSpec>> = {};
  const errors: Record<string, Record<string, number>> = {};
  const constants: Record<string, Record<string, number>> = {};
  for (const name of names) {
    const iface = [...interfaces.entries()].find(([id]) => id === `${simnet.deployer}.${name}`)?.[1];
    if (!iface) throw new Error(`no interface for ${name}`);
    functions[name] = Object.fromEntries(
      iface.functions
        .filter((f) => f.access !== "private")
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((f) => [
          f.name,
          {
            access: f.access as FunctionSpec["access"],
            args: f.args.map((a) => [a.name, clarityType(a.type as ClarityType)]),
            returns: clarityType(f.outputs.type as ClarityType),
          },
        ]),
    );
    const source = readFileSync(`${contractsDir}/${name}.clar`, "utf8");
    errors[name] = Object.fromEntries(
      [...source.matchAll(/\(define-constant (ERR-[A-Z0-9-]+) \(err u(\d+)\)\)/g)].map((m) => [m[1]!, Number(m[2])]),
    );
    constants[name] = Object.fromEntries(
      [...source.matchAll(/\(define-constant ((?:STATUS|TIER|VERDICT|CATEGORY)-[A-Z0-9-]+) u(\d+)\)/g)].map((m) => [
        m[1]!,
        Number(m[2]),
      ]),
    );
  }
  const events = documentedEvents(readFileSync(`${docsDir}/events.md`, "utf8"));
  const meanings = documentedErrorMeanings(readFileSync(`${docsDir}/contracts.md`, "utf8"));
  const json = (v: unknown) => JSON.stringify(v, null, 2);
  const statusNames = Object.entries(constants)
    .map(([contract, named]) => [contract, Object.entries(named).filter(([k]) => k.startsWith("STATUS-"))] as const)
    .filter(([, statuses]) => statuses.length > 0)
    .map(
      ([contract, statuses]) =>
        `  ${JSON.stringify(contract)}: { ${statuses
          .map(([k, code]) => `${code}: ${JSON.stringify(k.slice("STATUS-".length).toLowerCase())}`)
          .join(", ")} },`,
    )
    .join("\n");
  const decoded = (clarity: string) => typeScriptOf(parseClarityType(clarity));
  const readResults = Object.entries(functions)
    .map(
      ([contract, fns]) =>
        `  ${JSON.stringify(contract)}: {\n${Object.entries(fns)
          .filter(([, f]) => f.access === "read_only")
          .map(([fn, f]) => `    ${JSON.stringify(fn)}: ${decoded(f.returns)};`)
          .join("\n")}\n  };`,
    )
    .join("\n");
  const eventData = Object.entries(events)
    .map(
      ([topic, e]) =>
        `  ${JSON.stringify(topic)}: ${decoded(
          `{ ${Object.entries(e.fields)
            .map(([k, t]) => `${k}: ${t}`)
            .join(", ")} }`,
        )};`,
    )
    .join("\n");
  // One line per function, error or constant: readable, and a change shows as one line in a diff.
  const nested = (v: Record<string, Record<string, unknown>>) =>
    `{\n${Object.entries(v)
      .map(
        ([contract, entries]) =>
          `  ${JSON.stringify(contract)}: {\n${Object.entries(entries)
            .map(([k, e]) => `    ${JSON.stringify(k)}: ${JSON.stringify(e)},`)
            .join("\n")}\n  },`,
      )
      .join("\n")}\n}`;
  return `// Generated by \`npm run bindings\` from contracts/ (scripts/lib/bindings.ts). Do not edit: a test regenerates it.

export const CONTRACTS = ${json(names)} as const;
export type ContractName = (typeof CONTRACTS)[number];

/** Each contract's public and read-only functions: access, arguments (name and Clarity type) and result. */
export const FUNCTIONS = ${nested(functions)} as const;
export type PublicFunction<C extends ContractName> = { [F in keyof (typeof FUNCTIONS)[C]]: (typeof FUNCTIONS)[C][F] extends { access: "public" } ? F : never }[keyof (typeof FUNCTIONS)[C]];
export type ReadOnlyFunction<C extends ContractName> = { [F in keyof (typeof FUNCTIONS)[C]]: (typeof FUNCTIONS)[C][F] extends { access: "read_only" } ? F : never }[keyof (typeof FUNCTIONS)[C]];

/** Each contract's error codes by name. */
export const ERRORS = ${nested(errors)} as const;
export type ErrorName<C extends ContractName> = keyof (typeof ERRORS)[C];

/** What each error means, by code (from docs/contracts.md, which a test keeps equal to the contracts). */
export const ERROR_MEANINGS: Record<number, string> = ${json(Object.fromEntries(Object.entries(meanings).map(([k, v]) => [Number(k), v])))};

/** Each contract's status, tier, verdict and category constants. */
export const CONSTANTS = ${nested(constants)} as const;

/** Each contract's status codes, by number, named as its constants name them (STATUS-NO-QUORUM → "no-quorum"). */
export const STATUS_NAMES = {
${statusNames}
} as const;

/** Each read-only function's result as stacks/clarity-values.ts decodes it (camelCase tuples, bigint numbers). */
export type ReadResults = {
${readResults}
};
export type ReadResult<C extends ContractName, F extends ReadOnlyFunction<C>> = F extends keyof ReadResults[C] ? ReadResults[C][F] : never;

/** Every event topic: the contract that prints it and its fields' Clarity types (from docs/events.md). */
export const EVENTS = {
${Object.entries(events)
  .map(([topic, e]) => `  ${JSON.stringify(topic)}: ${JSON.stringify(e)},`)
  .join("\n")}
} as const;
export type EventTopic = keyof typeof EVENTS;

/** Each event's fields as decoded (camelCase, bigint numbers, 0x-hex buffers, null for none). */
export type EventData = {
${eventData}
};
`;
}
