import { createRuntime, WeftError } from '../../dist/runtime/index.js';
import { browserEnv } from './env.js';
import { determinismSuite } from '../shared/determinism.js';

determinismSuite(browserEnv({ createRuntime, WeftError }));
