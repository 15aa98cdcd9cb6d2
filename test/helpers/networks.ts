import type { LabControllerHandle } from "../../src/lab/types.js";

export interface DiscoveredNetwork {
  name: string;
  /** The subnet the lab's cloud discovered on it, e.g. "10.10.25.0/24". */
  subnet: string;
  network: string;
  broadcast: string;
  /** Addresses at fixed offsets inside the subnet, for pools and gateways. */
  at: (offset: number) => string;
  /** A pool inside the subnet, `<network+from>-<network+to>`. */
  pool: (from?: number, to?: number) => string;
  gateway: string;
}

const num = (ip: string) => ip.split(".").reduce((n, o) => n * 256 + Number(o), 0);
const ip = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
const uuidOf = (ref: unknown) =>
  String(ref ?? "")
    .split("#")[0]!
    .split("/")
    .pop()!;

/** The lab's discovered networks, read from the lab (never hard-coded CIDRs). */
export function discoveredNetworks(ctrl: LabControllerHandle): DiscoveredNetwork[] {
  return ctrl.store.list("network").map((n) => {
    const runtime = ctrl.store.get("vimgrnwruntime", uuidOf(n.vimgrnw_ref)) as {
      discovered_subnet: { ip_addr: { addr: string }; mask: number }[];
    };
    const s = runtime.discovered_subnet[0]!;
    const base = num(s.ip_addr.addr);
    const at = (offset: number) => ip(base + offset);
    return {
      name: String(n.name),
      subnet: `${s.ip_addr.addr}/${s.mask}`,
      network: s.ip_addr.addr,
      broadcast: ip(base + 2 ** (32 - s.mask) - 1),
      at,
      pool: (from = 40, to = 59) => `${at(from)}-${at(to)}`,
      gateway: at(1),
    };
  });
}
