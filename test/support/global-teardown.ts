/** Jest globalTeardown: stops the servers global-setup.ts started (their data stays for the next run). */
export default async function globalTeardown(): Promise<void> {
  await globalThis.servpingTestServers?.stop();
}
