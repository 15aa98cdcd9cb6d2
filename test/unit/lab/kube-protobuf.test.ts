import { BinaryWriter } from "@bufbuild/protobuf/wire";
import { describe, expect, it } from "vitest";
import { decodeObject } from "../../../src/lab/kube/protobuf.js";

// Wire helpers: length-delimited fields (wire type 2) and varints (wire type 0).
type Part = [number, string | Uint8Array | number | boolean];
function msg(...parts: Part[]): Uint8Array {
  const w = new BinaryWriter();
  for (const [no, v] of parts) {
    if (typeof v === "number") w.tag(no, 0).int64(v);
    else if (typeof v === "boolean") w.tag(no, 0).bool(v);
    else if (typeof v === "string") w.tag(no, 2).string(v);
    else w.tag(no, 2).bytes(v);
  }
  return w.finish();
}
const entry = (k: string, v: string | Uint8Array) => msg([1, k], [2, v]);
const envelope = (apiVersion: string, kind: string, raw: Uint8Array) =>
  Buffer.concat([Buffer.from("k8s\0", "binary"), Buffer.from(msg([1, msg([1, apiVersion], [2, kind])], [2, raw]))]);

describe("protobuf request bodies", () => {
  it("decodes kubectl create namespace, dropping proto2's empty strings", () => {
    const meta = msg([1, "avi-system"], [2, ""], [3, ""], [11, entry("team", "lb")]);
    const body = envelope("v1", "Namespace", msg([1, meta], [2, msg()], [3, msg([1, "Active"])]));
    expect(decodeObject(body)).toEqual({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "avi-system", labels: { team: "lb" } },
      spec: {},
    });
  });

  it("keeps empty map values and decodes binary data as base64", () => {
    const body = envelope(
      "v1",
      "ConfigMap",
      msg([1, msg([1, "c1"])], [2, entry("a", "1")], [2, entry("empty", "")], [3, entry("bin", Uint8Array.of(0, 1, 254))], [4, false]),
    );
    expect(decodeObject(body)).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c1" },
      data: { a: "1", empty: "" },
      binaryData: { bin: Buffer.from([0, 1, 254]).toString("base64") },
    });
  });

  it("decodes a Deployment: replicas 0 kept (a pointer), ports, env from a secret, quantities, unknown fields skipped", () => {
    const container = msg(
      [1, "web"],
      [2, "nginx:1.27"],
      [6, msg([3, 8080], [4, "TCP"])],
      [7, msg([1, "PASSWORD"], [3, msg([4, msg([1, msg([1, "creds"])], [2, "password"])])])],
      [8, msg([1, entry("cpu", msg([1, "250m"]))])],
      [19, msg([3, msg([1, msg([1, "extra"])], [2, true])])],
      [99, "from a newer Kubernetes"],
    );
    const template = msg([1, msg([11, entry("app", "web")])], [2, msg([2, container])]);
    const rolling = msg([1, msg([1, 1], [3, "25%"])], [2, msg([1, 0], [2, 1])]);
    const spec = msg([1, 0], [2, msg([1, entry("app", "web")])], [3, template], [4, msg([1, "RollingUpdate"], [2, rolling])]);
    const obj = decodeObject(envelope("apps/v1", "Deployment", msg([1, msg([1, "web"], [3, "default"])], [2, spec])));
    expect(obj).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "default" },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: {
            containers: [
              {
                name: "web",
                image: "nginx:1.27",
                ports: [{ containerPort: 8080, protocol: "TCP" }],
                env: [{ name: "PASSWORD", valueFrom: { secretKeyRef: { name: "creds", key: "password" } } }],
                resources: { limits: { cpu: "250m" } },
                envFrom: [{ secretRef: { name: "extra", optional: true } }],
              },
            ],
          },
        },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: 1 } },
      },
    });
  });

  it("decodes a Service's int-or-string target port", () => {
    const spec = msg([1, msg([1, "http"], [3, 80], [4, msg([1, 0], [2, 8080])])], [2, entry("app", "web")], [4, "ClusterIP"]);
    expect(decodeObject(envelope("v1", "Service", msg([1, msg([1, "web"])], [2, spec]))).spec).toEqual({
      ports: [{ name: "http", port: 80, targetPort: 8080 }],
      selector: { app: "web" },
      type: "ClusterIP",
    });
  });

  it("refuses kinds it has no field table for, and bodies without the magic", () => {
    expect(() => decodeObject(envelope("batch/v1", "Job", msg([1, msg([1, "j"])])))).toThrow(/kind Job are not understood/);
    expect(() => decodeObject(Buffer.from('{"kind":"Secret"}'))).toThrow(/not a Kubernetes protobuf message/);
  });
});
