// @mindzie/client/node: helpers that need Node's file system. Browser bundles never import this.
export { downloadPackageToFile } from './node/download-to-file.js';
export type { DownloadToFileOptions, DownloadedFile } from './node/download-to-file.js';
