import { createRuntime, WeftError } from '../../dist/runtime/index.js';
import { browserEnv } from './env.js';
import { gemmSuite } from '../shared/gemm.js';

gemmSuite(browserEnv({ createRuntime, WeftError }));
