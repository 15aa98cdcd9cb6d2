import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { AviObject } from "../clients/avi/types.js";
import { vsOperState } from "./avi/behaviour.js";
import { uuidOf } from "./avi/refs.js";
import { helloPage } from "./backends.js";
import { vipAddresses } from "./dns/answer.js";
import { microsecondsNow } from "./dns/server.js";
import type { AppLogEntry, LabStore } from "./types.js";

/** The pod behind a pool server address, as the lab's clusters know it. */
export interface PodInfo {
  name: string;
  namespace: string;
  node?: string;
  /** The container's MESSAGE environment variable (hello-kubernetes shows it). */
  message?: string;
}

export interface VipEndpoint {
  vs: string;
  vip: string;
  /** The virtual service's port. */
  port: number;
  /** Where the lab listens: the same port, or port + 8000 when a port below 1024 may not be bound. */
  listenPort: number;
}

export interface VipListenersHandle {
  endpoints(): VipEndpoint[];
  /** Resolves once every listener wanted now is bound (or given up). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

type Obj = AviObject & Record<string, unknown>;
const isLoopback = (ip: string) => /^127\./.test(ip);

/**
 * An HTTP listener on each loopback VIP:port of the controller's application virtual services, answering
 * as the pods behind the pool would (hello-kubernetes page: MESSAGE line, pod name): L4 services by
 * their pools, shared L7 services by the Host header and path as AKO's pool group labels them. A VS that is not
 * up, or has no server for the request, refuses the connection (L4) or answers 503 (L7), as an SE does.
 * Addresses outside 127.0.0.0/8 are never bound.
 */
export function startVipListeners(
  store: LabStore,
  podOf: (ip: string) => PodInfo | undefined,
  onChange?: (e: VipEndpoint[]) => void,
  /** Each HTTP request served, for the virtual service's application logs. */
  onServed?: (e: AppLogEntry) => void,
): VipListenersHandle {
  const listeners = new Map<string, { server: Promise<Server | undefined>; endpoint: VipEndpoint }>();
  const turn = new Map<string, number>();
  let closed = false;
  let pending = false;

  const serve = (vip: string, port: number) => (req: IncomingMessage, res: ServerResponse) => {
    const vs = store
      .list("virtualservice")
      .find(
        (v) => vipAddresses(store, v).includes(vip) && ((v.services as { port: number }[] | undefined) ?? []).some((s) => s.port === port),
      ) as Obj | undefined;
    // AKO's shared L7 VS: its pool group (named as the VS) holds a pool per host/path, labelled
    // "<host><path>"; a request goes to the longest label its host and path begin with.
    const group = vs && store.findByName("poolgroup", vs.name!, uuidOf(vs.cloud_ref));
    const l7 = Boolean(group && group.created_by === vs?.created_by);
    if (!vs || vsOperState(vs, store).state !== "OPER_UP") return void req.socket.destroy();
    const host = String(req.headers.host ?? "")
      .replace(/:\d+$/, "")
      .toLowerCase();
    const path = req.url ?? "/";
    const target = `${host}${path.split("?")[0]}`.toLowerCase();
    const refs = l7
      ? ((group!.members as { pool_ref?: string; priority_label?: string }[] | undefined) ?? [])
          .filter((m) => m.priority_label && target.startsWith(m.priority_label))
          .sort((a, b) => b.priority_label!.length - a.priority_label!.length)
          .slice(0, 1)
          .map((m) => m.pool_ref)
      : [vs.pool_ref];
    const pools = refs
      .filter((r): r is string => typeof r === "string")
      .map((r) => store.get("pool", uuidOf(r)))
      .filter((p): p is AviObject => Boolean(p));
    const servers = pools.flatMap((p) =>
      ((p.servers as { ip?: { addr?: string }; port?: number; hostname?: string; enabled?: boolean }[] | undefined) ?? [])
        .filter((s) => s.enabled !== false && s.ip?.addr)
        .map((s) => ({ ...s, pool: p })),
    );
    /** The application log of this request, written when the response is sent (the SE logs when the transaction ends). */
    const log = (body: string | undefined, server?: { ip: string; port: number; name?: string }, pool?: AviObject) => {
      if (!onServed) return;
      const arrived = performance.now();
      const timestamp = microsecondsNow();
      const [uriPath, query] = path.split(/\?(.*)/s);
      const head = [`${req.method} ${path} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) head.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      res.once("finish", () =>
        onServed({
          vsUuid: vs.uuid!,
          timestamp,
          clientIp: req.socket.remoteAddress ?? "",
          clientPort: req.socket.remotePort ?? 0,
          vip,
          vipPort: port,
          method: req.method ?? "GET",
          host,
          path: uriPath ?? "/",
          ...(query ? { query } : {}),
          httpVersion: req.httpVersion,
          ...(req.headers["user-agent"] ? { userAgent: req.headers["user-agent"] } : {}),
          status: res.statusCode,
          requestLength: Buffer.byteLength(`${head.join("\r\n")}\r\n\r\n`),
          responseLength: body ? Buffer.byteLength(body) : 0,
          ...(server ? { server } : {}),
          ...(pool?.uuid ? { pool: { uuid: pool.uuid, name: pool.name ?? "" } } : {}),
          totalTimeMs: Math.round(performance.now() - arrived),
        }),
      );
    };
    if (servers.length === 0) {
      if (!l7) return void req.socket.destroy();
      const body = "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>\n";
      log(body, undefined, pools[0]);
      res.writeHead(503, { "Content-Type": "text/html" });
      return void res.end(body);
    }
    const key = `${vs.uuid}:${host}`;
    const n = turn.get(key) ?? 0;
    turn.set(key, n + 1);
    const chosen = servers[n % servers.length]!;
    const ip = chosen.ip!.addr!;
    const pod = podOf(ip);
    const name = pod?.name ?? ip;
    const body =
      req.method === "HEAD"
        ? undefined
        : helloPage(pod?.message ?? "Hello world!", name, pod?.namespace ?? "default", pod?.node ?? "worker");
    const serverPort = chosen.port ?? Number(chosen.pool.default_server_port ?? 80);
    log(body, { ip, port: serverPort, ...(chosen.hostname ? { name: chosen.hostname } : {}) }, chosen.pool);
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", Server: "hello-kubernetes", "X-Pod-Name": name });
    res.end(body);
  };

  const bind = (vip: string, port: number, endpoint: VipEndpoint): Promise<Server | undefined> => {
    const tryPort = (p: number) =>
      new Promise<Server>((resolve, reject) => {
        const server = createServer(serve(vip, port));
        server.keepAliveTimeout = 1000;
        server.once("error", reject);
        server.listen(p, vip, () => resolve(server));
      });
    return tryPort(port).catch(async (err: NodeJS.ErrnoException) => {
      // A low port may not be bound: port + 8000. Another lab on this machine (parallel test runs) may
      // hold the same VIP:port: any free port. Either way the endpoint says where it listens.
      const fallback = err.code === "EACCES" && port < 1024 ? port + 8000 : err.code === "EADDRINUSE" ? 0 : undefined;
      if (fallback === undefined) return undefined;
      const server = await tryPort(fallback).catch(() => undefined);
      if (server) endpoint.listenPort = (server.address() as AddressInfo).port;
      return server;
    });
  };

  const sync = () => {
    pending = false;
    if (closed) return;
    const wanted = new Map<string, VipEndpoint>();
    for (const vs of store.list("virtualservice")) {
      if (store.get("applicationprofile", uuidOf(vs.application_profile_ref))?.type === "APPLICATION_PROFILE_TYPE_DNS") continue;
      for (const vip of vipAddresses(store, vs).filter(isLoopback)) {
        for (const s of (vs.services as { port: number }[] | undefined) ?? [])
          wanted.set(`${vip}:${s.port}`, { vs: vs.name!, vip, port: s.port, listenPort: s.port });
      }
    }
    for (const [key, e] of wanted) {
      const cur = listeners.get(key);
      if (cur) cur.endpoint.vs = e.vs;
      else listeners.set(key, { endpoint: e, server: bind(e.vip, e.port, e) });
    }
    for (const [key, l] of listeners) {
      if (wanted.has(key)) continue;
      listeners.delete(key);
      void l.server.then((s) => s && stop(s));
    }
    void Promise.all([...listeners.values()].map((l) => l.server)).then(() => onChange?.(endpoints()));
  };
  const endpoints = () => [...listeners.values()].map((l) => ({ ...l.endpoint }));
  const stop = (s: Server) =>
    new Promise<void>((resolve) => {
      s.closeAllConnections();
      s.close(() => resolve());
    });
  const unsubscribe = store.onChange((type) => {
    if ((type === "virtualservice" || type === "vsvip") && !pending) {
      pending = true;
      setImmediate(sync);
    }
  });
  sync();
  return {
    endpoints,
    ready: async () => {
      await new Promise((r) => setImmediate(r));
      await Promise.all([...listeners.values()].map((l) => l.server));
    },
    close: async () => {
      closed = true;
      unsubscribe();
      const all = [...listeners.values()];
      listeners.clear();
      for (const l of all) {
        const s = await l.server;
        if (s) await stop(s);
      }
    },
  };
}
