import { createRuntime, WeftError } from '../../dist/runtime/index.js';
import { browserEnv } from './env.js';
import { runtimeSuite } from '../shared/runtime.js';

runtimeSuite(browserEnv({ createRuntime, WeftError }));
