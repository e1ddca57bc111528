import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.ts';

const load = (env: Record<string, string>) => loadConfig(env, { dotenv: false });

test('defaults point at the real hosts and the embedded database', () => {
  const c = load({});
  assert.equal(c.port, 3000);
  assert.equal(c.databaseUrl, undefined);
  assert.equal(c.publicUrl, 'http://localhost:3000');
  assert.equal(c.apis.moyskladJson, 'https://api.moysklad.ru/api/remap/1.2');
  assert.equal(c.apis.uisCall, 'https://callapi.uiscom.ru/v4.0');
});

test('each bad value fails with one line naming the variable', () => {
  const cases: Array<[Record<string, string>, string, RegExp]> = [
    [{ PORT: 'abc' }, 'PORT', /whole number/],
    [{ PORT: '70000' }, 'PORT', /between 0 and 65535/],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', /postgres/],
    [{ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL', /http/],
    [{ SECRET_KEY: 'short' }, 'SECRET_KEY', /32 random bytes/],
    [{ MOYSKLAD_API_URL: 'ftp://x' }, 'MOYSKLAD_API_URL', /http/],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /./],
    [{ ADMIN_PASSWORD: 'short' }, 'ADMIN_PASSWORD', /10 characters/],
  ];
  for (const [env, variable, expected] of cases) {
    assert.throws(
      () => load(env),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.variable, variable);
        assert.match(err.message, new RegExp(`^Invalid configuration: ${variable} `));
        assert.match(err.message, expected);
        assert.ok(!err.message.includes('\n'));
        return true;
      },
    );
  }
});

test('secret values are never echoed in the error', () => {
  assert.throws(() => load({ SECRET_KEY: 'my-leaky-secret' }), (err: Error) => !err.message.includes('my-leaky-secret'));
});

test('empty strings count as unset; URLs lose trailing slashes', () => {
  const c = load({ PORT: '', UIS_DATA_API_URL: 'http://127.0.0.1:9/v2.0/', PUBLIC_URL: 'https://c.example/' });
  assert.equal(c.port, 3000);
  assert.equal(c.apis.uisData, 'http://127.0.0.1:9/v2.0');
  assert.equal(c.publicUrl, 'https://c.example');
});
