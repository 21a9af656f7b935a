/**
 * npm run costs: measures every public function with 1 and with 1,000 existing policies and writes
 * the table into docs/contracts.md (between the costs markers).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { startSimnet } from "./lib/simnet";
import { measureContractCosts, costTable } from "./lib/contract-costs";

const simnet = await startSimnet({ trackCosts: true });
const one = await measureContractCosts(simnet, 1);
const thousand = await measureContractCosts(simnet, 1_000);
const table = [
  "Share of the block limit of one call of each public function with 1,000 existing policies (all on the",
  "measured protocol and bought by the measured holder), the largest share with 1 existing policy, how many",
  "such calls fit in one block, and the largest growth over the five dimensions between the two.",
  `Measured by \`npm run costs\` on epoch ${simnet.currentEpoch}.`,
  "",
  costTable(one, thousand, "1 policy", "1,000 policies"),
].join("\n");

const path = "docs/contracts.md";
const doc = readFileSync(path, "utf8");
const start = "<!-- costs:start -->";
const end = "<!-- costs:end -->";
const from = doc.indexOf(start);
const to = doc.indexOf(end);
if (from < 0 || to < from) throw new Error(`${path} has no ${start} … ${end} section`);
writeFileSync(path, `${doc.slice(0, from + start.length)}\n${table}\n${doc.slice(to)}`);
console.log(table);
console.log(`\nwrote ${path}`);
