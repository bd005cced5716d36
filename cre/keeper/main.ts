import { Runner } from "@chainlink/cre-sdk";

import type { z } from "zod";

import { type Config, configSchema, initWorkflow } from "./workflow";

/** The workflow's entry point, as the CRE CLI compiles it to WASM (`cre workflow deploy`). */
export async function main() {
  const runner = await Runner.newRunner<Config, z.input<typeof configSchema>>({ configSchema });
  await runner.run(initWorkflow);
}

main();
