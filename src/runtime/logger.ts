// JSON logs. Secrets never reach them: credential-bearing headers are censored, and the
// integration secret in hook URLs is replaced before any URL is logged.
import pino, { type Logger } from 'pino';

const SECRET_PATH = /(\/hooks\/[a-z-]+\/)[^/?#]+/gi;

/** A URL as it may appear in logs and in the inbox: the hook secret replaced by ":secret". */
export function scrubUrl(url: string): string {
  return url.replace(SECRET_PATH, '$1:secret');
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["lognex-phone-auth-token"]',
          'req.headers["lognex-content-md5"]',
          'res.headers["set-cookie"]',
          '*.password',
          '*.secret',
          '*.token',
          '*.accessToken',
          '*.access_token',
        ],
        censor: '[redacted]',
      },
      serializers: {
        req: (req: { method: string; url: string; id?: string; ip?: string }) => ({
          id: req.id,
          method: req.method,
          url: scrubUrl(req.url),
          ip: req.ip,
        }),
        err: pino.stdSerializers.err,
      },
    },
    destination,
  );
}
