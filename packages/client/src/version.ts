declare const __CLIENT_VERSION__: string | undefined;

/** This package's version, written in by the build (tsup `define`). */
export const VERSION: string = typeof __CLIENT_VERSION__ === 'string' ? __CLIENT_VERSION__ : '0.0.0-dev';
