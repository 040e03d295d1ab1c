import { createRuntime, WeftError } from '../../dist/runtime/index.js';
import { browserEnv } from './env.js';
import { reductionsSuite } from '../shared/reductions.js';

reductionsSuite(browserEnv({ createRuntime, WeftError }));
