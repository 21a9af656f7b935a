import { Locale } from "discord-api-types/v10";

/**
 * What Discord checks in a command registration (PUT /applications/{id}/commands) beyond the schema: names match
 * its pattern and are lowercase, descriptions are 1 to 100 characters, localisations use its locales only, sibling
 * names (localised too) are unique, at most 25 options and choices, and required options come first. A registration
 * that breaks one is refused whole with 400 Invalid Form Body (50035), the errors keyed by where they are.
 */

// Discord's documented pattern for command and option names (CHAT_INPUT).
const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const LOCALES = new Set<string>(Object.values(Locale));
const MAX_OPTIONS = 25;
const MAX_DESCRIPTION = 100;

type Item = {
  name?: unknown;
  description?: unknown;
  name_localizations?: Record<string, unknown> | null;
  description_localizations?: Record<string, unknown> | null;
  options?: Item[];
  choices?: { name?: unknown; name_localizations?: Record<string, unknown> | null }[];
  required?: boolean;
  type?: number;
};

export type RegistrationError = { path: string; code: string; message: string };

export function registrationErrors(commands: Item[]): RegistrationError[] {
  const errors: RegistrationError[] = [];
  const fail = (path: string, code: string, message: string) => errors.push({ path, code, message });
  const checkName = (name: unknown, path: string) => {
    if (typeof name !== "string" || !NAME.test(name) || name !== name.toLowerCase())
      fail(path, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid");
  };
  const checkLocales = (
    map: Record<string, unknown> | null | undefined,
    path: string,
    each: (v: unknown, p: string) => void,
  ) => {
    for (const [locale, value] of Object.entries(map ?? {})) {
      if (!LOCALES.has(locale)) fail(`${path}.${locale}`, "LOCALE_INVALID", `Invalid locale: ${locale}`);
      else each(value, `${path}.${locale}`);
    }
  };
  const checkDescription = (d: unknown, path: string) => {
    if (typeof d !== "string" || d.length < 1 || d.length > MAX_DESCRIPTION)
      fail(path, "BASE_TYPE_BAD_LENGTH", `Must be between 1 and ${MAX_DESCRIPTION} in length.`);
  };
  const checkSiblings = (
    items: { name?: unknown; name_localizations?: Record<string, unknown> | null }[],
    path: string,
  ) => {
    const seen = new Set<string>();
    for (const item of items) {
      const names = [
        `default:${item.name}`,
        ...Object.entries(item.name_localizations ?? {}).map(([l, n]) => `${l}:${n}`),
      ];
      for (const n of names) {
        if (seen.has(n))
          fail(path, "APPLICATION_COMMANDS_DUPLICATE_NAME", `Application command names must be unique (${n})`);
        seen.add(n);
      }
    }
  };
  const walk = (item: Item, path: string) => {
    checkName(item.name, `${path}.name`);
    checkDescription(item.description, `${path}.description`);
    checkLocales(item.name_localizations, `${path}.name_localizations`, checkName);
    checkLocales(item.description_localizations, `${path}.description_localizations`, checkDescription);
    const options = item.options ?? [];
    if (options.length > MAX_OPTIONS) fail(`${path}.options`, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
    checkSiblings(options, `${path}.options`);
    let optionalSeen = false;
    options.forEach((o, i) => {
      if (o.required && optionalSeen)
        fail(
          `${path}.options.${i}.required`,
          "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
          "Required options must be placed before non-required options",
        );
      if (!o.required) optionalSeen = true;
      walk(o, `${path}.options.${i}`);
    });
    const choices = item.choices ?? [];
    if (choices.length > MAX_OPTIONS) fail(`${path}.choices`, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
    choices.forEach((c, i) => {
      checkLocales(c.name_localizations, `${path}.choices.${i}.name_localizations`, (v, p) => {
        if (typeof v !== "string" || v.length < 1 || v.length > MAX_DESCRIPTION)
          fail(p, "BASE_TYPE_BAD_LENGTH", `Must be between 1 and ${MAX_DESCRIPTION} in length.`);
      });
    });
  };
  checkSiblings(commands, "");
  commands.forEach((c, i) => {
    walk(c, String(i));
  });
  return errors;
}

/** The errors as Discord nests them: { "0": { "name": { "_errors": [{ code, message }] } } }. */
export function invalidFormBody(errors: RegistrationError[]) {
  const nested: Record<string, unknown> = {};
  for (const e of errors) {
    let at = nested;
    for (const key of e.path.split(".").filter(Boolean)) {
      at[key] ??= {};
      at = at[key] as Record<string, unknown>;
    }
    at._errors ??= [];
    (at._errors as unknown[]).push({ code: e.code, message: e.message });
  }
  return { code: 50035, errors: nested, message: "Invalid Form Body" };
}
