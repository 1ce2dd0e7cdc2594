/** DSPy's `infer_prefix`: "camelCaseText" → "Camel Case Text", "text2number" → "Text 2 Number". */
export function inferPrefix(name: string): string {
  const snake = name
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([a-zA-Z])(\d)/g, '$1_$2')
    .replace(/(\d)([a-zA-Z])/g, '$1_$2');
  return snake
    .split('_')
    .map((word) => (isUpper(word) ? word : capitalize(word)))
    .join(' ');
}

// Python's str.isupper: at least one cased character and no lowercase ones.
function isUpper(word: string): boolean {
  return word !== word.toLowerCase() && word === word.toUpperCase();
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}
