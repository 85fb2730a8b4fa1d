// The canonical text of a query: parsing it gives the same tree back, and printing that tree
// gives the same text. Parentheses go where the tree needs them (a logical left operand, since
// DjangoQL groups to the right) and around a right operand of the other operator, for readers
// who expect `and` to bind tighter than `or`.
import type { Literal, Operand, Query } from './ast.ts';

const escapes: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

const hex4 = (code: number) => `\\u${code.toString(16).padStart(4, '0')}`;

/** A string literal in double quotes; control characters, line separators and lone surrogates escaped. */
export function printString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    const code = value.charCodeAt(i);
    const escaped = escapes[c];
    if (escaped !== undefined) out += escaped;
    else if (code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029) out += hex4(code);
    else if (code >= 0xd800 && code <= 0xdbff) {
      const low = value.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        out += value.slice(i, i + 2);
        i++;
      } else out += hex4(code);
    } else if (code >= 0xdc00 && code <= 0xdfff) out += hex4(code);
    else out += c;
  }
  return `${out}"`;
}

export function printLiteral(value: Literal): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  // String(n) of a finite number is always DjangoQL number syntax (`1e+21`, `5e-7`, `-3.25`).
  if (typeof value === 'number') return String(value);
  return printString(value);
}

function printOperand(operand: Operand): string {
  switch (operand.kind) {
    case 'literal':
      return printLiteral(operand.value);
    case 'list':
      return `(${operand.items.map(printLiteral).join(', ')})`;
    case 'cidr':
      return `cidr(${operand.networks.map(printString).join(', ')})`;
  }
}

export function printQuery(query: Query): string {
  if (query.type === 'comparison') return `${query.path.join('.')} ${query.operator} ${printOperand(query.operand)}`;
  const left = query.left.type === 'logical' ? `(${printQuery(query.left)})` : printQuery(query.left);
  const right =
    query.right.type === 'logical' && query.right.operator !== query.operator
      ? `(${printQuery(query.right)})`
      : printQuery(query.right);
  return `${left} ${query.operator} ${right}`;
}
