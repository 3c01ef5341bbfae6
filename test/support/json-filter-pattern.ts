/**
 * CloudWatch Logs JSON filter patterns (`{ $.a.b = "x" && ($.c >= 400 || … ) }`), evaluated as
 * CloudWatch Logs documents them ("Using filter patterns to match terms in JSON log events"): the
 * subset this project's patterns use (selectors, `=`, `!=`, `>=`, `<=`, `>`, `<`, strings, numbers,
 * `&&`, `||`, parentheses). moto does not apply filter patterns; tests and the bench use this. A
 * pattern outside the subset throws, so it cannot pass by being misread.
 */
export function jsonFilterPattern(pattern: string): (message: string) => boolean {
  const body = /^\{\s*(.*)\s*\}$/s.exec(pattern.trim());
  if (!body) throw new Error(`not a JSON filter pattern: ${pattern}`);
  const tokens = body[1].match(/\$(?:\.[A-Za-z0-9_]+)+|"[^"]*"|-?\d+(?:\.\d+)?|&&|\|\||!=|>=|<=|=|>|<|\(|\)|\S+/g) ?? [];
  let at = 0;
  type Node = (doc: unknown) => boolean;
  const peek = () => tokens[at];
  const next = () => tokens[at++];
  const or = (): Node => {
    let left = and();
    while (peek() === '||') { next(); const l = left; const r = and(); left = (d) => l(d) || r(d); }
    return left;
  };
  const and = (): Node => {
    let left = term();
    while (peek() === '&&') { next(); const l = left; const r = term(); left = (d) => l(d) && r(d); }
    return left;
  };
  const term = (): Node => {
    if (peek() === '(') {
      next();
      const inner = or();
      if (next() !== ')') throw new Error(`unbalanced parentheses in ${pattern}`);
      return inner;
    }
    const selector = next();
    const op = next();
    const literal = next();
    if (!selector?.startsWith('$.') || !['=', '!=', '>=', '<=', '>', '<'].includes(op) || literal === undefined) throw new Error(`unsupported term near ${selector} ${op} ${literal}`);
    const path = selector.slice(2).split('.');
    const value: string | number = literal.startsWith('"') ? literal.slice(1, -1) : Number(literal);
    if (typeof value === 'number' && Number.isNaN(value)) throw new Error(`unsupported literal ${literal}`);
    return (doc) => {
      const found = path.reduce<unknown>((node, key) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined), doc);
      if (found === undefined) return false;
      switch (op) {
        case '=': return found === value;
        case '!=': return found !== value;
        case '>=': return typeof found === 'number' && found >= (value as number);
        case '<=': return typeof found === 'number' && found <= (value as number);
        case '>': return typeof found === 'number' && found > (value as number);
        default: return typeof found === 'number' && found < (value as number);
      }
    };
  };
  const root = or();
  if (at !== tokens.length) throw new Error(`unexpected ${tokens[at]} in ${pattern}`);
  return (message) => {
    try {
      return root(JSON.parse(message));
    } catch {
      return false;
    }
  };
}
