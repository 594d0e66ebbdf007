import { describe, expect, it } from '@jest/globals';
import * as argon2 from 'argon2';
import type { UsersService } from '../users/users.service.js';
import { PasswordService } from './password.service.js';

const NFC = 'Crème-brûlée-à-Noël-42'.normalize('NFC');
const NFD = NFC.normalize('NFD');

/** The stored hashes, keyed as UsersService keys them: by the hash being replaced. */
class FakeUsers {
  readonly replaced: [string, string][] = [];
  async rehashPassword(oldHash: string, newHash: string): Promise<void> {
    this.replaced.push([oldHash, newHash]);
  }
}

function service(): { passwords: PasswordService; users: FakeUsers } {
  const users = new FakeUsers();
  const config = { argon2MemoryKib: 19456, argon2TimeCost: 2, argon2ThreadNice: 0 };
  return { passwords: new PasswordService(config as never, users as unknown as UsersService), users };
}

describe('PasswordService: NFC-normalised passwords (NIST SP 800-63B 5.1.1.2)', () => {
  it('hashes the NFC form, so the NFD and NFC spellings both verify', async () => {
    expect([...NFD].length).toBeGreaterThan([...NFC].length);
    const { passwords, users } = service();
    const fromNfd = await passwords.hash(NFD);
    expect(await argon2.verify(fromNfd, NFC)).toBe(true);
    expect(await passwords.verify(fromNfd, NFC)).toBe(true);
    expect(await passwords.verify(fromNfd, NFD)).toBe(true);
    const fromNfc = await passwords.hash(NFC);
    expect(await passwords.verify(fromNfc, NFD)).toBe(true);
    expect(users.replaced).toEqual([]);
  });

  it('still accepts a legacy hash of a raw non-NFC password and replaces it with a hash of the NFC form', async () => {
    const { passwords, users } = service();
    const legacy = await argon2.hash(NFD, { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
    expect(await passwords.verify(legacy, NFD)).toBe(true);
    expect(users.replaced).toHaveLength(1);
    const [oldHash, newHash] = users.replaced[0];
    expect(oldHash).toBe(legacy);
    expect(await argon2.verify(newHash, NFC)).toBe(true);
    expect(await argon2.verify(newHash, NFD)).toBe(false);
  });

  it('refuses a wrong password, against a current or a legacy hash, without rehashing', async () => {
    const { passwords, users } = service();
    const legacy = await argon2.hash(NFD);
    expect(await passwords.verify(legacy, 'Creme-brulee-a-Noel-42')).toBe(false);
    expect(await passwords.verify(await passwords.hash(NFC), `${NFD}x`)).toBe(false);
    expect(users.replaced).toEqual([]);
  });

  it('never rehashes through the dummy verification', async () => {
    const { passwords, users } = service();
    await passwords.onModuleInit();
    expect(await passwords.verifyDummy(NFD)).toBe(false);
    expect(users.replaced).toEqual([]);
  });
});
