import { createRuntime, WeftError } from '../../dist/runtime/index.js';
import { nodeEnv } from './env.js';
import { matmulSuite } from '../shared/matmul.js';

matmulSuite(nodeEnv({ createRuntime, WeftError }));
