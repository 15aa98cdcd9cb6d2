// Loaded with `node --import`: records every module URL the process resolves into $AVICTL_IMPORT_LOG.
import { register } from "node:module";

register(
  `data:text/javascript,${encodeURIComponent(`
import { appendFileSync } from "node:fs";
const log = process.env.AVICTL_IMPORT_LOG;
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (log) appendFileSync(log, r.url + "\\n");
  return r;
}`)}`,
);
