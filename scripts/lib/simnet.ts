import { initSimnet, type Simnet } from "@stacks/clarinet-sdk";

/**
 * Starts the Clarinet simnet for scripts. The simnet echoes every contract `print` to console.log;
 * scripts tell their own story, so those echoes are dropped (events are read from results instead).
 */
export async function startSimnet(options: { trackCosts?: boolean } = {}): Promise<Simnet> {
  silenceContractPrints();
  return initSimnet("./Clarinet.toml", false, { trackCosts: options.trackCosts ?? false, trackCoverage: false });
}

const PRINT_ECHO = /^\{.*\} \([\w-]+:\d+\)\s*$/s;
let silenced = false;
function silenceContractPrints() {
  if (silenced) return;
  silenced = true;
  const log = console.log.bind(console);
  console.log = (...args: unknown[]) => {
    if (args.length === 1 && typeof args[0] === "string" && (PRINT_ECHO.test(args[0].trim()) || args[0].startsWith("Updated deployment plan"))) return;
    log(...args);
  };
}
