import { createRuntime, WeftError } from '../../dist/runtime/index.js';
import { browserEnv } from './env.js';
import { errorsSuite } from '../shared/errors.js';

errorsSuite(browserEnv({ createRuntime, WeftError }));
