import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A stand-in for Slack's incoming webhooks on loopback: what the controller's ControlScript posts, kept in order. */
export interface SlackReceiver {
  /** The webhook URL (a secret, like Slack's: written to a 0600 file, never printed). */
  url: string;
  /** The text of the next message matching `match` that was not returned before; undefined after the timeout. */
  next(match: RegExp, timeoutMs: number, signal: AbortSignal): Promise<string | undefined>;
  close(): Promise<void>;
}

export async function startSlackReceiver(): Promise<SlackReceiver> {
  const path = `/services/${randomBytes(12).toString("hex")}`;
  const texts: string[] = [];
  let seen = 0;
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => (body += d.length + body.length > 65_536 ? "" : d));
    req.on("end", () => {
      // Slack answers 404 "no_service" for an unknown hook, 400 "invalid_payload" for a body without text.
      if (req.method !== "POST" || req.url !== path) return void res.writeHead(404).end("no_service");
      let text: unknown;
      try {
        text = (JSON.parse(body) as { text?: unknown }).text;
      } catch {
        text = undefined;
      }
      if (typeof text !== "string") return void res.writeHead(400).end("invalid_payload");
      texts.push(text);
      res.writeHead(200, { "Content-Type": "text/html" }).end("ok");
    });
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    async next(match, timeoutMs, signal) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const i = texts.findIndex((t, k) => k >= seen && match.test(t));
        if (i >= 0) {
          seen = i + 1;
          return texts[i];
        }
        if (signal.aborted || Date.now() > deadline) return undefined;
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
