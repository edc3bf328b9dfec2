// Fails when src/gql/ is not what `npm run codegen` writes now: regenerates into a temporary
// folder (CODEGEN_OUTPUT, read by codegen.ts) and compares the two, file by file.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const committed = "src/gql";
const fresh = mkdtempSync(join(tmpdir(), "saga-demo-codegen-"));
try {
  execFileSync("npx", ["graphql-codegen", "--silent"], {
    env: { ...process.env, CODEGEN_OUTPUT: `${fresh}/` },
    stdio: "inherit",
  });
  const names = new Set([...readdirSync(committed), ...readdirSync(fresh)]);
  const stale = [...names].filter((name) => {
    try {
      return (
        readFileSync(join(committed, name), "utf8") !== readFileSync(join(fresh, name), "utf8")
      );
    } catch {
      return true;
    }
  });
  if (stale.length > 0) {
    console.error(`src/gql/ is out of date (${stale.join(", ")}): run \`npm run codegen\`.`);
    process.exit(1);
  }
  console.log("src/gql/ is up to date with the operations and ../schema.graphql.");
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
