import { createRuntime, WeftError } from '../../dist/runtime/index.js';
import { nodeEnv } from './env.js';
import { runtimeSuite } from '../shared/runtime.js';

runtimeSuite(nodeEnv({ createRuntime, WeftError }));
