import { pathToFileURL } from "node:url";

/** Whether `moduleUrl` is the script node was started with — not a module a test or another script imported. */
export function isMain(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && moduleUrl === pathToFileURL(process.argv[1]).href;
}

/** Runs a script's `main`; a failure is printed (as `describe` renders it) and exits with code 1. */
export function runMain(main: () => Promise<void>, describe: (error: unknown) => unknown = (e) => e): void {
  main().catch((error: unknown) => {
    console.error(describe(error));
    process.exit(1);
  });
}

/** On Ctrl-C or SIGTERM: `stop` what the script started, then exit. */
export function exitOnSignal(stop: () => Promise<unknown>): void {
  const onSignal = () => void stop().then(() => process.exit(0));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
}
