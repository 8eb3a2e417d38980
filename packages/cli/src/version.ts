import packageJson from '../package.json' with { type: 'json' };

/** This package's version, for `--version` and the User-Agent. */
export const VERSION: string = packageJson.version;
