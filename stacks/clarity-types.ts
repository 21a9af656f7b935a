import { z } from "zod";

/**
 * Clarity types, read from the notation Clarity prints (`uint`, `(optional (buff 32))`, `{ a: uint, b: bool }`,
 * `(response uint uint)`, `(list 5 principal)`; lengths may be left out). From one parse come both the zod schema
 * that checks a value decoded by `toPlain` and `camelize` at the boundary, and the TypeScript type the generated
 * bindings declare for it, so what the compiler believes and what the boundary accepts cannot differ.
 */
export type ClarityTypeNode =
  | { kind: "uint" | "int" | "bool" | "principal" | "string" | "buff" | "none" }
  | { kind: "optional" | "list"; of: ClarityTypeNode }
  | { kind: "response"; ok: ClarityTypeNode; err: ClarityTypeNode }
  | { kind: "tuple"; fields: [string, ClarityTypeNode][] };

const ATOMS: Record<string, ClarityTypeNode["kind"]> = {
  uint: "uint",
  int: "int",
  bool: "bool",
  principal: "principal",
  trait: "principal",
  none: "none",
  "string-ascii": "string",
  "string-utf8": "string",
  buff: "buff",
};

export class ClarityTypeSyntaxError extends Error {}

export function parseClarityType(text: string): ClarityTypeNode {
  const tokens = text.match(/[(){}:,]|[^\s(){}:,]+/g) ?? [];
  let at = 0;
  const next = () => tokens[at++] ?? "";
  const expect = (token: string) => {
    if (next() !== token) throw new ClarityTypeSyntaxError(`expected "${token}" in ${text}`);
  };
  const skipLength = () => {
    if (/^\d+$/.test(tokens[at] ?? "")) at += 1;
  };
  function type(): ClarityTypeNode {
    const token = next();
    if (token === "{") return tuple();
    if (token !== "(") {
      const kind = ATOMS[token];
      if (!kind) throw new ClarityTypeSyntaxError(`unknown Clarity type "${token}" in ${text}`);
      return { kind } as ClarityTypeNode;
    }
    const head = next();
    let node: ClarityTypeNode;
    if (head === "optional") node = { kind: "optional", of: type() };
    else if (head === "list") {
      skipLength();
      node = { kind: "list", of: type() };
    } else if (head === "response") node = { kind: "response", ok: type(), err: type() };
    else if (ATOMS[head] === "string" || ATOMS[head] === "buff") {
      skipLength();
      node = { kind: ATOMS[head] } as ClarityTypeNode;
    } else throw new ClarityTypeSyntaxError(`unknown Clarity type "(${head}" in ${text}`);
    expect(")");
    return node;
  }
  function tuple(): ClarityTypeNode {
    const fields: [string, ClarityTypeNode][] = [];
    while (tokens[at] !== "}") {
      const name = next();
      expect(":");
      fields.push([name, type()]);
      if (tokens[at] === ",") at += 1;
      if (at >= tokens.length) throw new ClarityTypeSyntaxError(`unclosed tuple in ${text}`);
    }
    at += 1;
    return { kind: "tuple", fields };
  }
  const node = type();
  if (at !== tokens.length) throw new ClarityTypeSyntaxError(`unexpected "${tokens[at]}" in ${text}`);
  return node;
}

/** A Clarity name (kebab-case) as the bot's objects name it. */
export const camelName = (key: string) => key.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** The zod schema of a decoded value of this type (tuples strict: a field the type lacks is refused). */
export function zodOf(node: ClarityTypeNode): z.ZodType {
  switch (node.kind) {
    case "uint":
    case "int":
      return z.bigint();
    case "bool":
      return z.boolean();
    case "principal":
    case "string":
      return z.string();
    case "buff":
      return z.string().regex(/^0x(?:[0-9a-f]{2})*$/);
    case "none":
      return z.null();
    case "optional":
      return zodOf(node.of).nullable();
    case "list":
      return z.array(zodOf(node.of));
    case "response":
      return z.union([zodOf(node.ok), z.strictObject({ error: zodOf(node.err) })]);
    case "tuple":
      return z.strictObject(Object.fromEntries(node.fields.map(([name, field]) => [camelName(name), zodOf(field)])));
  }
}

/** The TypeScript type of a decoded value of this type, as source text (for the generated bindings). */
export function typeScriptOf(node: ClarityTypeNode): string {
  switch (node.kind) {
    case "uint":
    case "int":
      return "bigint";
    case "bool":
      return "boolean";
    case "principal":
    case "string":
    case "buff":
      return "string";
    case "none":
      return "null";
    case "optional":
      return `${typeScriptOf(node.of)} | null`;
    case "list":
      return `(${typeScriptOf(node.of)})[]`;
    case "response":
      return `${typeScriptOf(node.ok)} | { error: ${typeScriptOf(node.err)} }`;
    case "tuple":
      return `{ ${node.fields.map(([name, field]) => `${camelName(name)}: ${typeScriptOf(field)}`).join("; ")} }`;
  }
}
