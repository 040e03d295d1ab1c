import { createRuntime, WeftError } from '../../dist/runtime/index.js';
import { nodeEnv } from './env.js';
import { determinismSuite } from '../shared/determinism.js';

determinismSuite(nodeEnv({ createRuntime, WeftError }));
