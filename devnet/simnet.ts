import { initSimnet, type Simnet } from "@stacks/clarinet-sdk";

/**
 * Starts a fresh Clarinet simnet (the real Clarity VM) with the project's contracts deployed: each call
 * gets its own chain, so several local chains can live in one process. The simnet echoes every
 * contract `print` to console.log; our tools report events themselves, so those echoes are dropped.
 */
export async function startSimnet(options: { trackCosts?: boolean; manifest?: string } = {}): Promise<Simnet> {
  silenceContractPrints();
  return initSimnet(options.manifest ?? "./Clarinet.toml", true, {
    trackCosts: options.trackCosts ?? false,
    trackCoverage: false,
  });
}

const PRINT_ECHO = /^\{.*\} \([\w-]+:\d+\)\s*$/s;
let silenced = false;
function silenceContractPrints() {
  if (silenced) return;
  silenced = true;
  const log = console.log.bind(console);
  console.log = (...args: unknown[]) => {
    if (
      args.length === 1 &&
      typeof args[0] === "string" &&
      (PRINT_ECHO.test(args[0].trim()) || args[0].startsWith("Updated deployment plan"))
    )
      return;
    log(...args);
  };
}
