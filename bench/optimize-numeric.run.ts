// Runs the numeric optimizer benchmarks alone: `npx tsx bench/optimize-numeric.run.ts [--json]`.
import { runNumericBenchmarks } from "./optimize-numeric.js";

const json = process.argv.includes("--json");
const result = await runNumericBenchmarks({ log: json ? () => {} : console.log });
if (json) console.log(JSON.stringify(result, null, 2));
