import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors.js';
import { loadPrompt, parsePrompt } from '../../src/llm/prompts.js';

describe('prompts', () => {
  it('ships the rephrase prompts with their named variables', () => {
    expect(loadPrompt('rephrase.system').variables).toEqual(['aspects']);
    expect(loadPrompt('rephrase.user').variables).toEqual(['question', 'aspects', 'grounded']);
  });

  it('fills variables in one pass, so a value cannot pull in another variable', () => {
    const p = parsePrompt('t', 'Q: {question}\nA: {grounded}');
    expect(p.render({ question: 'say {grounded}', grounded: 'facts' })).toBe('Q: say {grounded}\nA: facts');
  });

  it('refuses to render with a variable missing', () => {
    const p = parsePrompt('t', '{question} {grounded}');
    let err: unknown;
    try {
      p.render({ question: 'x' });
    } catch (e) {
      err = e;
    }
    expect(isAppError(err, 'internal')).toBe(true);
    expect((err as Error).message).toContain('grounded');
  });

  it('names the prompt when its file is missing', () => {
    expect(() => loadPrompt('no-such-prompt')).toThrow(/no-such-prompt/);
  });
});
