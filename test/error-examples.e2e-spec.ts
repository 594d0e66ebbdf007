import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type TestApp } from './setup/test-app.js';
import { PASSWORD, signup, uniqueEmail } from './factories/users.js';

/** The example bodies the OpenAPI document gives for one operation and status. */
function examples(doc: any, path: string, method: string, status: number): unknown[] {
  const content = doc.paths[path]?.[method]?.responses?.[String(status)]?.content?.['application/json'];
  return Object.values(content?.examples ?? {}).map((example: any) => example.value);
}

describe('error examples in the OpenAPI document are what the server answers', () => {
  let t: TestApp;
  let doc: any;
  beforeAll(async () => {
    t = await startApp({ BODY_LIMIT: '4096' });
    doc = (await t.http.get('/api/docs-json')).body;
  });
  afterAll(() => t.close());

  it('documents login 401 with the body of a wrong password', async () => {
    const { email } = await signup(t.http);
    const response = await t.http.post('/api/login/').send({ email, password: `${PASSWORD}-wrong` });
    expect(response.status).toBe(401);
    expect(examples(doc, '/api/login', 'post', 401)).toContainEqual(response.body);
  });

  it('documents token verify 401 with the body of a bad token', async () => {
    const response = await t.http.post('/api/token/verify/').send({ token: 'not.a.token' });
    expect(response.status).toBe(401);
    expect(examples(doc, '/api/token/verify', 'post', 401)).toContainEqual(response.body);
  });

  it('documents signup 400 with the body of a duplicate email', async () => {
    const { email } = await signup(t.http);
    const response = await t.http.post('/api/signup/').send({ email, password: PASSWORD, password_confirm: PASSWORD });
    expect(response.status).toBe(400);
    expect(examples(doc, '/api/signup', 'post', 400)).toContainEqual(response.body);
  });

  it('documents 415 and 413 with the bodies the server sends', async () => {
    const media = await t.http.post('/api/signup/').set('Content-Type', 'text/plain').send('email=a@b.c');
    expect(media.status).toBe(415);
    expect(examples(doc, '/api/signup', 'post', 415)).toContainEqual(media.body);
    const large = await t.http.post('/api/login/').send({ email: uniqueEmail(), password: 'a'.repeat(8192) });
    expect(large.status).toBe(413);
    expect(examples(doc, '/api/login', 'post', 413)).toContainEqual(large.body);
  });

  it('states the 405 body the server sends for a method a path does not take', async () => {
    const response = await t.http.get('/api/login/');
    expect(response.status).toBe(405);
    expect(response.body).toEqual({ detail: 'Method "GET" not allowed.', code: 'method_not_allowed' });
    expect(doc.info.description).toContain(JSON.stringify(response.body));
  });

  it('answers an over-long path parameter with 414 in the contract shape, without echoing the path', async () => {
    const { access } = await signup(t.http);
    const response = await t.http.delete(`/api/auth/sessions/${'a'.repeat(5000)}/`).set('Authorization', `Bearer ${access}`);
    expect(response.status).toBe(414);
    expect(response.body).toEqual({ detail: 'Request URI is too long.', code: 'uri_too_long' });
    expect(response.headers['content-type']).toMatch(/application\/json/);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.text).not.toContain('aaaa');
  });

  it('answers a malformed URL with 400 in the contract shape, without echoing it', async () => {
    const response = await t.http.get('/api/auth/sessions/%E0%A4%A/');
    expect(response.status).toBe(400);
    expect(Object.keys(response.body).sort()).toEqual(['code', 'detail']);
    expect(response.text).not.toContain('%E0');
  });
});
