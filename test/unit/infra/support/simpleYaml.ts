// Reads the YAML subset azure.yaml uses: nested mappings of plain or quoted scalars, and comments. Sequences,
// anchors and block scalars are refused, so a richer azure.yaml fails loudly here instead of being misread.
export type YamlNode = string | { [key: string]: YamlNode };

export function parseSimpleYaml(text: string): { [key: string]: YamlNode } {
  const root: { [key: string]: YamlNode } = {};
  const stack: Array<{ indent: number; node: { [key: string]: YamlNode } }> = [{ indent: -1, node: root }];
  text.split('\n').forEach((rawLine, index) => {
    const line = rawLine.replace(/\s+#.*$/, '').replace(/^\s*#.*$/, '');
    if (!line.trim()) return;
    const where = `line ${index + 1}`;
    const match = /^( *)([\w.-]+):(?:\s+(.*))?$/.exec(line);
    if (!match) throw new Error(`${where}: not a "key: value" mapping line: ${rawLine}`);
    const [, spaces, key, rest] = match;
    const indent = spaces.length;
    while (stack[stack.length - 1].indent >= indent) stack.pop();
    const parent = stack[stack.length - 1].node;
    if (key in parent) throw new Error(`${where}: duplicate key ${key}`);
    if (rest === undefined || rest === '') {
      const child: { [key: string]: YamlNode } = {};
      parent[key] = child;
      stack.push({ indent, node: child });
      return;
    }
    if (/^[[{&*|>-]/.test(rest)) throw new Error(`${where}: unsupported YAML value: ${rest}`);
    parent[key] = /^(["']).*\1$/.test(rest) ? rest.slice(1, -1) : rest;
  });
  return root;
}

/** Reads a nested value by path; undefined when absent. */
export function yamlAt(node: YamlNode | undefined, ...path: string[]): YamlNode | undefined {
  return path.reduce<YamlNode | undefined>((current, key) => (current && typeof current === 'object' ? current[key] : undefined), node);
}
