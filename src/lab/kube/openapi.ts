import { createHash } from "node:crypto";
import { groupVersions, resourcesOf } from "./discovery.js";
import { gvPath, type ResourceType } from "./resources.js";

type GV = { group: string; version: string };

/**
 * GET /openapi/v3/<api/v1 | apis/group/version>. Clients (helm above all) read the paths to learn
 * that the server takes the fieldValidation parameter; every operation therefore carries it and
 * its group-version-kind. Built-in schemas are permissive; custom resources get their CRD's schema.
 */
export function openapiDocument(types: ResourceType[], gv: GV, kubernetesVersion: string) {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  const param = (name: string, where: "query" | "path") => ({
    name,
    in: where,
    ...(where === "path" ? { required: true } : {}),
    schema: { type: "string", uniqueItems: true },
  });
  for (const t of resourcesOf(types, gv)) {
    const gvk = { group: t.group, version: t.version, kind: t.kind };
    const schemaName = `${t.group ? t.group.split(".").reverse().join(".") : "io.k8s.api.core"}.${t.version}.${t.kind}`;
    const own =
      t.crd?.schema && typeof t.crd.schema === "object"
        ? (t.crd.schema as Record<string, unknown>)
        : { type: "object", "x-kubernetes-preserve-unknown-fields": true };
    schemas[schemaName] = { ...own, "x-kubernetes-group-version-kind": [gvk] };
    schemas[`${schemaName}List`] = {
      type: "object",
      properties: { items: { type: "array", items: { $ref: `#/components/schemas/${schemaName}` } } },
      "x-kubernetes-group-version-kind": [{ ...gvk, kind: `${t.kind}List` }],
    };
    const body = (name: string) => ({ content: { "application/json": { schema: { $ref: `#/components/schemas/${name}` } } } });
    const op = (action: string, schema: string, extra: object[] = [], withBody = false) => ({
      operationId: `${action}${t.kind}`,
      "x-kubernetes-action": action,
      "x-kubernetes-group-version-kind": gvk,
      parameters: [param("dryRun", "query"), param("fieldManager", "query"), param("fieldValidation", "query"), ...extra],
      ...(withBody ? { requestBody: body(schema) } : {}),
      responses: { "200": body(schema) },
    });
    const ns = t.namespaced ? [param("namespace", "path")] : [];
    const collection = `${gvPath(t)}${t.namespaced ? "/namespaces/{namespace}" : ""}/${t.plural}`;
    const list = op("list", `${schemaName}List`, [
      ...ns,
      param("labelSelector", "query"),
      param("fieldSelector", "query"),
      param("watch", "query"),
    ]);
    paths[collection] = { get: list, post: op("post", schemaName, ns, true), delete: op("deletecollection", schemaName, ns) };
    const item = [...ns, param("name", "path")];
    paths[`${collection}/{name}`] = {
      get: op("get", schemaName, item),
      put: op("put", schemaName, item, true),
      patch: op("patch", schemaName, [...item, param("force", "query")], true),
      delete: op("delete", schemaName, item),
    };
    if (t.subresources?.includes("status"))
      paths[`${collection}/{name}/status`] = {
        get: op("get", schemaName, item),
        put: op("put", schemaName, item, true),
        patch: op("patch", schemaName, item, true),
      };
    if (t.namespaced)
      paths[`${gvPath(t)}/${t.plural}`] = {
        get: op("list", `${schemaName}List`, [param("labelSelector", "query"), param("fieldSelector", "query")]),
      };
  }
  return { openapi: "3.0.0", info: { title: "Kubernetes", version: kubernetesVersion }, paths, components: { schemas } };
}

/** GET /openapi/v3: one entry per group/version, its hash changing with the document. */
export function openapiIndex(types: ResourceType[], kubernetesVersion: string) {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of groupVersions(types)) {
    const hash = createHash("sha512")
      .update(JSON.stringify(openapiDocument(types, gv, kubernetesVersion)))
      .digest("hex")
      .slice(0, 128)
      .toUpperCase();
    paths[gvPath(gv).slice(1)] = { serverRelativeURL: `/openapi/v3${gvPath(gv)}?hash=${hash}` };
  }
  return { paths };
}
