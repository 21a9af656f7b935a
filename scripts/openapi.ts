/** npm run openapi: writes docs/openapi.json, the API document @fastify/swagger generates from the routes' schemas. */
import { writeFileSync } from "node:fs";
import { openApiSource } from "./lib/openapi";

writeFileSync("docs/openapi.json", await openApiSource());
console.log("wrote docs/openapi.json");
process.exit(0);
