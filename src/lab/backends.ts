import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface BackendSpec {
  /** Site label shown in the page, e.g. "SITE1 AZ1". */
  site: string;
  /** Loopback address to bind, e.g. 127.0.0.11. */
  host: string;
  port?: number;
}

export interface Backend {
  site: string;
  host: string;
  port: number;
  url: string;
  pods: string[];
}

export interface BackendsHandle {
  backends: Backend[];
  close(): Promise<void>;
}

const suffix = () => randomBytes(4).toString("hex").slice(0, 5);

/** The page a hello-kubernetes pod serves: the MESSAGE line and the pod that answered. */
export function helloPage(message: string, pod: string, namespace = "default", node = "worker"): string {
  return `<!DOCTYPE html>
<html>
<head><title>Hello Kubernetes!</title></head>
<body>
  <div class="main">
    <div class="content">
      <div id="message">
  MESSAGE: ${message}
      </div>
      <div id="info">
        <table>
          <tr><th>namespace:</th><td>${namespace}</td></tr>
          <tr><th>pod:</th><td>${pod}</td></tr>
          <tr><th>node:</th><td>${node} (Linux 5.15)</td></tr>
        </table>
      </div>
    </div>
  </div>
</body>
</html>
`;
}

const page = (site: string, pod: string) =>
  helloPage(`This service resides in ${site}`, pod, "default", `${site.toLowerCase().replace(/\s+/g, "-")}-worker`);

/**
 * HTTP servers on loopback addresses that answer like hello-kubernetes (two pods each, answering
 * in turn), so a client can tell which site served it. All listen on the same port.
 */
export async function startBackends(specs: BackendSpec[], port = 0): Promise<BackendsHandle> {
  // The shared port is chosen by the first bind; if another address already uses it, choose again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(specs, port);
    } catch (err) {
      if (port !== 0 || attempt >= 5 || (err as NodeJS.ErrnoException).code !== "EADDRINUSE") throw err;
    }
  }
}

async function startOnce(specs: BackendSpec[], port: number): Promise<BackendsHandle> {
  const servers: Server[] = [];
  const backends: Backend[] = [];
  // One port for every site, as a DNS answer carries only the address.
  let shared = port;
  try {
    for (const s of specs) {
      const deployment = `hello-${randomBytes(5).toString("hex").slice(0, 10)}`;
      const pods = [`${deployment}-${suffix()}`, `${deployment}-${suffix()}`];
      let turn = 0;
      const server = createServer((req, res) => {
        const pod = pods[turn++ % pods.length]!;
        res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", Server: "hello-kubernetes", "X-Pod-Name": pod });
        res.end(req.method === "HEAD" ? undefined : page(s.site, pod));
      });
      server.keepAliveTimeout = 1000;
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(s.port ?? shared, s.host, () => resolve());
      });
      servers.push(server);
      const p = (server.address() as AddressInfo).port;
      if (shared === 0) shared = p;
      backends.push({ site: s.site, host: s.host, port: p, url: `http://${s.host}:${p}/`, pods });
    }
  } catch (err) {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    throw err;
  }
  return {
    backends,
    close: async () => {
      for (const s of servers) s.closeAllConnections();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    },
  };
}
