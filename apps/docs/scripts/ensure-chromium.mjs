#!/usr/bin/env node
// Installs Debian's chromium when /usr/bin/chromium is missing (the browser test calls
// the same function from its setup).
import { ensureChromium } from '../src/debian-packages.mjs';

console.log(`chromium: ${ensureChromium()}`);
