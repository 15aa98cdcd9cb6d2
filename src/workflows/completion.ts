/** The command tree reduced to what a completion script needs. */
export interface CommandNode {
  name: string;
  description: string;
  options: string[];
  /** Options followed by a value (--context NAME): the value is not a command word. */
  valueOptions: string[];
  children: CommandNode[];
}

/** Completion for bash, zsh and fish, generated from the command tree so it never drifts from --help. */
export function completionScript(shell: "bash" | "zsh" | "fish", root: CommandNode): string {
  const paths = walk(root, []);
  if (shell === "fish") return fish(root, paths);
  const cases = paths
    .map(
      ({ path, node }) =>
        `    "${path.join(" ")}") words="${[...new Set([...node.children.map((c) => c.name), ...node.options, ...root.options])].join(" ")}" ;;`,
    )
    .join("\n");
  const fn = `_avictl_complete() {
  local cur path="" w i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    case "$w" in
      ${[...new Set(paths.flatMap(({ node }) => node.valueOptions))].join("|") || "--"}) ((i++)); continue ;;
      -*) continue ;;
    esac
    case "\${path:+$path }$w" in
${paths.map(({ path }) => `      "${path.join(" ")}") path="${path.join(" ")}" ;;`).join("\n")}
    esac
  done
  local words
  case "$path" in
${cases}
  esac
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}
`;
  if (shell === "bash") return `# avictl bash completion\n${fn}complete -F _avictl_complete avictl\n`;
  return `#compdef avictl\n# avictl zsh completion (bash-compatible)\nautoload -U +X bashcompinit && bashcompinit\n${fn}complete -F _avictl_complete avictl\n`;
}

function walk(node: CommandNode, prefix: string[]): { path: string[]; node: CommandNode }[] {
  const here = { path: prefix, node };
  return [here, ...node.children.flatMap((c) => walk(c, [...prefix, c.name]))];
}

function fish(root: CommandNode, paths: { path: string[]; node: CommandNode }[]): string {
  const lines = ["# avictl fish completion", "complete -c avictl -f"];
  for (const o of root.options.filter((x) => x.startsWith("--"))) lines.push(`complete -c avictl -l ${o.slice(2)}`);
  for (const { path, node } of paths) {
    const cond = path.length === 0 ? "__fish_use_subcommand" : `__fish_seen_subcommand_from ${path[path.length - 1]}`;
    for (const c of node.children)
      lines.push(`complete -c avictl -n '${cond}' -a ${c.name} -d ${JSON.stringify(c.description.slice(0, 60))}`);
    for (const o of node.options.filter((x) => x.startsWith("--")))
      if (path.length > 0) lines.push(`complete -c avictl -n '${cond}' -l ${o.slice(2)}`);
  }
  return `${lines.join("\n")}\n`;
}
