import type { FieldType } from './field-type.js';

/**
 * How DSPy prints a Python annotation: "str", "list[str]", "dict[str, int]", "Literal['a', 'b']",
 * "Union[int, NoneType]" (Python 3.11 prints `Optional[int]` and `int | None` that way).
 */
export function annotationName(type: FieldType): string {
  switch (type.kind) {
    case 'str':
    case 'int':
    case 'float':
    case 'bool':
      return type.kind;
    case 'list':
      return `list[${annotationName(type.items)}]`;
    case 'dict':
      return `dict[str, ${annotationName(type.values)}]`;
    case 'literal':
      return `Literal[${type.values.map(literalArgument).join(', ')}]`;
    case 'enum':
    case 'object':
      return type.name;
    case 'history':
      return 'History';
    case 'union':
      return `Union[${type.options.map(annotationName).join(', ')}]`;
    case 'none':
      return 'NoneType';
    case 'any':
      return 'Any';
    case 'tool':
      return 'Tool';
    case 'toolCalls':
      return 'ToolCalls';
  }
}

function literalArgument(value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  return quoteLiteral(value);
}

// Mirrors DSPy's _quoted_string_for_literal_type_annotation (the way Python's repr would quote).
function quoteLiteral(value: string): string {
  const hasSingle = value.includes("'");
  const hasDouble = value.includes('"');
  if (hasSingle && !hasDouble) return `"${value}"`;
  if (hasSingle && hasDouble) return `'${value.replaceAll("'", "\\'")}'`;
  return `'${value}'`;
}
