import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../config/env.js';
import { printAppSchema } from './schema.js';

export const SCHEMA_FILE = path.join(REPO_ROOT, 'packages/schema/schema.graphql');

const text = await printAppSchema();
fs.writeFileSync(SCHEMA_FILE, text);
console.log(`Wrote ${path.relative(process.cwd(), SCHEMA_FILE)} (${text.length} bytes)`);
