import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors.js';
import { createOpenAiEmbedder, EmbeddingDimensionError } from '../../src/llm/openai-embedder.js';
import { fakeVector, startFakeOpenAiServer, type FakeOpenAiServer } from '../fakes/openai-server.js';
import { llmConfig } from './helpers.js';

let server: FakeOpenAiServer;
beforeEach(async () => {
  server = await startFakeOpenAiServer();
});
afterEach(async () => {
  await server.close();
});

function embedder(env: Record<string, string> = {}, options = {}) {
  return createOpenAiEmbedder(
    { config: llmConfig({ OPENAI_BASE_URL: server.baseUrl, EMBEDDING_MODEL: 'fake-embed', EMBEDDING_DIMENSIONS: '16', ...env }) },
    { maxRetries: 0, ...options },
  );
}

describe('createOpenAiEmbedder', () => {
  it('round-trips texts to vectors of the configured dimension, asking for floats', async () => {
    const e = embedder();
    const texts = ['đăng ký khai sinh', 'lệ phí\nkết hôn', 'cấp đổi căn cước'];
    const vectors = await e.embed(texts);
    expect(e.id).toBe('openai:fake-embed:16');
    expect(e.dimensions).toBe(16);
    expect(vectors).toHaveLength(3);
    expect(vectors.every((v) => v.length === 16)).toBe(true);
    expect(vectors[0]).toEqual(fakeVector('đăng ký khai sinh', 16).map((x) => expect.closeTo(x, 10)));
    const body = server.requests[0]!.body;
    expect(body).toMatchObject({ model: 'fake-embed', dimensions: 16, encoding_format: 'float' });
    expect(body.input).toHaveLength(3);
  });

  it('keeps the order of texts across batches', async () => {
    const texts = ['a', 'b', 'c', 'd', 'e'];
    const vectors = await embedder({}, { batchSize: 2 }).embed(texts);
    expect(server.requests).toHaveLength(3);
    expect(vectors).toEqual(texts.map((t) => fakeVector(t, 16).map((x) => expect.closeTo(x, 10))));
  });

  it('throws EmbeddingDimensionError (code llm:failed) when the server returns another dimension', async () => {
    server.embeddings({ dimensions: 3 });
    const err = await embedder().embed(['đăng ký khai sinh']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmbeddingDimensionError);
    expect(isAppError(err, 'llm:failed')).toBe(true);
    expect(err).toMatchObject({ expected: 16, got: 3, details: { reason: 'dimension_mismatch' } });
  });

  it('throws AppError llm:failed with the cause when the server fails', async () => {
    server.embeddings({ status: 500 });
    const err = await embedder().embed(['x']).catch((e: unknown) => e);
    expect(isAppError(err, 'llm:failed')).toBe(true);
    expect((err as Error).cause).toBeDefined();
  });

  it('gives up at the timeout when the server hangs', async () => {
    server.embeddings({ hang: true });
    const err = await embedder({ LLM_TIMEOUT_MS: '500' }).embed(['x']).catch((e: unknown) => e);
    expect(isAppError(err, 'llm:failed')).toBe(true);
  });

  it('sends no request for no texts', async () => {
    expect(await embedder().embed([])).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });

  it('defaults the model to text-embedding-3-small', () => {
    const e = createOpenAiEmbedder({ config: llmConfig({ OPENAI_BASE_URL: server.baseUrl }) });
    expect(e.id).toBe('openai:text-embedding-3-small:256');
  });
});
