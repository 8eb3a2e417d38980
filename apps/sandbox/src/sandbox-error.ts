// The body of the sandbox's own refusals (400, 405, 413, 415, 416, 431, unknown paths): its
// own words, the spec's `SandboxError` schema; never a framework's error code or message.
export interface SandboxErrorBody {
  error: string;
}

export function sandboxError(message: string): SandboxErrorBody {
  return { error: message };
}
