// The reference point for intake: Fastify answering a POST with 200 and storing nothing.
import Fastify from 'fastify';

const app = Fastify();
app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
app.post('/hook', async () => ({ ok: true }));
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`listening ${(app.server.address() as { port: number }).port}\n`);
