import { connect } from 'node:net';

/**
 * Sends `head` (request line and headers), then one byte of body every `gapMs`, as a slow-loris
 * client does; resolves with everything the server answered once it closes the connection.
 */
export function slowRequest(
  baseUrl: string,
  head: string,
  gapMs: number,
): Promise<{ answer: string; firstAnswerMs: number; elapsedMs: number }> {
  const url = new URL(baseUrl);
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname);
    let answer = '';
    let firstAnswerMs = -1;
    const timer = setInterval(() => socket.writable && socket.write('{'), gapMs);
    socket.on('connect', () => socket.write(head));
    socket.on('data', (chunk) => {
      if (firstAnswerMs < 0) firstAnswerMs = Date.now() - started;
      answer += chunk.toString();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, firstAnswerMs, elapsedMs: Date.now() - started });
    });
  });
}
