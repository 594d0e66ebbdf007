import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type TestApp } from './setup/test-app.js';
import { bearer, PASSWORD, signup, uniqueEmail, uniquePhone } from './factories/users.js';
import { FakeProviders } from './factories/fake-providers.js';
import { staffMember } from './factories/staff.js';

/** Strings PostgreSQL cannot store in a text column: NUL, and a UTF-16 surrogate without its pair. */
const BAD_VALUES = [
  { name: 'NUL', value: 'a\u0000b', message: 'Null characters are not allowed.' },
  { name: 'lone high surrogate', value: 'a\uD800b', message: 'Surrogate characters are not allowed: U+D800.' },
  { name: 'lone low surrogate', value: '\uDFFFz', message: 'Surrogate characters are not allowed: U+DFFF.' },
];

type Schema = { $ref?: string; type?: string; properties?: Record<string, Schema>; example?: unknown };
type Operation = { security?: Record<string, unknown>[]; parameters?: { in: string; name: string }[]; requestBody?: { content?: Record<string, { schema?: Schema }> } };

/**
 * A body that would pass validation, so the bad value in the one field under test is what
 * reaches the service: the documented examples, with a fresh address and phone number and the
 * signed-in user's password where a password is asked for.
 */
function validBody(schema: Schema): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if (/email/.test(name)) body[name] = uniqueEmail('nul');
    else if (name === 'phone') body[name] = uniquePhone();
    else if (/^(password|old_password|password_confirm)$/.test(name)) body[name] = PASSWORD;
    else if (property.example !== undefined) body[name] = property.example;
    else if (property.type === 'string') body[name] = `value-${randomUUID()}`;
  }
  return body;
}

describe('strings the database cannot store are a 400 field error on every endpoint', () => {
  let fake: FakeProviders;
  let t: TestApp;
  let doc: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

  beforeAll(async () => {
    fake = await FakeProviders.start();
    t = await startApp({ ...fake.env(), ACCOUNT_EMAIL_VERIFICATION: 'none' });
    doc = (await t.http.get('/api/docs-json')).body;
  });
  afterAll(async () => {
    await t.close();
    await fake.stop();
  });

  const resolve = (schema: Schema): Schema => (schema.$ref ? doc.components.schemas[schema.$ref.split('/').pop()!] : schema);
  const concrete = (path: string) => path.replace('{provider}', 'google').replace(/\{\w+\}/g, randomUUID());

  /** Sends to the documented path (with its query, if any) with a trailing slash, as a fresh user where the operation needs one (a superuser under /api/admin/). */
  async function send(method: string, pathAndQuery: string, operation: Operation, body?: unknown) {
    const [path, query] = pathAndQuery.split('?');
    let call = (t.http as any)[method](`${concrete(path)}/${query === undefined ? '' : `?${query}`}`);
    if (operation.security?.some((scheme) => 'bearer' in scheme)) {
      const caller = path.startsWith('/api/admin/') ? await staffMember(t, { superuser: true }) : await signup(t.http);
      call = call.set(...bearer(caller.access));
    }
    return body === undefined ? call : call.send(body);
  }

  it('walks every JSON request body of the OpenAPI document with NUL and lone surrogates in each string field', async () => {
    const seen: string[] = [];
    const failures: unknown[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const schema = operation.requestBody?.content?.['application/json']?.schema;
        if (!schema) continue;
        const resolved = resolve(schema);
        for (const [field, property] of Object.entries(resolved.properties ?? {})) {
          if (property.type !== 'string') continue;
          for (const bad of BAD_VALUES) {
            seen.push(`${method} ${path} ${field}`);
            const response = await send(method, path, operation, { ...validBody(resolved), [field]: bad.value });
            if (response.status !== 400 || JSON.stringify(response.body[field]) !== JSON.stringify([bad.message])) {
              failures.push({ method, path, field, bad: bad.name, status: response.status, body: response.body });
            }
          }
        }
      }
    }
    expect(seen).toEqual(expect.arrayContaining(['post /api/login email', 'post /api/signup first_name', 'patch /api/me first_name', 'put /api/me last_name', 'post /api/auth/google access_token']));
    expect(failures).toEqual([]);
  });

  it('walks every query parameter of the GET operations the same way', async () => {
    // A URL carries bytes: NUL arrives as %00; a surrogate can only be sent as invalid UTF-8
    // (%ED%A0%80), which must not become a lone surrogate nor a 5xx.
    const seen: string[] = [];
    const failures: unknown[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      const operation = operations.get;
      for (const parameter of operation?.parameters ?? []) {
        if (parameter.in !== 'query') continue;
        seen.push(`${path} ${parameter.name}`);
        const nul = await send('get', `${path}?${parameter.name}=a%00b`, operation!);
        if (nul.status !== 400 || JSON.stringify(nul.body[parameter.name]) !== JSON.stringify([BAD_VALUES[0].message])) {
          failures.push({ path, parameter: parameter.name, bad: 'NUL', status: nul.status, body: nul.body });
        }
        const surrogate = await send('get', `${path}?${parameter.name}=a%ED%A0%80b`, operation!);
        if (surrogate.status >= 500) failures.push({ path, parameter: parameter.name, bad: 'surrogate bytes', status: surrogate.status, body: surrogate.body });
      }
    }
    expect(seen).toContain('/api/auth/{provider}/redirect next');
    expect(failures).toEqual([]);
  });

  it('refuses a NUL in the undocumented query of the provider callback and in a path parameter', async () => {
    const callback = await t.http.get('/api/auth/google/callback/').query({ state: 'a\u0000b', code: 'c' });
    expect(callback.status).toBe(400);
    expect(callback.body).toEqual({ state: ['Null characters are not allowed.'] });
    const { access } = await signup(t.http);
    const session = await t.http.delete('/api/auth/sessions/%00/').set(...bearer(access));
    expect(session.status).toBe(400);
    expect(session.body).toEqual({ id: ['Null characters are not allowed.'] });
  });

  it('refuses a NUL in Basic-auth login credentials with a field error, and still logs in with clean ones', async () => {
    const user = await signup(t.http);
    const basic = (credentials: string) => t.http.post('/api/login/').set('Authorization', `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`);
    const nulEmail = await basic(`${user.email}\u0000:${PASSWORD}`);
    expect(nulEmail.status).toBe(400);
    expect(nulEmail.body).toEqual({ email: ['Null characters are not allowed.'] });
    const nulPassword = await basic(`${user.email}:${PASSWORD}\u0000`);
    expect(nulPassword.status).toBe(400);
    expect(nulPassword.body).toEqual({ password: ['Null characters are not allowed.'] });
    expect((await basic(`${user.email}:${PASSWORD}`)).status).toBe(200);
  });

  it('still stores ordinary non-ASCII text, astral characters included', async () => {
    const { access } = await signup(t.http);
    const response = await t.http.patch('/api/me/').set(...bearer(access)).send({ first_name: 'Zoë 😀 李' });
    expect(response.status).toBe(200);
    expect((await t.http.get('/api/me/').set(...bearer(access))).body.first_name).toBe('Zoë 😀 李');
  });
});
