/**
 * One measurement of every public function's cost, in its own process so two can run in parallel:
 *   tsx scripts/lib/cost-worker.ts <policies> <claims> <voters>
 * Prints the measurements as JSON on the last line.
 */
import { startSimnet } from "../../devnet/simnet";
import { measureContractCosts } from "./contract-costs";

const [policies, claims, voters] = process.argv.slice(2).map(Number) as [number, number, number];
const simnet = await startSimnet({ trackCosts: true });
const measured = await measureContractCosts(simnet, { policies, claims, voters });
process.stdout.write(`\n${JSON.stringify(measured)}\n`);
