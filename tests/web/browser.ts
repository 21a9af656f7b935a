import { chromium, type Browser } from "playwright-core";
import { existsSync, mkdirSync } from "node:fs";

/** Debian's Chromium (installed by .ci/run), headless, with nothing reaching outside the machine. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}: apt-get install chromium (see .ci/run)`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"] });
}

export function screenshotPath(name: string) {
  mkdirSync("test-results/screenshots", { recursive: true });
  return `test-results/screenshots/${name}.png`;
}
