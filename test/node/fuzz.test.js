import { createRuntime, WeftError } from '../../dist/runtime/index.js';
import { nodeEnv } from './env.js';
import { fuzzSuite } from '../shared/fuzz.js';

fuzzSuite(nodeEnv({ createRuntime, WeftError }));
