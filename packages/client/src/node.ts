// @mindzie/client/node: helpers that need Node (its file system and HTTP client). Browser bundles never import this.

export type { DownloadedFile, DownloadToFileOptions } from './node/download-to-file.js';
export { downloadPackageToFile } from './node/download-to-file.js';
