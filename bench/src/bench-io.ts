/** Where the bench prints and what environment it reads (the CLI passes its own). */
export interface BenchIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}
