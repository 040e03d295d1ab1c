import { createRuntime, WeftError } from '../../dist/runtime/index.js';
import { browserEnv } from './env.js';
import { compositionSuite } from '../shared/composition.js';

compositionSuite(browserEnv({ createRuntime, WeftError }));
