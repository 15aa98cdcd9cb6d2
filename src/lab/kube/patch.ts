type Json = unknown;
type Obj = Record<string, Json>;
const isObj = (v: Json): v is Obj => Boolean(v) && typeof v === "object" && !Array.isArray(v);
const isNamedList = (v: Json): v is Obj[] => Array.isArray(v) && v.every((x) => isObj(x) && typeof x.name === "string");

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
  if (isNamedList(patch) && isNamedList(target)) {
    const out = target.map((t) => ({ ...t }));
    for (const p of patch) {
      const i = out.findIndex((t) => t.name === p.name);
      if (p.$patch === "delete") {
        if (i >= 0) out.splice(i, 1);
      } else if (i >= 0) out[i] = strategicMerge(out[i], p) as Obj;
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

/**
 * Server-side apply for one field manager, simplified: the fields it applied last time and no
 * longer applies are removed (what field ownership achieves), then the applied configuration merges
 * over the live object, named lists entry by entry. Fields set by other managers stay.
 */
export function applyPatch(live: Json, previous: Json, applied: Json): Json {
  return strategicMerge(prune(live, previous, applied), applied);
}

function prune(live: Json, previous: Json, applied: Json): Json {
  if (isObj(live) && isObj(previous)) {
    const out = { ...live };
    for (const k of Object.keys(previous)) {
      if (!isObj(applied) || !(k in applied)) delete out[k];
      else if (k in out) out[k] = prune(out[k], previous[k], applied[k]);
    }
    return out;
  }
  if (isNamedList(live) && isNamedList(previous) && isNamedList(applied)) {
    const keep = new Set(applied.map((a) => a.name));
    const dropped = new Set(previous.map((p) => p.name).filter((n) => !keep.has(n)));
    return live
      .filter((l) => !dropped.has(l.name))
      .map((l) => {
        const p = previous.find((x) => x.name === l.name);
        const a = applied.find((x) => x.name === l.name);
        return p && a ? prune(l, p, a) : l;
      });
  }
  return live;
}

/** RFC 6902 JSON patch: add, replace, remove, move, copy and test. */
export function jsonPatch(target: Json, ops: { op: string; path: string; from?: string; value?: Json }[]): Json {
  if (!Array.isArray(ops)) throw new Error("a JSON patch is a list of operations");
  const doc = structuredClone(target) as Obj;
  const locate = (path: string) => {
    const parts = path
      .split("/")
      .slice(1)
      .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
    const last = parts.pop();
    let parent: Json = doc;
    for (const p of parts) parent = Array.isArray(parent) ? parent[Number(p)] : isObj(parent) ? parent[p] : undefined;
    if (last === undefined || (!isObj(parent) && !Array.isArray(parent))) throw new Error(`path ${path} does not exist`);
    return { parent, last };
  };
  const read = (path: string): Json => {
    const { parent, last } = locate(path);
    const v = Array.isArray(parent) ? parent[Number(last)] : parent[last];
    if (v === undefined) throw new Error(`path ${path} does not exist`);
    return v;
  };
  const write = (path: string, op: "add" | "replace" | "remove", value?: Json) => {
    const { parent, last } = locate(path);
    if (Array.isArray(parent)) {
      const i = last === "-" ? parent.length : Number(last);
      if (op === "add") parent.splice(i, 0, value);
      else if (op === "replace") parent[i] = value;
      else parent.splice(i, 1);
    } else if (op === "remove") {
      if (!(last in parent)) throw new Error(`path ${path} does not exist`);
      delete parent[last];
    } else parent[last] = value;
  };
  for (const op of ops) {
    if (op.op === "test") {
      if (canonical(read(op.path)) !== canonical(op.value)) throw new Error(`test failed at ${op.path}`);
    } else if (op.op === "add" || op.op === "replace" || op.op === "remove") write(op.path, op.op, op.value);
    else if (op.op === "move" || op.op === "copy") {
      const v = structuredClone(read(op.from ?? ""));
      if (op.op === "move") write(op.from ?? "", "remove");
      write(op.path, "add", v);
    } else throw new Error(`unknown JSON patch operation ${String(op.op)}`);
  }
  return doc;
}

/** JSON with object keys sorted, so equal content compares equal whatever the key order. */
export function canonical(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (isObj(v))
    return `{${Object.keys(v)
      .sort()
      .filter((k) => v[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(",")}}`;
  return JSON.stringify(v) ?? "null";
}

type Requirement = (labels: Record<string, string>) => boolean;

/** Split at commas outside parentheses: `a in (x,y),b` → [`a in (x,y)`, `b`]. */
function terms(selector: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of selector) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter(Boolean);
}

/**
 * Parse a label selector: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`; throws on
 * anything else (the API server answers 400).
 */
export function parseLabelSelector(selector: string | null | undefined): Requirement[] {
  return terms(selector ?? "").map((t): Requirement => {
    let m: RegExpExecArray | null;
    if ((m = /^([^\s!=(),]+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(t))) {
      const [, key, op, list] = m as unknown as [string, string, string, string];
      const set = list.split(",").map((x) => x.trim());
      return op === "in" ? (l) => key in l && set.includes(l[key]!) : (l) => !(key in l) || !set.includes(l[key]!);
    }
    if ((m = /^([^\s!=(),]+)\s*(!=|==|=)\s*([^\s!=(),]*)$/.exec(t))) {
      const [, key, op, value] = m as unknown as [string, string, string, string];
      return op === "!=" ? (l) => l[key] !== value : (l) => l[key] === value;
    }
    if ((m = /^!\s*([^\s!=(),]+)$/.exec(t))) {
      const key = m[1]!;
      return (l) => !(key in l);
    }
    if (/^[^\s!=(),]+$/.test(t)) return (l) => t in l;
    throw new Error(`unable to parse requirement: ${t}`);
  });
}

/** Does a label set match the selector (see parseLabelSelector)? */
export function matchesLabels(labels: Record<string, string> | undefined, selector: string | null): boolean {
  const l = labels ?? {};
  return parseLabelSelector(selector).every((r) => r(l));
}

/** Field selectors: `metadata.name=x`, `status.phase!=Running`, any dotted path, values as text. */
export function parseFieldSelector(selector: string | null | undefined): ((obj: Obj) => boolean)[] {
  return terms(selector ?? "").map((t) => {
    const m = /^([A-Za-z0-9_.]+)\s*(!=|==|=)\s*(.*)$/.exec(t);
    if (!m) throw new Error(`invalid field selector: ${t}`);
    const [, path, op, value] = m as unknown as [string, string, string, string];
    return (obj: Obj) => {
      const actual = path.split(".").reduce<Json>((v, k) => (isObj(v) ? v[k] : undefined), obj);
      const text = actual === undefined || actual === null ? "" : String(actual);
      return op === "!=" ? text !== value : text === value;
    };
  });
}
