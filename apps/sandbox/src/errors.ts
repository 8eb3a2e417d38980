/** Bad input to the sandbox itself (a fixture, a fault, an admin call): the message names what was wrong. */
export class SandboxInputError extends Error {
  override name = 'SandboxInputError';
}
