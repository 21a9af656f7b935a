/** npm run bindings: regenerates stacks/contracts.generated.ts from the contracts. */
import { writeFileSync } from "node:fs";
import { bindingsSource } from "./lib/bindings";

writeFileSync("stacks/contracts.generated.ts", await bindingsSource());
console.log("wrote stacks/contracts.generated.ts");
process.exit(0);
