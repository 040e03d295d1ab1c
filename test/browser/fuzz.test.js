import { createRuntime, WeftError } from '../../dist/runtime/index.js';
import { browserEnv } from './env.js';
import { fuzzSuite } from '../shared/fuzz.js';

fuzzSuite(browserEnv({ createRuntime, WeftError }));
