import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";

const MAGIC = [0x6b, 0x38, 0x73, 0x00]; // "k8s\0"

type Scalar = "string" | "bytes" | "raw" | "int" | "optInt" | "bool" | "quantity" | "intOrString";
interface Message {
  [field: number]: Field;
}
interface Field {
  name: string;
  type: Scalar | Message;
  repeated?: boolean;
  /** map<string, type>: entries with key 1 and value 2. */
  map?: boolean;
  /** An embedded Go struct: its fields belong to the parent in JSON. */
  inline?: boolean;
}

const f = (name: string, type: Scalar | Message): Field => ({ name, type });
const rep = (name: string, type: Scalar | Message): Field => ({ name, type, repeated: true });
const map = (name: string, type: Scalar | Message = "string"): Field => ({ name, type, map: true });
const s = (name: string) => f(name, "string");
const int = (name: string) => f(name, "int");
/** A pointer field in Go (replicas): zero is a value, not "unset". */
const optInt = (name: string) => f(name, "optInt");
const bool = (name: string) => f(name, "bool");

// Field numbers of the Kubernetes protobuf messages (k8s.io/api generated.proto), for the kinds
// kubectl's typed commands (create namespace/secret/configmap/serviceaccount/service/deployment/
// role..., run) and helm's release storage send. Fields not listed are skipped.
const OwnerReference: Message = {
  1: s("kind"),
  3: s("name"),
  4: s("uid"),
  5: s("apiVersion"),
  6: bool("controller"),
  7: bool("blockOwnerDeletion"),
};
const ObjectMeta: Message = {
  1: s("name"),
  2: s("generateName"),
  3: s("namespace"),
  6: s("resourceVersion"),
  11: map("labels"),
  12: map("annotations"),
  13: rep("ownerReferences", OwnerReference),
  14: rep("finalizers", "string"),
};
const LabelSelector: Message = {
  1: map("matchLabels"),
  2: rep("matchExpressions", { 1: s("key"), 2: s("operator"), 3: rep("values", "string") }),
};
const LocalObjectReference: Message = { 1: s("name") };
const localRef: Field = { name: "", type: LocalObjectReference, inline: true };
const KeySelector: Message = { 1: localRef, 2: s("key"), 3: bool("optional") };
const EnvSource: Message = { 1: localRef, 2: bool("optional") };
const EnvVar: Message = {
  1: s("name"),
  2: s("value"),
  3: f("valueFrom", {
    1: f("fieldRef", { 1: s("apiVersion"), 2: s("fieldPath") }),
    3: f("configMapKeyRef", KeySelector),
    4: f("secretKeyRef", KeySelector),
  }),
};
const Container: Message = {
  1: s("name"),
  2: s("image"),
  3: rep("command", "string"),
  4: rep("args", "string"),
  5: s("workingDir"),
  6: rep("ports", { 1: s("name"), 2: int("hostPort"), 3: int("containerPort"), 4: s("protocol"), 5: s("hostIP") }),
  7: rep("env", EnvVar),
  8: f("resources", { 1: map("limits", "quantity"), 2: map("requests", "quantity") }),
  13: s("terminationMessagePath"),
  14: s("imagePullPolicy"),
  16: bool("stdin"),
  17: bool("stdinOnce"),
  18: bool("tty"),
  19: rep("envFrom", { 1: s("prefix"), 2: f("configMapRef", EnvSource), 3: f("secretRef", EnvSource) }),
  20: s("terminationMessagePolicy"),
};
const PodSpec: Message = {
  2: rep("containers", Container),
  3: s("restartPolicy"),
  4: optInt("terminationGracePeriodSeconds"),
  6: s("dnsPolicy"),
  7: map("nodeSelector"),
  8: s("serviceAccountName"),
  10: s("nodeName"),
  15: rep("imagePullSecrets", LocalObjectReference),
  16: s("hostname"),
  17: s("subdomain"),
  19: s("schedulerName"),
  20: rep("initContainers", Container),
};
const PodTemplateSpec: Message = { 1: f("metadata", ObjectMeta), 2: f("spec", PodSpec) };
const PolicyRule: Message = {
  1: rep("verbs", "string"),
  2: rep("apiGroups", "string"),
  3: rep("resources", "string"),
  4: rep("resourceNames", "string"),
  5: rep("nonResourceURLs", "string"),
};
const Binding: Message = {
  1: f("metadata", ObjectMeta),
  2: rep("subjects", { 1: s("kind"), 2: s("apiGroup"), 3: s("name"), 4: s("namespace") }),
  3: f("roleRef", { 1: s("apiGroup"), 2: s("kind"), 3: s("name") }),
};
const Role: Message = { 1: f("metadata", ObjectMeta), 2: rep("rules", PolicyRule) };

const KINDS: Record<string, Message> = {
  Namespace: { 1: f("metadata", ObjectMeta), 2: f("spec", { 1: rep("finalizers", "string") }) },
  ConfigMap: { 1: f("metadata", ObjectMeta), 2: map("data"), 3: map("binaryData", "bytes"), 4: bool("immutable") },
  Secret: { 1: f("metadata", ObjectMeta), 2: map("data", "bytes"), 3: s("type"), 4: map("stringData"), 5: bool("immutable") },
  ServiceAccount: {
    1: f("metadata", ObjectMeta),
    2: rep("secrets", { 1: s("kind"), 2: s("namespace"), 3: s("name"), 4: s("uid"), 5: s("apiVersion") }),
    3: rep("imagePullSecrets", LocalObjectReference),
    4: bool("automountServiceAccountToken"),
  },
  Service: {
    1: f("metadata", ObjectMeta),
    2: f("spec", {
      1: rep("ports", {
        1: s("name"),
        2: s("protocol"),
        3: int("port"),
        4: f("targetPort", "intOrString"),
        5: int("nodePort"),
        6: s("appProtocol"),
      }),
      2: map("selector"),
      3: s("clusterIP"),
      4: s("type"),
      5: rep("externalIPs", "string"),
      7: s("sessionAffinity"),
      8: s("loadBalancerIP"),
      10: s("externalName"),
      11: s("externalTrafficPolicy"),
      17: s("ipFamilyPolicy"),
      18: rep("clusterIPs", "string"),
      19: rep("ipFamilies", "string"),
      21: s("loadBalancerClass"),
    }),
  },
  Pod: { 1: f("metadata", ObjectMeta), 2: f("spec", PodSpec) },
  Deployment: {
    1: f("metadata", ObjectMeta),
    2: f("spec", {
      1: optInt("replicas"),
      2: f("selector", LabelSelector),
      3: f("template", PodTemplateSpec),
      4: f("strategy", { 1: s("type"), 2: f("rollingUpdate", { 1: f("maxUnavailable", "intOrString"), 2: f("maxSurge", "intOrString") }) }),
      5: int("minReadySeconds"),
      6: optInt("revisionHistoryLimit"),
      7: bool("paused"),
      9: optInt("progressDeadlineSeconds"),
    }),
  },
  Role,
  ClusterRole: Role,
  RoleBinding: Binding,
  ClusterRoleBinding: Binding,
};

const Unknown: Message = { 1: f("typeMeta", { 1: s("apiVersion"), 2: s("kind") }), 2: f("raw", "raw") };
const IntOrString: Message = { 1: int("type"), 2: int("intVal"), 3: s("strVal") };

function scalar(r: BinaryReader, type: Scalar): unknown {
  switch (type) {
    case "string":
      return r.string();
    case "bytes":
      return Buffer.from(r.bytes()).toString("base64");
    case "raw":
      return r.bytes();
    case "int":
    case "optInt":
      return Number(r.int64());
    case "bool":
      return r.bool();
    case "quantity":
      return decode(r.bytes(), { 1: s("string") }, true).string ?? "";
    case "intOrString": {
      const v = decode(r.bytes(), IntOrString, true);
      return v.type === 1 ? (v.strVal ?? "") : (v.intVal ?? 0);
    }
  }
}

function value(r: BinaryReader, wt: WireType, type: Scalar | Message): unknown {
  if (typeof type !== "string") return decode(r.bytes(), type);
  const varint = type === "int" || type === "optInt" || type === "bool";
  if (varint !== (wt === WireType.Varint)) throw new Error("protobuf field of an unexpected wire type");
  return scalar(r, type);
}

/**
 * One message as its JSON form. Kubernetes' proto2 messages also carry empty strings and false
 * booleans and zeros for unset Go values, which JSON leaves out (omitempty); so do we, except for
 * pointer fields and with `keepEmpty`.
 */
function decode(bytes: Uint8Array, schema: Message, keepEmpty = false): Record<string, unknown> {
  const r = new BinaryReader(bytes);
  const out: Record<string, unknown> = {};
  while (r.pos < r.len) {
    const [no, wt] = r.tag();
    const field = schema[no];
    if (!field) {
      r.skip(wt, no);
      continue;
    }
    if (field.map) {
      const entry = decode(r.bytes(), { 1: s("key"), 2: f("value", field.type) }, true);
      const m = (out[field.name] ??= {}) as Record<string, unknown>;
      m[String(entry.key ?? "")] = entry.value ?? (field.type === "string" || field.type === "bytes" ? "" : {});
      continue;
    }
    const v = value(r, wt, field.type);
    if (field.inline) Object.assign(out, v);
    else if (field.repeated) ((out[field.name] ??= []) as unknown[]).push(v);
    else if (keepEmpty || field.type === "optInt" || (v !== "" && v !== false && v !== 0)) out[field.name] = v;
  }
  return out;
}

/**
 * A body sent as `application/vnd.kubernetes.protobuf`: the `k8s\0` magic, a runtime.Unknown
 * envelope (type meta, raw object), the object in its protobuf form. Returned as the JSON form.
 * Throws for a kind whose fields the lab does not know.
 */
export function decodeObject(body: Buffer): Record<string, unknown> {
  if (!MAGIC.every((b, i) => body[i] === b)) throw new Error("not a Kubernetes protobuf message");
  const envelope = decode(body.subarray(4), Unknown);
  const typeMeta = (envelope.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const schema = KINDS[typeMeta.kind ?? ""];
  if (!schema) throw new Error(`protobuf bodies of kind ${typeMeta.kind ?? "(none)"} are not understood here; send JSON`);
  if (!(envelope.raw instanceof Uint8Array)) throw new Error("protobuf message without an object");
  const obj = decode(envelope.raw, schema);
  return { apiVersion: typeMeta.apiVersion, kind: typeMeta.kind, ...obj, metadata: obj.metadata ?? {} };
}
