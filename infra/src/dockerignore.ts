// `.dockerignore` as Docker reads it: one pattern a line, `#` comments, `!` re-includes, the last
// matching pattern wins, and a path is excluded with the folder that contains it.

type Rule = { pattern: RegExp; include: boolean };

export type DockerIgnore = { excludes: (relativePath: string) => boolean };

export function parseDockerIgnore(text: string): DockerIgnore {
  const rules: Rule[] = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const include = line.startsWith('!');
      const pattern = (include ? line.slice(1) : line).replace(/^\/+/, '').replace(/\/+$/, '');
      return { pattern: globToRegExp(pattern), include };
    });
  const matches = (path: string) => {
    let excluded = false;
    for (const rule of rules) if (rule.pattern.test(path)) excluded = !rule.include;
    return excluded;
  };
  return {
    excludes: (relativePath) => {
      const parts = relativePath.split('/').filter(Boolean);
      // The path itself or any folder above it.
      for (let length = 1; length <= parts.length; length++)
        if (matches(parts.slice(0, length).join('/'))) return true;
      return false;
    },
  };
}

/** Go's filepath.Match syntax plus `**` (any number of folders), as Docker extends it. */
function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] ?? '';
    if (char === '*' && glob[i + 1] === '*') {
      // `**/` also matches no folder at all.
      source += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
