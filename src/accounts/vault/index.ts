export { CredentialsRepository, type CredentialView, type RevealedCredential } from './credentials-repository.ts';
export { loadMasterKey, verifyMasterKey, MasterKeyError, type MasterKey } from './master-key.ts';
export { encryptSecret, decryptSecret } from './cipher.ts';
