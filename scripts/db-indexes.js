#!/usr/bin/env node
// Syncs the database indexes with the models: `npm run db:indexes [-- --dry-run]`.
// Runs the compiled code in dist/ when current, else the source through ts-node.
'use strict';

require('./entry-point.js').requireEntryPoint('cli/db-indexes');
