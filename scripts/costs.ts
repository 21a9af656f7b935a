/**
 * npm run costs: measures every public function (with 1 policy and 1 voter, with 1,000 existing
 * policies, and with 1,000 earlier voters on the measured claim) and writes the table into
 * docs/contracts.md, between the costs markers.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { startSimnet } from "../devnet/simnet";
import { measureAllScales, costTable } from "./lib/contract-costs";

const simnet = await startSimnet({ trackCosts: true });
const runs = await measureAllScales(simnet);
const table = [
  "Share of the block limit used by one call of each public function with 1 existing policy and 1 earlier",
  "voter, how many such calls fit in one block, and the largest growth over the five dimensions when 1,000",
  "policies exist on the measured protocol (all bought by the measured holder) or when 1,000 assessors have",
  `voted on the measured claim before. Measured by \`npm run costs\` on epoch ${simnet.currentEpoch}.`,
  "",
  costTable(runs),
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
