import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../errors.js';

/** prompts/ at the repository root, next to src/. */
const defaultPromptsDir = fileURLToPath(new URL('../../prompts/', import.meta.url));

const variablePattern = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export interface PromptTemplate {
  readonly name: string;
  readonly text: string;
  /** Named variables ({question}, {grounded}, ...) in order of first appearance. */
  readonly variables: readonly string[];
  /**
   * Fills every variable in one pass, so a value that itself contains "{grounded}" is left as written (a question
   * cannot smuggle another variable in). Throws AppError('internal') when a variable has no value.
   */
  render(values: Record<string, string>): string;
}

export function parsePrompt(name: string, text: string): PromptTemplate {
  const variables = [...new Set([...text.matchAll(variablePattern)].map((m) => m[1]!))];
  return {
    name,
    text,
    variables,
    render(values) {
      const missing = variables.filter((v) => values[v] === undefined);
      if (missing.length > 0) {
        throw new AppError('internal', { message: `prompt ${name} needs ${missing.join(', ')}` });
      }
      return text.replace(variablePattern, (_, v: string) => values[v]!);
    },
  };
}

/** Reads prompts/<name>.txt (synchronously: prompts are loaded once, when the service is built). */
export function loadPrompt(name: string, options: { dir?: string } = {}): PromptTemplate {
  const path = join(options.dir ?? defaultPromptsDir, `${name}.txt`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new AppError('internal', { message: `cannot read prompt ${name}`, cause });
  }
  return parsePrompt(name, text.replace(/\r\n/g, '\n').trimEnd() + '\n');
}
