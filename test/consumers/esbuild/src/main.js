// The app: import weft by its package name, as any app would, and run the shared check.
import * as weft from 'weft';
import { runCheck } from './check.js';

runCheck(weft);
