import { createSocket, type Socket } from "node:dgram";
import { createServer, type Server, type Socket as TcpSocket } from "node:net";
import packet from "dns-packet";
import type { Packet } from "dns-packet";
import type { AviObject } from "../../clients/avi/types.js";
import type { LabControllerHandle } from "../types.js";
import { DnsResponder } from "./answer.js";
import type { MemberHealth, MemberVsName } from "./gslb.js";
import { uuidOf } from "../avi/refs.js";

export interface DnsEndpoint {
  controller: string;
  vs: string;
  vsUuid: string;
  host: string;
  port: number;
}

export interface DnsServiceHandle {
  endpoints(): DnsEndpoint[];
  /** Where the controller's system DNS service answers, for the lab's whole life. */
  system(): Promise<{ host: string; port: number }>;
  /** Resolves once every DNS virtual service present now listens. */
  ready(): Promise<void>;
  /** Stop answering (a site blackout); resume listens again on the same ports. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
}

interface Listener {
  endpoint: DnsEndpoint;
  udp: Socket;
  tcp: Server;
}

const UDP_LIMIT = 512;

/**
 * Every DNS virtual service of a lab controller answers real DNS on its own loopback port (UDP and
 * TCP), from the controller's objects as they are at query time; each answer is logged for the
 * analytics logs API.
 */
export function startDnsService(
  ctrl: LabControllerHandle,
  o: { host?: string; onChange?: (e: DnsEndpoint[]) => void; gslbHealth?: MemberHealth; gslbVsName?: MemberVsName } = {},
): DnsServiceHandle {
  const host = o.host ?? "127.0.0.1";
  const listeners = new Map<string, Promise<Listener>>();
  // Ports kept across a pause, so a site comes back where clients expect it.
  const ports = new Map<string, number>();
  let paused = false;
  const isDnsVs = (vs: AviObject) =>
    ctrl.store.get("applicationprofile", uuidOf(vs.application_profile_ref))?.type === "APPLICATION_PROFILE_TYPE_DNS";
  const current = new Map<string, DnsEndpoint>();
  const responders = new Map<string, DnsResponder>();

  const sync = () => {
    const wanted = new Set(
      paused
        ? []
        : ctrl.store
            .list("virtualservice")
            .filter(isDnsVs)
            .map((v) => v.uuid!),
    );
    for (const uuid of wanted) if (!listeners.has(uuid)) listeners.set(uuid, listen(uuid));
    for (const [uuid, l] of listeners) {
      if (wanted.has(uuid)) continue;
      listeners.delete(uuid);
      void l.then(stop).then(() => {
        current.delete(uuid);
        o.onChange?.([...current.values()]);
      });
    }
  };

  /** A query handler for one DNS virtual service, or for whichever one the controller's system DNS names at query time. */
  const handler = (vsUuid: () => string | undefined) => {
    return (msg: Buffer, client: string, clientPort: number): Buffer | undefined => {
      // A site in blackout answers nothing, on any of its addresses.
      if (paused) return undefined;
      let query: Packet;
      try {
        query = packet.decode(msg);
      } catch {
        return undefined;
      }
      const uuid = vsUuid();
      // No DNS virtual service behind the system DNS address: refuse, as a server without the zone does.
      if (!uuid) return packet.encode({ id: query.id, type: "response", flags: 5, questions: query.questions });
      // One responder per virtual service: it keeps the round-robin position across queries and listeners.
      let responder = responders.get(uuid);
      if (!responder) responders.set(uuid, (responder = new DnsResponder(ctrl.store, uuid, o.gslbHealth, o.gslbVsName)));
      const a = responder.answer(query, client);
      const q = query.questions?.[0];
      if (q)
        ctrl.recordDnsLog({
          vsUuid: uuid,
          timestamp: microsecondsNow(),
          clientIp: client,
          clientPort,
          fqdn: q.name,
          qtype: q.type,
          rcode: a.reply ? a.rcode : "DROPPED",
          answers: a.answers,
          ...(responder.lastSites.length ? { siteNames: responder.lastSites } : {}),
          ...(responder.lastGslb ? { gslb: responder.lastGslb } : {}),
        });
      return a.reply ? packet.encode(a.reply) : undefined;
    };
  };

  const listen = async (uuid: string): Promise<Listener> => {
    const { udp, tcp, port } = await bind(
      handler(() => uuid),
      uuid,
    );
    const endpoint: DnsEndpoint = {
      controller: ctrl.name,
      vs: ctrl.store.get("virtualservice", uuid)?.name ?? uuid,
      vsUuid: uuid,
      host,
      port,
    };
    current.set(uuid, endpoint);
    o.onChange?.([...current.values()]);
    return { endpoint, udp, tcp };
  };

  const bind = async (
    handle: (msg: Buffer, client: string, clientPort: number) => Buffer | undefined,
    key: string,
  ): Promise<{ udp: Socket; tcp: Server; port: number }> => {
    const onUdp = (udp: Socket) => (msg: Buffer, rinfo: { address: string; port: number }) => {
      const out = handle(msg, rinfo.address, rinfo.port);
      if (!out) return;
      // Without EDNS a UDP answer is limited to 512 bytes: send the header with TC set so the client retries over TCP.
      if (out.length > UDP_LIMIT) {
        const tc = Buffer.from(
          packet.encode({
            ...packet.decode(out),
            answers: [],
            authorities: [],
            additionals: [],
            flags: (packet.decode(out).flags ?? 0) | packet.TRUNCATED_RESPONSE,
          }),
        );
        udp.send(tc, rinfo.port, rinfo.address);
      } else udp.send(out, rinfo.port, rinfo.address);
    };
    const onTcp = (sock: TcpSocket) => {
      let buf = Buffer.alloc(0);
      sock.on("data", (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          const len = buf.readUInt16BE(0);
          const out = handle(buf.subarray(2, 2 + len), sock.remoteAddress ?? host, sock.remotePort ?? 0);
          buf = buf.subarray(2 + len);
          if (out) {
            const head = Buffer.alloc(2);
            head.writeUInt16BE(out.length);
            sock.write(Buffer.concat([head, out]));
          }
        }
      });
      sock.on("error", () => undefined);
    };
    // UDP and TCP share one port; when the TCP side of a free UDP port is taken, try another.
    for (let attempt = 1; ; attempt++) {
      const udp = createSocket("udp4");
      udp.on("message", onUdp(udp));
      await new Promise<void>((resolve, reject) => {
        udp.once("error", reject);
        udp.bind(attempt === 1 ? (ports.get(key) ?? 0) : 0, host, () => resolve());
      });
      const port = udp.address().port;
      const tcp = createServer(onTcp);
      const bound = await new Promise<boolean>((resolve, reject) => {
        tcp.once("error", (err: NodeJS.ErrnoException) => (err.code === "EADDRINUSE" && attempt < 5 ? resolve(false) : reject(err)));
        tcp.listen(port, host, () => resolve(true));
      });
      if (!bound) {
        udp.close();
        continue;
      }
      ports.set(key, port);
      return { udp, tcp, port };
    }
  };

  const stop = (l: { udp: Socket; tcp: Server }) =>
    new Promise<void>((resolve) => {
      l.udp.close();
      l.tcp.close(() => resolve());
    });

  const unsubscribe = ctrl.store.onChange((type) => {
    if (type === "virtualservice" || type === "applicationprofile") sync();
  });
  sync();
  // One address for the lab's life, answered by whichever DNS virtual service is the controller's system DNS.
  const systemDnsVs = () => {
    const ref = ctrl.store.list("systemconfiguration")[0]?.dns_virtualservice_refs as string[] | undefined;
    const vs = ref?.[0] ? ctrl.store.get("virtualservice", uuidOf(ref[0])) : undefined;
    return vs && isDnsVs(vs) ? vs.uuid : undefined;
  };
  const system = bind(handler(systemDnsVs), "system");

  return {
    endpoints: () => [...current.values()],
    system: async () => ({ host, port: (await system).port }),
    ready: async () => {
      await Promise.all([...listeners.values(), system]);
    },
    pause: async () => {
      paused = true;
      const all = [...listeners.values()];
      listeners.clear();
      for (const l of await Promise.all(all)) await stop(l);
      current.clear();
      o.onChange?.([]);
    },
    resume: async () => {
      paused = false;
      sync();
      await Promise.all(listeners.values());
    },
    close: async () => {
      unsubscribe();
      await stop(await system);
      const all = [...listeners.values()];
      listeners.clear();
      for (const l of await Promise.all(all)) await stop(l);
    },
  };
}

/** Now as ISO 8601 with microseconds, as service engines stamp their logs. */
export function microsecondsNow(): string {
  const us = Math.round((performance.timeOrigin + performance.now()) * 1000);
  return `${new Date(Math.floor(us / 1000)).toISOString().slice(0, 19)}.${String(us % 1_000_000).padStart(6, "0")}Z`;
}
