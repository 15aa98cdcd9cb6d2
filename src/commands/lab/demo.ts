import { Command } from "commander";
import type { App } from "../../cli/app.js";
import { OperationError } from "../../cli/errors.js";

export function build(app: App): Command {
  return new Command("demo")
    .description("start a fresh lab and walk through the whole operator flow with real avictl commands")
    .action(async () => {
      const io = app.io;
      const { mkdtempSync, rmSync } = await import("node:fs");
      const { tmpdir } = await import("node:os");
      const { join } = await import("node:path");
      const { startLab } = await import("../../lab/index.js");
      const { demoSteps, runDemo } = await import("../../workflows/lab/demo.js");
      // A private config dir so the demo never touches the user's contexts.
      const home = mkdtempSync(join(tmpdir(), "avictl-demo-"));
      const lab = await startLab({ dir: home });
      try {
        io.err(`${io.warn("SIMULATION: avictl's lab on 127.0.0.1, not an Avi controller.")}\n`);
        const c = lab.state.controllers[0]!;
        const env = { ...process.env, AVICTL_CONFIG: join(home, "config.yaml"), AVI_CONTROLLER: c.url, AVI_USERNAME: c.username, AVI_PASSWORD_FILE: c.passwordFile, KUBECONFIG: lab.state.kubeconfig, NO_COLOR: io.stdoutTTY ? undefined : "1" };
        const results = await runDemo(
          demoSteps(() => lab.state),
          env,
          (s, i) => io.out(`\n${io.color.bold(`${i + 1}. ${s.title}`)}\n${io.color.cyan(`$ avictl ${s.args.map(quote).join(" ")}`)}\n`),
          (r) => io.out(r.stdout + (r.code === 0 ? "" : io.dim(r.stderr))),
        );
        const failed = results.find((r) => !(r.ok ?? [0]).includes(r.code));
        if (failed) throw new OperationError(`demo step "avictl ${failed.args.join(" ")}" exited ${failed.code}`);
        io.out(`\n${io.ok(`demo complete: ${results.length} steps`)}\n`);
      } finally {
        await lab.close();
        rmSync(home, { recursive: true, force: true });
      }
    });
}

function quote(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`;
}
