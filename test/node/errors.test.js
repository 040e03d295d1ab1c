import { createRuntime, WeftError } from '../../dist/runtime/index.js';
import { nodeEnv } from './env.js';
import { errorsSuite } from '../shared/errors.js';

errorsSuite(nodeEnv({ createRuntime, WeftError }));
