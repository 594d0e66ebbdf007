import type request from 'supertest';
import { linkIn, type SmtpSink } from '../setup/smtp-sink.js';

/** Asks for a reset of `email`, follows the link mailed to the frontend at `frontend` and sets `newPassword`; the confirm answer. */
export async function resetPassword(http: ReturnType<typeof request>, sink: SmtpSink, frontend: string, email: string, newPassword: string) {
  await http.post('/api/auth/password/reset/').send({ email });
  const link = linkIn(await sink.waitFor(email, /Reset your password/), frontend);
  return http
    .post('/api/auth/password/reset/confirm/')
    .send({ uid: link.searchParams.get('uid'), token: link.searchParams.get('token'), new_password1: newPassword, new_password2: newPassword });
}
