import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface PackageJson {
  name: string;
  version: string;
}

// This file sits directly under src/ (or dist/ once built), next to the project root.
const packageJson = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as PackageJson;

export const SERVICE_NAME = packageJson.name;
export const SERVICE_VERSION = packageJson.version;
