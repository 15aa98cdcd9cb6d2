type Json = unknown;
type Obj = Record<string, Json>;
const isObj = (v: Json): v is Obj => Boolean(v) && typeof v === "object" && !Array.isArray(v);

/** RFC 7386 merge patch: objects merge, null deletes, anything else replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObj(patch)) return patch;
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/**
 * Strategic merge as the API server does it for the fields charts use: like a merge patch, but
 * lists of objects with a `name` (containers, env, ports, volumes) merge entry by entry.
 */
export function strategicMerge(target: Json, patch: Json): Json {
  if (Array.isArray(patch) && Array.isArray(target) && patch.every((p) => isObj(p) && typeof p.name === "string") && target.every((t) => isObj(t) && typeof t.name === "string")) {
    const out = target.map((t) => ({ ...(t as Obj) }));
    for (const p of patch as Obj[]) {
      const i = out.findIndex((t) => t.name === p.name);
      if (i >= 0) out[i] = strategicMerge(out[i], p) as Obj;
      else out.push(p);
    }
    return out;
  }
  if (!isObj(patch)) return patch;
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith("$")) continue;
    if (v === null) delete out[k];
    else out[k] = strategicMerge(out[k], v);
  }
  return out;
}

/** RFC 6902 JSON patch: add, replace, remove and test. */
export function jsonPatch(target: Json, ops: { op: string; path: string; value?: Json }[]): Json {
  const doc = structuredClone(target) as Obj;
  for (const op of ops) {
    const parts = op.path.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
    const last = parts.pop()!;
    let parent: Json = doc;
    for (const p of parts) parent = Array.isArray(parent) ? parent[Number(p)] : (parent as Obj)[p];
    if (parent === undefined || parent === null) throw new Error(`path ${op.path} does not exist`);
    if (op.op === "test") {
      const cur = Array.isArray(parent) ? parent[Number(last)] : (parent as Obj)[last];
      if (JSON.stringify(cur) !== JSON.stringify(op.value)) throw new Error(`test failed at ${op.path}`);
    } else if (Array.isArray(parent)) {
      const i = last === "-" ? parent.length : Number(last);
      if (op.op === "add") parent.splice(i, 0, op.value);
      else if (op.op === "replace") parent[i] = op.value;
      else if (op.op === "remove") parent.splice(i, 1);
    } else if (op.op === "remove") delete (parent as Obj)[last];
    else (parent as Obj)[last] = op.value;
  }
  return doc;
}

/** Label selectors: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`. */
export function matchesLabels(labels: Record<string, string> | undefined, selector: string | null): boolean {
  if (!selector) return true;
  const l = labels ?? {};
  const terms = selector.match(/[^,(]+(\([^)]*\))?/g) ?? [];
  return terms.every((raw) => {
    const t = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(t))) {
      const set = m[3]!.split(",").map((x) => x.trim());
      return m[2] === "in" ? m[1]! in l && set.includes(l[m[1]!]!) : !(m[1]! in l) || !set.includes(l[m[1]!]!);
    }
    if ((m = /^([^!=\s]+)\s*!=\s*(.*)$/.exec(t))) return l[m[1]!] !== m[2];
    if ((m = /^([^!=\s]+)\s*==?\s*(.*)$/.exec(t))) return l[m[1]!] === m[2];
    if (t.startsWith("!")) return !(t.slice(1) in l);
    return t in l;
  });
}
