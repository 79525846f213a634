/**
 * Checks that `html` uses only our Telegram markup (<b>, <a href="...">), balanced and not nested, with & < >
 * escaped everywhere else. Returns the first problem, or undefined when the HTML is valid.
 */
export function telegramHtmlProblem(html: string): string | undefined {
  const stack: string[] = [];
  const tag = /<(\/?)(b|a)(?: href="([^"<>]*)")?>/y;
  for (let i = 0; i < html.length; ) {
    const ch = html[i]!;
    if (ch === '<') {
      tag.lastIndex = i;
      const m = tag.exec(html);
      if (!m) return `stray "<" at ${i}: ${JSON.stringify(html.slice(i, i + 20))}`;
      if (m[1]) {
        if (stack.pop() !== m[2]) return `unbalanced </${m[2]}>`;
      } else {
        if (m[2] === 'a' && m[3] === undefined) return '<a> without href';
        if (stack.length) return 'nested tags';
        stack.push(m[2]!);
      }
      i = tag.lastIndex;
    } else if (ch === '>') return `stray ">" at ${i}`;
    else if (ch === '&') {
      if (!/^&(amp|lt|gt|quot);/.test(html.slice(i, i + 6))) return `raw "&" at ${i}`;
      i++;
    } else i++;
  }
  return stack.length ? `unclosed <${stack.join(',')}>` : undefined;
}
