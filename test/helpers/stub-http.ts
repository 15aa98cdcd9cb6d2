import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface StubReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string | string[]>;
  /** Drop the connection without answering. */
  reset?: boolean;
  /** Send the headers and half the body, then drop the connection ("cut") or go quiet ("stall"). */
  partial?: "cut" | "stall";
}

interface Stub {
  method: string;
  path: string;
  replies: (StubReply | ((req: RecordedRequest) => StubReply))[];
  times: number;
  used: number;
}

/**
 * A strict loopback HTTP stub: every request must match a registered (method, path); unmatched requests
 * fail the test, and verify() fails for stubs that were never used.
 */
export class StubServer {
  readonly requests: RecordedRequest[] = [];
  readonly unmatched: string[] = [];
  private stubs: Stub[] = [];
  private server: Server = createServer((req, res) => this.handle(req, res));
  url = "";

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Register replies for (method, path); they are served in order, the last one repeats `times` allows. */
  on(method: string, path: string, ...replies: Stub["replies"]): this {
    this.stubs.push({ method, path, replies, times: replies.length, used: 0 });
    return this;
  }

  /** Like on() but the single reply may be used any number of times. */
  always(method: string, path: string, reply: Stub["replies"][number]): this {
    this.stubs.push({ method, path, replies: [reply], times: Infinity, used: 0 });
    return this;
  }

  verify(): void {
    if (this.unmatched.length) throw new Error(`unexpected requests: ${this.unmatched.join(", ")}`);
    const unused = this.stubs.filter((s) => s.used === 0);
    if (unused.length) throw new Error(`stubs never used: ${unused.map((s) => `${s.method} ${s.path}`).join(", ")}`);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      const u = new URL(req.url ?? "/", "http://x");
      const rec: RecordedRequest = {
        method: req.method ?? "",
        path: u.pathname,
        query: Object.fromEntries(u.searchParams),
        headers: req.headers,
        body,
      };
      this.requests.push(rec);
      const stub = this.stubs.find((s) => s.method === rec.method && s.path === rec.path && s.used < s.times);
      if (!stub) {
        this.unmatched.push(`${rec.method} ${rec.path}`);
        res.writeHead(599).end("no stub");
        return;
      }
      const r = stub.replies[Math.min(stub.used, stub.replies.length - 1)]!;
      stub.used++;
      const reply = typeof r === "function" ? r(rec) : r;
      if (reply.reset) {
        req.socket.destroy();
        return;
      }
      const text = reply.body === undefined ? "" : typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
      res.writeHead(reply.status, {
        "Content-Type": typeof reply.body === "string" ? "text/plain" : "application/json",
        "Content-Length": Buffer.byteLength(text),
        ...reply.headers,
      });
      if (reply.partial) {
        res.write(text.slice(0, text.length / 2));
        if (reply.partial === "cut") setTimeout(() => req.socket.destroy(), 20);
        return;
      }
      res.end(text);
    });
  }
}
