// The token prompt: opened by a refused request (HTTP 401) or by the header's Token button.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { TokenPrompt as PromptState, TokenStore } from './token';

/** The store's prompt state, re-rendered on each change. */
export function useTokenPrompt(tokens: TokenStore): PromptState {
  const [prompt, setPrompt] = useState(tokens.prompt);
  useEffect(() => tokens.subscribe(() => setPrompt(tokens.prompt())), [tokens]);
  return prompt;
}

export function TokenPrompt({ tokens }: { tokens: TokenStore }) {
  const prompt = useTokenPrompt(tokens);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (prompt.open) input.current?.focus();
  }, [prompt]);
  if (!prompt.open) return null;
  return (
    <div class="overlay">
      <form
        class="card token-prompt"
        onSubmit={(event) => {
          event.preventDefault();
          tokens.submit(input.current?.value ?? '');
        }}
      >
        <h3>Gateway token</h3>
        <p class="muted">
          {prompt.refused
            ? 'The gateway needs its bearer token (GATEWAY_TOKEN) for this.'
            : 'The bearer token the gateway was started with (GATEWAY_TOKEN).'}{' '}
          It is kept for this tab only.
        </p>
        <input
          id="token-input"
          ref={input}
          type="password"
          autocomplete="off"
          placeholder="GATEWAY_TOKEN"
          required
        />
        <div class="actions">
          <button type="submit" id="token-submit">
            Use token
          </button>
          <button type="button" onClick={() => tokens.dismiss()}>
            Cancel
          </button>
          {tokens.current() && (
            <button type="button" class="danger" onClick={() => tokens.forget()}>
              Forget token
            </button>
          )}
        </div>
      </form>
    </div>
  );
}
