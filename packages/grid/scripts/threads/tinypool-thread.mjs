// tinypool's threads do not pick up tsx from the main thread's execArgv (piscina's do): register it
// here, then load the TypeScript thread module. Built code (dist/*.js) needs none of this.
import { register } from 'tsx/esm/api';

register();
const { default: gridLoad } = await import('./tinypool-thread.ts');
export default gridLoad;
