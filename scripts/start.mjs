// `npm start [-- --port 7000 ...]`: build if needed, then run the server in this process.
import { ensureBuilt } from './ensure-built.mjs';

ensureBuilt();
const { main } = await import('../dist/src/cli.js');
await main(process.argv.slice(2));
