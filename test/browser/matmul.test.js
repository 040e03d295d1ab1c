import { createRuntime, WeftError } from '../../dist/runtime/index.js';
import { browserEnv } from './env.js';
import { matmulSuite } from '../shared/matmul.js';

matmulSuite(browserEnv({ createRuntime, WeftError }));
