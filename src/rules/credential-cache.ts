// Decrypted credentials for the rules' API clients, kept per credential while its version stamp
// (version and last change, read in every evaluation's snapshot) stays the same: a new secret or
// login counts from the next evaluation, in any process, without a read and decrypt per call.
import type { CredentialsRepository, RevealedCredential } from '../accounts/index.ts';

const MAX_ENTRIES = 10_000;

export class CredentialCache {
  private readonly byId = new Map<string, { stamp: string; cred: RevealedCredential }>();

  constructor(private readonly credentials: Pick<CredentialsRepository, 'reveal'>) {}

  /** undefined: the credential is gone (stamp null) or could not be read. */
  async get(accountId: string, id: string, stamp: string | null): Promise<RevealedCredential | undefined> {
    const key = `${accountId}:${id}`;
    if (stamp === null) {
      this.byId.delete(key);
      return undefined;
    }
    const hit = this.byId.get(key);
    if (hit?.stamp === stamp) return hit.cred;
    const cred = await this.credentials.reveal(accountId, id);
    if (!cred) {
      this.byId.delete(key);
      return undefined;
    }
    if (this.byId.size >= MAX_ENTRIES && !hit) this.byId.clear();
    // Keyed by the stamp read before the reveal: if the secret changed in between, the next
    // snapshot's stamp differs and it is read again.
    this.byId.set(key, { stamp, cred });
    return cred;
  }
}
