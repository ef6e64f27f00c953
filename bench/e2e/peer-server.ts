// A peer measured beside genjin in the same invocation, on 127.0.0.1:
//   sdk          the official Feishu SDK's EventDispatcher behind lark.adaptDefault, a no-op handler
//                (it checks the token and decrypts; it stores nothing and answers nothing);
//   fastify-json a bare Fastify route: JSON body parsed, `{}` answered; no verification at all;
//   fastify-xml  the same for WeCom's XML body (read as a string, empty 200).
// Usage: tsx bench/e2e/peer-server.ts <mode> <port>; says 'ready' over IPC; exits on SIGTERM.
import http from 'node:http';
import * as lark from '@larksuiteoapi/node-sdk';
import Fastify from 'fastify';
import { FEISHU } from './payloads.js';

const [mode, portArg] = process.argv.slice(2);
const port = Number(portArg);

if (mode === 'sdk') {
  const dispatcher = new lark.EventDispatcher({
    encryptKey: FEISHU.key,
    verificationToken: FEISHU.token,
    loggerLevel: lark.LoggerLevel.error,
  }).register({ 'im.message.receive_v1': async () => undefined });
  http.createServer(lark.adaptDefault('/webhooks/feishu', dispatcher)).listen(port, '127.0.0.1', () => process.send?.('ready'));
} else if (mode === 'fastify-json' || mode === 'fastify-xml') {
  const app = Fastify({ logger: false });
  if (mode === 'fastify-xml') app.addContentTypeParser('text/xml', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.post(mode === 'fastify-xml' ? '/webhooks/wecom' : '/webhooks/feishu', async (_req, reply) =>
    mode === 'fastify-xml' ? reply.send('') : reply.send({}),
  );
  await app.listen({ host: '127.0.0.1', port });
  process.send?.('ready');
} else {
  throw new Error(`unknown peer mode ${mode}`);
}

process.on('SIGTERM', () => process.exit(0));
