import { AppError } from '../lib/errors.js';

export type ChatModel = {
  /** Sends a system and a user message; resolves with the assistant's text. */
  complete(system: string, user: string): Promise<string>;
};

/** The model must answer within this; past it the parser's rules answer alone. */
export const MODEL_TIMEOUT_MS = 3000;

/**
 * A client for any OpenAI-compatible `POST {baseUrl}/chat/completions` endpoint (a hosted
 * service or a self-hosted Qwen behind vLLM). JSON mode is requested; the caller validates.
 */
export function createChatModel(opts: {
  baseUrl: string;
  apiKey: string;
  model: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}): ChatModel {
  const doFetch = opts.fetch ?? fetch;
  const url = `${opts.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  return {
    async complete(system, user) {
      const res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.apiKey}` },
        body: JSON.stringify({
          model: opts.model,
          temperature: 0,
          response_format: { type: 'json_object' },
          messages: [
            { role: 'system', content: system },
            { role: 'user', content: user },
          ],
        }),
        signal: AbortSignal.timeout(opts.timeoutMs ?? MODEL_TIMEOUT_MS),
      });
      if (!res.ok) throw new AppError('platform_error', `model endpoint answered HTTP ${res.status}`, { retryable: res.status >= 500 });
      const body: unknown = await res.json();
      const content =
        body && typeof body === 'object' && 'choices' in body && Array.isArray(body.choices)
          ? (body.choices[0] as { message?: { content?: unknown } } | undefined)?.message?.content
          : undefined;
      if (typeof content !== 'string') throw new AppError('malformed', 'model answer has no choices[0].message.content');
      return content;
    },
  };
}
