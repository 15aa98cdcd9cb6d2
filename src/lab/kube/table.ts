import type { ResourceType } from "./resources.js";
import type { KubeObject } from "./store.js";

type Cell = string | number;
interface Column {
  name: string;
  cell: (o: KubeObject) => Cell;
  type?: string;
  /** 1: shown with `-o wide` only. */
  priority?: number;
}
type Printer = { name: string; type?: string; jsonPath?: string; JSONPath?: string; priority?: number };
type Conditions = { type: string; status: string }[] | undefined;

/** Does the client ask for server-side printing (kubectl get)? */
export const wantsTable = (accept: string | undefined) => /as=Table/.test(accept ?? "");

/** kubectl's human durations: 45s, 3m20s, 5h, 2d3h. */
export function humanAge(since: string | undefined, at = Date.now()): string {
  if (!since) return "<unknown>";
  const s = Math.floor((at - Date.parse(since)) / 1000);
  if (s < 0) return "0s";
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 192) return h % 24 ? `${d}d${h % 24}h` : `${d}d`;
  if (d < 730) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

const get = (o: unknown, path: string): unknown =>
  path
    .replace(/^\{?\.?/, "")
    .replace(/\}$/, "")
    .split(/\.|\[(\d+)\]/)
    .filter((k) => k !== undefined && k !== "")
    .reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), o);
const str = (v: unknown, empty = "<none>") => (v === undefined || v === null || v === "" ? empty : String(v));
const age: Column = { name: "Age", cell: (o) => humanAge(o.metadata.creationTimestamp) };
const num = (path: string) => (o: KubeObject) => Number(get(o, path) ?? 0);
const ready = (cs: Conditions) => cs?.some((c) => c.type === "Ready" && c.status === "True");
const containers = (o: KubeObject) => (get(o, "spec.template.spec.containers") as { name: string; image?: string }[] | undefined) ?? [];
/** kubectl's wide columns for workloads with a pod template. */
const templateColumns: Column[] = [
  {
    name: "Containers",
    cell: (o) =>
      containers(o)
        .map((c) => c.name)
        .join(","),
    priority: 1,
  },
  {
    name: "Images",
    cell: (o) =>
      containers(o)
        .map((c) => c.image)
        .join(","),
    priority: 1,
  },
];

function podStatus(o: KubeObject): string {
  if (o.metadata.deletionTimestamp) return "Terminating";
  const waiting = (o.status?.containerStatuses as { state?: { waiting?: { reason?: string } } }[] | undefined)?.find(
    (c) => c.state?.waiting?.reason,
  )?.state?.waiting?.reason;
  return waiting ?? str(o.status?.phase, "Pending");
}

const COLUMNS: Record<string, Column[]> = {
  Pod: [
    {
      name: "Ready",
      cell: (o) =>
        `${((o.status?.containerStatuses as { ready?: boolean }[] | undefined) ?? []).filter((c) => c.ready).length}/${((o.spec?.containers as unknown[] | undefined) ?? []).length}`,
    },
    { name: "Status", cell: podStatus },
    {
      name: "Restarts",
      cell: (o) =>
        ((o.status?.containerStatuses as { restartCount?: number }[] | undefined) ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0),
      type: "integer",
    },
    age,
    { name: "IP", cell: (o) => str(o.status?.podIP), priority: 1 },
    { name: "Node", cell: (o) => str(o.spec?.nodeName), priority: 1 },
  ],
  Namespace: [{ name: "Status", cell: (o) => str(o.status?.phase) }, age],
  Node: [
    { name: "Status", cell: (o) => (ready(o.status?.conditions as Conditions) ? "Ready" : "NotReady") },
    { name: "Roles", cell: (o) => (o.metadata.name?.endsWith("-master") ? "control-plane" : "<none>") },
    age,
    { name: "Version", cell: (o) => str(get(o, "status.nodeInfo.kubeletVersion")) },
    {
      name: "Internal-IP",
      cell: (o) =>
        str((o.status?.addresses as { type: string; address: string }[] | undefined)?.find((a) => a.type === "InternalIP")?.address),
      priority: 1,
    },
  ],
  Service: [
    { name: "Type", cell: (o) => str(o.spec?.type) },
    { name: "Cluster-IP", cell: (o) => str(o.spec?.clusterIP) },
    {
      name: "External-IP",
      cell: (o) =>
        ((get(o, "status.loadBalancer.ingress") as { ip?: string }[] | undefined) ?? []).map((i) => i.ip).join(",") ||
        (o.spec?.type === "LoadBalancer" ? "<pending>" : "<none>"),
    },
    {
      name: "Port(s)",
      cell: (o) =>
        ((o.spec?.ports as { port: number; nodePort?: number; protocol?: string }[] | undefined) ?? [])
          .map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ""}/${p.protocol ?? "TCP"}`)
          .join(",") || "<none>",
    },
    age,
  ],
  Deployment: [
    { name: "Ready", cell: (o) => `${num("status.readyReplicas")(o)}/${num("spec.replicas")(o)}` },
    { name: "Up-to-date", cell: num("status.updatedReplicas"), type: "integer" },
    { name: "Available", cell: num("status.availableReplicas"), type: "integer" },
    age,
    ...templateColumns,
  ],
  StatefulSet: [{ name: "Ready", cell: (o) => `${num("status.readyReplicas")(o)}/${num("spec.replicas")(o)}` }, age, ...templateColumns],
  DaemonSet: [
    { name: "Desired", cell: num("status.desiredNumberScheduled"), type: "integer" },
    { name: "Current", cell: num("status.currentNumberScheduled"), type: "integer" },
    { name: "Ready", cell: num("status.numberReady"), type: "integer" },
    { name: "Up-to-date", cell: num("status.updatedNumberScheduled"), type: "integer" },
    { name: "Available", cell: num("status.numberAvailable"), type: "integer" },
    age,
  ],
  ConfigMap: [
    {
      name: "Data",
      cell: (o) => Object.keys(o.data ?? {}).length + Object.keys((o.binaryData as object | undefined) ?? {}).length,
      type: "integer",
    },
    age,
  ],
  Secret: [
    { name: "Type", cell: (o) => str(o.type) },
    { name: "Data", cell: (o) => Object.keys(o.data ?? {}).length, type: "integer" },
    age,
  ],
  Event: [
    { name: "Last Seen", cell: (o) => humanAge(str(o.lastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp, "")) },
    { name: "Type", cell: (o) => str(o.type) },
    { name: "Reason", cell: (o) => str(o.reason) },
    { name: "Object", cell: (o) => `${str(get(o, "involvedObject.kind"), "").toLowerCase()}/${str(get(o, "involvedObject.name"), "")}` },
    { name: "Message", cell: (o) => str(o.message, "") },
  ],
  Ingress: [
    { name: "Class", cell: (o) => str(o.spec?.ingressClassName) },
    { name: "Hosts", cell: (o) => ((o.spec?.rules as { host?: string }[] | undefined) ?? []).map((r) => r.host ?? "*").join(",") || "*" },
    {
      name: "Address",
      cell: (o) => ((get(o, "status.loadBalancer.ingress") as { ip?: string }[] | undefined) ?? []).map((i) => i.ip).join(","),
    },
    { name: "Ports", cell: (o) => (o.spec?.tls ? "80, 443" : "80") },
    age,
  ],
  IngressClass: [
    { name: "Controller", cell: (o) => str(o.spec?.controller) },
    { name: "Parameters", cell: (o) => str(get(o, "spec.parameters.name")) },
    age,
  ],
  CustomResourceDefinition: [{ name: "Created At", cell: (o) => str(o.metadata.creationTimestamp), type: "date" }],
};

/** A custom resource's columns: its CRD's additionalPrinterColumns for this version, else Age. */
function printerColumns(crd: KubeObject | undefined, version: string): Column[] {
  const spec = crd?.spec as
    { versions?: { name: string; additionalPrinterColumns?: Printer[] }[]; additionalPrinterColumns?: Printer[] } | undefined;
  const printers = spec?.versions?.find((v) => v.name === version)?.additionalPrinterColumns ?? spec?.additionalPrinterColumns;
  if (!printers?.length) return [age];
  return printers.map((p) => ({
    name: p.name,
    type: p.type,
    priority: p.priority,
    cell: (o: KubeObject) => {
      const v = get(o, p.jsonPath ?? p.JSONPath ?? "");
      return p.type === "date" ? humanAge(typeof v === "string" ? v : undefined) : typeof v === "number" ? v : str(v, "");
    },
  }));
}

/** The objects as a meta.k8s.io/v1 Table, rows carrying the object's metadata (or the object, if asked). */
export function toTable(t: ResourceType, objects: KubeObject[], resourceVersion: string, includeObject: string | null, crd?: KubeObject) {
  const columns = [
    { name: "Name", cell: (o: KubeObject) => o.metadata.name ?? "" } as Column,
    ...(t.crd ? printerColumns(crd, t.version) : (COLUMNS[t.kind] ?? [age])),
  ];
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: { resourceVersion },
    columnDefinitions: columns.map((c) => ({
      name: c.name,
      type: c.type ?? "string",
      format: c.name === "Name" ? "name" : "",
      description: "",
      priority: c.priority ?? 0,
    })),
    rows: objects.map((o) => ({
      cells: columns.map((c) => c.cell(o)),
      object:
        includeObject === "Object"
          ? o
          : includeObject === "None"
            ? undefined
            : { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata },
    })),
  };
}
