import { createRuntime, WeftError } from '../../dist/runtime/index.js';
import { nodeEnv } from './env.js';
import { reductionsSuite } from '../shared/reductions.js';

reductionsSuite(nodeEnv({ createRuntime, WeftError }));
