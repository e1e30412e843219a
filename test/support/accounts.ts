import { randomBytes } from 'node:crypto';
import TestAgent from 'supertest/lib/agent';

export interface TestAccount {
  email: string;
  password: string;
  token: string;
  /** The `refreshToken=…` pair, ready for a Cookie header. */
  cookie: string;
  userId: string;
}

let accountCounter = 0;

export function uniqueEmail(): string {
  accountCounter += 1;
  return `user${accountCounter}-${randomBytes(3).toString('hex')}@example.com`;
}

/** Extracts the `refreshToken=…` pair from a response's Set-Cookie headers. */
export function refreshCookieOf(setCookie: string[] | string | undefined): string | undefined {
  const headers = [setCookie ?? []].flat();
  const header = headers.find((value) => value.startsWith('refreshToken='));
  return header?.split(';')[0];
}

export async function registerAccount(http: TestAgent, email = uniqueEmail()): Promise<TestAccount> {
  const password = randomBytes(16).toString('hex');
  const response = await http.post('/auth/register').send({ email, password }).expect(201);
  const cookie = refreshCookieOf(response.headers['set-cookie']);
  if (!cookie) throw new Error('register returned no refresh cookie');
  return { email, password, token: response.body.token, cookie, userId: response.body.user.id };
}
