// Starts a TypeScript script in a Node.js process of its own (through tsx) and resolves once its
// output matches `ready`; rejects with the output's tail if it exits first. Its stderr (diagnostics,
// errors) is passed on to ours.
import { spawn, type ChildProcess } from 'node:child_process';

export function startChild(args: string[], env: Record<string, string>, ready: RegExp, nodeArgs: string[] = []): Promise<{ child: ChildProcess; out: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (d: Buffer) => {
      out += d;
      if (ready.test(out)) resolve({ child, out: () => out });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.stderr!.pipe(process.stderr);
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out.slice(-2000)}`)));
  });
}

/** Sends SIGTERM and resolves once the process has exited (so what it writes at exit is written). */
export function stopChild(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  return exited;
}
