// First start with no users: create the first account and its operator admin from
// ADMIN_EMAIL/ADMIN_PASSWORD, or with a generated password printed once. No default password exists.
import type { AccountsRepository } from './accounts-repository.ts';
import { generatePassword } from './passwords.ts';
import type { UsersRepository } from './users-repository.ts';

export type BootstrapResult =
  | { created: false }
  | { created: true; email: string; generatedPassword: string | undefined; accountId: string };

export async function bootstrapAdmin(
  repos: { accounts: AccountsRepository; users: UsersRepository },
  opts: { adminEmail?: string | undefined; adminPassword?: string | undefined },
): Promise<BootstrapResult> {
  if ((await repos.users.count()) > 0) return { created: false };
  const email = opts.adminEmail ?? 'admin@localhost';
  const generatedPassword = opts.adminPassword ? undefined : generatePassword();
  const account = await repos.accounts.create('Основной аккаунт');
  await repos.users.create({
    accountId: account.id,
    email,
    password: opts.adminPassword ?? generatedPassword!,
    role: 'owner',
    isOperator: true,
  });
  return { created: true, email, generatedPassword, accountId: account.id };
}
