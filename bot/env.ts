import { existsSync } from "node:fs";

/** Loads `.env` (or the file DOTENV_PATH names) into process.env, without overriding what is set. */
export function loadDotEnv(path = process.env.DOTENV_PATH ?? ".env") {
  if (existsSync(path)) process.loadEnvFile(path);
}
