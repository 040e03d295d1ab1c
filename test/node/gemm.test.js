import { createRuntime, WeftError } from '../../dist/runtime/index.js';
import { nodeEnv } from './env.js';
import { gemmSuite } from '../shared/gemm.js';

gemmSuite(nodeEnv({ createRuntime, WeftError }));
