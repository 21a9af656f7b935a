import type { ClarityValue } from "@stacks/transactions";
import type { z } from "zod";
import { camelize, toPlain } from "./clarity-values";
import { parseClarityType, zodOf } from "./clarity-types";
import {
  EVENTS,
  FUNCTIONS,
  type ContractName,
  type EventData,
  type EventTopic,
  type ReadOnlyFunction,
  type ReadResult,
} from "./contracts.generated";

/**
 * The one boundary where Clarity values from the chain become typed objects: every read-only result and
 * every event is decoded (toPlain, camelize) and checked with zod against the type the generated bindings
 * give it, so nothing past this point holds a shape the compiler was not told about.
 */

/** A value from the chain that does not have the shape the bindings say. */
export class ContractShapeError extends Error {}

export type ContractEvent = { [T in EventTopic]: { topic: T; data: EventData[T] } }[EventTopic];

const schemas = new Map<string, z.ZodType>();
function schemaFor(key: string, clarityType: () => string): z.ZodType {
  let schema = schemas.get(key);
  if (!schema) {
    schema = zodOf(parseClarityType(clarityType()));
    schemas.set(key, schema);
  }
  return schema;
}

function checked<T>(schema: z.ZodType, plain: unknown, what: string): T {
  const parsed = schema.safeParse(plain);
  if (!parsed.success)
    throw new ContractShapeError(
      `${what} has an unexpected shape: ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`,
    );
  return parsed.data as T;
}

/** A read-only function's result, decoded and checked against its generated type. */
export function decodeReadResult<C extends ContractName, F extends ReadOnlyFunction<C> & string>(
  contract: C,
  fn: F,
  value: ClarityValue,
): ReadResult<C, F> {
  const spec = (FUNCTIONS[contract] as Record<string, { returns: string }>)[fn]!;
  return checked(
    schemaFor(`${contract}.${fn}`, () => spec.returns),
    camelize(toPlain(value)),
    `${contract}.${fn}`,
  );
}

/** A printed event, decoded and checked against docs/events.md's fields for its topic; refused if its contract does not print it. */
export function decodeEvent(contract: string, value: ClarityValue): ContractEvent {
  const plain = camelize(toPlain(value));
  const topic = plain && typeof plain === "object" && "topic" in plain ? String(plain.topic) : "";
  const spec = (EVENTS as Record<string, { contract: string; fields: Record<string, string> }>)[topic];
  if (!spec || spec.contract !== contract)
    throw new ContractShapeError(`${contract} printed an event the bindings do not know: "${topic}"`);
  const { topic: _topic, ...data } = plain as Record<string, unknown>;
  const fields = () =>
    `{ ${Object.entries(spec.fields)
      .map(([k, t]) => `${k}: ${t}`)
      .join(", ")} }`;
  return { topic, data: checked(schemaFor(`event:${topic}`, fields), data, `event ${topic}`) } as ContractEvent;
}
