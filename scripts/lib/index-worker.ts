/**
 * The index's measurements (scripts/lib/index-bench.ts) in a process of their own, so that what the other
 * measures left in the heap and the compiled code does not weigh on them:
 *   tsx scripts/lib/index-worker.ts [DATABASE_URL]
 * Prints the results as JSON on the last line.
 */
import { Writable } from "node:stream";
import { createLogger } from "../../bot/logger";
import { indexBench } from "./index-bench";

const [url] = process.argv.slice(2);
const logger = createLogger({
  level: "silent",
  destination: new Writable({
    write(_c, _e, done) {
      done();
    },
  }) as never,
});
const result = await indexBench(logger, undefined, url ? { DATABASE_URL: url } : {});
process.stdout.write(`\n${JSON.stringify(result)}\n`);
process.exit(0);
