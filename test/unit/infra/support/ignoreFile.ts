// The gitignore subset .funcignore uses (azd applies it with gitignore rules when zipping the package): one
// pattern a line, `#` comments, `*` wildcards, a trailing `/` for directories, a leading `/` to anchor at the root.
// Negation (`!`) and `**` are refused so the checks never guess.
export type IgnoreMatcher = (relativePath: string) => boolean;

export function parseIgnoreFile(text: string): IgnoreMatcher {
  const rules = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      if (line.startsWith('!') || line.includes('**')) throw new Error(`unsupported ignore pattern: ${line}`);
      const directoryOnly = line.endsWith('/');
      const anchored = line.startsWith('/') || line.replace(/\/$/, '').includes('/');
      const body = line.replace(/^\//, '').replace(/\/$/, '');
      const regex = new RegExp(`^${body.split('*').map(escape).join('[^/]*')}$`);
      return { regex, directoryOnly, anchored };
    });
  return (relativePath) => {
    const parts = relativePath.split('/');
    return parts.some((_, index) => {
      const isDirectory = index < parts.length - 1;
      const prefix = parts.slice(0, index + 1).join('/');
      return rules.some((rule) => (!rule.directoryOnly || isDirectory) && rule.regex.test(rule.anchored ? prefix : parts[index]));
    });
  };
}

function escape(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
