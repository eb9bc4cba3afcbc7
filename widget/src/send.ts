// The fallback of the usage events (events.ts), in the answers chunk: when the
// browser refuses a beacon (too large, too many pending), fetch with keepalive;
// when the server's queue is full (503), once more after Retry-After.

export function post(url: string, body: string, retry = true): void {
  fetch(url, { method: 'POST', keepalive: true, credentials: 'omit', headers: { 'Content-Type': 'text/plain' }, body }).then((r) => {
    if (r.status === 503 && retry) setTimeout(() => post(url, body, false), Math.min(Number(r.headers.get('Retry-After')) || 1, 60) * 1000);
  }, () => undefined);
}
