import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { flagsFor } from "../../cli/options.js";
import { OperationError, UsageError } from "../../cli/errors.js";
import { printTable, writeOutput } from "../../cli/output.js";
import { renderPlan, runPlan } from "../../cli/plan.js";

export function build(app: App): CommandUnknownOpts {
  const cmd = new Command("alerts").description("controller alerts: GSLB events to Slack through a ControlScript, list, delete");
  cmd.addCommand(
    new Command("slack")
      .description("ControlScript, action group and alert configs that post GSLB events to a Slack webhook")
      .option("--webhook-url-file <file>", "file holding the Slack webhook URL (a secret, never printed)")
      .option("--events <list>", "comma-separated events", "GS_UP,GS_DOWN,GS_MEMBER_UP,GS_MEMBER_DOWN")
      .option("--channel <name>", "Slack channel to post to (default: the webhook's)")
      .option("--test", "post a sample GS_MEMBER_DOWN message to the webhook and report the HTTP status")
      .addHelpText(
        "after",
        `\nExample:\n  avictl --context lab-leader alerts slack --webhook-url-file ~/.slack-webhook --channel '#gslb' --test`,
      )
      .action(async (raw) => {
        const { toSlackOptions, readWebhookUrl, slackAlerts } = await import("../../workflows/alerts/slack.js");
        const { postJson } = await app.clients.http();
        const opts = toSlackOptions(flagsFor<Parameters<typeof toSlackOptions>[0]>()({ ...raw, dryRun: app.globals().dryRun }));
        const { url, warning } = readWebhookUrl(opts.webhookUrlFile);
        const avi = await app.clients.avi();
        const { events, spinner } = app.progress("Slack alerts");
        let r;
        try {
          r = await slackAlerts(opts, avi, url, postJson, events);
        } finally {
          spinner.stop();
        }
        if (warning) r.warnings.push(warning);
        await writeOutput(app.output(), app.io, r, (io, res) => {
          renderPlan(io, res);
          if (res.test)
            io.err(
              `${res.test.status >= 200 && res.test.status < 300 ? io.ok(`test message posted: HTTP ${res.test.status}`) : io.warn(`test message: the webhook answered HTTP ${res.test.status}`)}\n`,
            );
        });
        if (r.test && (r.test.status < 200 || r.test.status >= 300))
          throw new OperationError(`the Slack webhook answered HTTP ${r.test.status} to the test message`);
      }),
  );
  cmd.addCommand(
    new Command("list").description("the alert configs avictl made, with their events").action(async () => {
      const { listAlerts } = await import("../../workflows/alerts/slack.js");
      const rows = await listAlerts(await app.clients.avi());
      await writeOutput(app.output(), app.io, rows, (io, r) =>
        printTable(
          io,
          ["NAME", "EVENTS", "ACTION GROUP", "THROTTLE", "ENABLED"],
          r.map((a) => [a.name, a.events.join(","), a.actionGroup ?? "-", a.throttle ?? "-", a.enabled ? "yes" : "no"]),
        ),
      );
    }),
  );
  cmd.addCommand(
    new Command("delete")
      .description("delete avictl's Slack alerts (alert configs, then the action group and ControlScript when none is left)")
      .option("--events <list>", "only these events' alert configs")
      .action(async (raw) => {
        const { deleteAlerts, GS_EVENTS } = await import("../../workflows/alerts/slack.js");
        const only = raw.events?.split(",").map((e) => e.trim().toUpperCase());
        const bad = only?.find((e) => !(GS_EVENTS as readonly string[]).includes(e));
        if (bad) throw new UsageError(`--events: unknown event "${bad}" (choose from ${GS_EVENTS.join(", ")})`);
        await runPlan(app, "deleting alerts", (avi) =>
          deleteAlerts(avi, only as (typeof GS_EVENTS)[number][] | undefined, Boolean(app.globals().dryRun)),
        );
      }),
  );
  return cmd;
}
