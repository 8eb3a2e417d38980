// @mindzie/client/node: helpers that need Node (its file system and HTTP client). Browser bundles never import this.
export { downloadPackageToFile } from './node/download-to-file.js';
export type { DownloadToFileOptions, DownloadedFile } from './node/download-to-file.js';
