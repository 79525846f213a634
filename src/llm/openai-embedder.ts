import { OpenAIEmbeddings } from '@langchain/openai';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import type { Embedder } from '../retrieval/types.js';

const defaultEmbeddingModel = 'text-embedding-3-small';

export interface OpenAiEmbedderDeps {
  config: Config;
}

export interface OpenAiEmbedderOptions {
  /** Texts per request; local servers often choke on OpenAI's 2048. Default 64. */
  batchSize?: number;
  /** Retries of a failed request (LangChain's default is 6). Default 1. */
  maxRetries?: number;
  /** Per request; default LLM_TIMEOUT_MS. */
  timeoutMs?: number;
}

/** The server answered with vectors of another size than EMBEDDING_DIMENSIONS (or a different count of them). */
export class EmbeddingDimensionError extends AppError {
  constructor(readonly expected: number, readonly got: number, message?: string) {
    super('llm:failed', {
      message: message ?? `embedding server returned ${got} dimensions, expected ${expected}`,
      details: { reason: 'dimension_mismatch', expected, got },
    });
    this.name = 'EmbeddingDimensionError';
  }
}

/**
 * Embeddings from an OpenAI-compatible server (OPENAI_BASE_URL) or OpenAI (OPENAI_API_KEY), via LangChain's
 * OpenAIEmbeddings. Asks for float vectors (base64, the SDK's default, yields zero vectors on some servers) of
 * EMBEDDING_DIMENSIONS and checks every vector it gets back. Throws AppError('llm:failed') when the request fails and
 * EmbeddingDimensionError (also code 'llm:failed', details.reason 'dimension_mismatch') when the size is wrong.
 */
export function createOpenAiEmbedder(deps: OpenAiEmbedderDeps, options: OpenAiEmbedderOptions = {}): Embedder {
  const { config } = deps;
  const model = config.EMBEDDING_MODEL ?? defaultEmbeddingModel;
  const dimensions = config.EMBEDDING_DIMENSIONS;
  const client = new OpenAIEmbeddings({
    model,
    dimensions,
    encodingFormat: 'float',
    apiKey: config.OPENAI_API_KEY ?? 'not-needed',
    batchSize: options.batchSize ?? 64,
    maxRetries: options.maxRetries ?? 1,
    timeout: options.timeoutMs ?? config.LLM_TIMEOUT_MS,
    configuration: { baseURL: config.OPENAI_BASE_URL },
  });

  return {
    id: `openai:${model}:${dimensions}`,
    dimensions,
    async embed(texts) {
      if (texts.length === 0) return [];
      let vectors: number[][];
      try {
        vectors = await client.embedDocuments(texts);
      } catch (cause) {
        throw new AppError('llm:failed', { message: 'embedding request failed', cause, details: { reason: 'request_failed' } });
      }
      if (vectors.length !== texts.length) {
        throw new EmbeddingDimensionError(
          dimensions,
          vectors[0]?.length ?? 0,
          `embedding server returned ${vectors.length} vectors for ${texts.length} texts`,
        );
      }
      for (const v of vectors) {
        if (!Array.isArray(v) || v.length !== dimensions) throw new EmbeddingDimensionError(dimensions, v?.length ?? 0);
        if (!v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
          throw new AppError('llm:failed', {
            message: 'embedding server returned non-numeric values',
            details: { reason: 'bad_vector' },
          });
        }
      }
      return vectors;
    },
  };
}
