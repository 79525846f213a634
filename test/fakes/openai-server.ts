import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An in-process OpenAI-compatible server on 127.0.0.1:0 for tests: POST /v1/chat/completions and /v1/embeddings,
 * scripted per test, recording every request.
 *
 *   const server = await startFakeOpenAiServer();
 *   server.chat({ reply: 'Xin chào' });          // every chat call answers this
 *   server.chat({ status: 500 });                // or fails
 *   server.chat({ hang: true });                 // or never answers (until close)
 *   server.chat((body) => ({ reply: ... }));     // or decides from the request
 *   server.chat({ toolCalls: [{ name: 'search_procedures', args: { query: '...' } }] })  // or asks for tool calls
 *   server.embeddings({ dimensions: 3 });        // vectors of the wrong size
 *   config OPENAI_BASE_URL = server.baseUrl       // http://127.0.0.1:PORT/v1
 */

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

export type ChatScript =
  | { reply: string; delayMs?: number }
  | { toolCalls: { name: string; args: Record<string, unknown> }[]; delayMs?: number }
  | { status: number; body?: unknown; delayMs?: number }
  | { hang: true };
export type EmbeddingsScript =
  | { dimensions?: number; delayMs?: number }
  | { vectors: number[][] }
  | { status: number; body?: unknown; delayMs?: number }
  | { hang: true };

export interface ChatRequestBody {
  model: string;
  messages: { role: string; content: string; tool_calls?: unknown[]; tool_call_id?: string }[];
  tools?: { type: string; function: { name: string } }[];
  temperature?: number;
  [key: string]: unknown;
}

export interface FakeOpenAiServer {
  /** Base URL including /v1, for OPENAI_BASE_URL. */
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  chatRequests(): ChatRequestBody[];
  chat(script: ChatScript | ((body: ChatRequestBody) => ChatScript)): void;
  embeddings(script: EmbeddingsScript | ((body: any) => EmbeddingsScript)): void;
  close(): Promise<void>;
}

/** A deterministic vector for a text, so the same text always embeds the same. */
export function fakeVector(text: string, dimensions: number): number[] {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.codePointAt(0)!, 16777619) >>> 0;
  const v: number[] = [];
  for (let i = 0; i < dimensions; i++) {
    h = Math.imul(h ^ (h >>> 13), 1274126177) >>> 0;
    v.push((h / 2 ** 32) * 2 - 1);
  }
  return v;
}

export async function startFakeOpenAiServer(): Promise<FakeOpenAiServer> {
  const requests: RecordedRequest[] = [];
  let chatScript: ChatScript | ((body: ChatRequestBody) => ChatScript) = { reply: 'OK' };
  let embeddingsScript: EmbeddingsScript | ((body: any) => EmbeddingsScript) = {};
  const hanging = new Set<ServerResponse>();

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const sleep = (ms: number | undefined) => new Promise((r) => setTimeout(r, ms ?? 0));

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: any;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      return send(res, 400, { error: { message: 'bad json', type: 'invalid_request_error' } });
    }
    const path = (req.url ?? '').split('?')[0]!;
    requests.push({ method: req.method ?? '', path, headers: req.headers, body });

    if (req.method === 'POST' && path === '/v1/chat/completions') {
      const script = typeof chatScript === 'function' ? chatScript(body) : chatScript;
      if ('hang' in script) return void hanging.add(res);
      await sleep(script.delayMs);
      if ('status' in script) return send(res, script.status, script.body ?? { error: { message: 'scripted failure' } });
      return send(res, 200, {
        id: `chatcmpl-${requests.length}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body?.model ?? 'fake',
        choices: [
          'toolCalls' in script
            ? {
                index: 0,
                message: {
                  role: 'assistant',
                  content: null,
                  tool_calls: script.toolCalls.map((c, i) => ({
                    id: `call_${requests.length}_${i}`,
                    type: 'function',
                    function: { name: c.name, arguments: JSON.stringify(c.args) },
                  })),
                },
                finish_reason: 'tool_calls',
              }
            : { index: 0, message: { role: 'assistant', content: script.reply }, finish_reason: 'stop' },
        ],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      });
    }

    if (req.method === 'POST' && path === '/v1/embeddings') {
      const script = typeof embeddingsScript === 'function' ? embeddingsScript(body) : embeddingsScript;
      if ('hang' in script) return void hanging.add(res);
      if ('delayMs' in script) await sleep(script.delayMs);
      if ('status' in script) return send(res, script.status, script.body ?? { error: { message: 'scripted failure' } });
      const inputs: string[] = Array.isArray(body?.input) ? body.input : [body?.input];
      const dims = 'vectors' in script ? 0 : (script.dimensions ?? body?.dimensions ?? 8);
      const vectors = 'vectors' in script ? script.vectors : inputs.map((t) => fakeVector(String(t), dims));
      const base64 = body?.encoding_format === 'base64';
      return send(res, 200, {
        object: 'list',
        model: body?.model ?? 'fake',
        data: vectors.map((v, index) => ({
          object: 'embedding',
          index,
          embedding: base64 ? Buffer.from(new Float32Array(v).buffer).toString('base64') : v,
        })),
        usage: { prompt_tokens: 1, total_tokens: 1 },
      });
    }

    return send(res, 404, { error: { message: `no route ${req.method} ${path}` } });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => send(res, 500, { error: { message: String(err) } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    chatRequests: () => requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.body as ChatRequestBody),
    chat(script) {
      chatScript = script;
    },
    embeddings(script) {
      embeddingsScript = script;
    },
    async close() {
      for (const res of hanging) res.destroy();
      hanging.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
