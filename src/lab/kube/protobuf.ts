import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";

const MAGIC = [0x6b, 0x38, 0x73, 0x00]; // "k8s\0"

/** The fields of one protobuf message, by number; repeated fields keep every value. */
function fields(bytes: Uint8Array): Map<number, Uint8Array[]> {
  const r = new BinaryReader(bytes);
  const out = new Map<number, Uint8Array[]>();
  while (r.pos < r.len) {
    const [no, wt] = r.tag();
    if (wt === WireType.LengthDelimited) {
      const list = out.get(no) ?? [];
      list.push(r.bytes());
      out.set(no, list);
    } else if (wt === WireType.Varint) {
      const list = out.get(no) ?? [];
      list.push(Uint8Array.of(r.bool() ? 1 : 0));
      out.set(no, list);
    } else r.skip(wt, no);
  }
  return out;
}

const text = (b: Uint8Array | undefined) => (b ? new TextDecoder().decode(b) : undefined);

function stringMap(entries: Uint8Array[] | undefined, value: (b: Uint8Array) => string): Record<string, string> | undefined {
  if (!entries?.length) return undefined;
  const out: Record<string, string> = {};
  for (const e of entries) {
    const f = fields(e);
    const k = text(f.get(1)?.[0]) ?? "";
    const v = f.get(2)?.[0];
    out[k] = v ? value(v) : "";
  }
  return out;
}

/**
 * A v1.Secret sent as `application/vnd.kubernetes.protobuf` (how helm stores releases): the
 * runtime.Unknown envelope, then ObjectMeta name/namespace/resourceVersion/labels/annotations,
 * data, stringData, type and immutable. Returned as the JSON form.
 */
export function decodeSecret(body: Buffer): Record<string, unknown> {
  if (!MAGIC.every((b, i) => body[i] === b)) throw new Error("not a Kubernetes protobuf message");
  const unknown = fields(body.subarray(4));
  const raw = unknown.get(2)?.[0];
  if (!raw) throw new Error("protobuf message without an object");
  const secret = fields(raw);
  const meta = fields((secret.get(1)?.[0]) ?? new Uint8Array());
  const metadata: Record<string, unknown> = {};
  const put = (k: string, v: unknown) => v !== undefined && (metadata[k] = v);
  put("name", text(meta.get(1)?.[0]));
  put("generateName", text(meta.get(2)?.[0]));
  put("namespace", text(meta.get(3)?.[0]));
  put("resourceVersion", text(meta.get(6)?.[0]));
  put("labels", stringMap(meta.get(11), (b) => new TextDecoder().decode(b)));
  put("annotations", stringMap(meta.get(12), (b) => new TextDecoder().decode(b)));
  const out: Record<string, unknown> = { apiVersion: "v1", kind: "Secret", metadata };
  const data = stringMap(secret.get(2), (b) => Buffer.from(b).toString("base64"));
  if (data) out.data = data;
  const stringData = stringMap(secret.get(4), (b) => new TextDecoder().decode(b));
  if (stringData) out.stringData = stringData;
  const type = text(secret.get(3)?.[0]);
  if (type) out.type = type;
  if ((secret.get(5)?.[0])?.[0] === 1) out.immutable = true;
  return out;
}
