import { createRuntime, WeftError } from '../../dist/runtime/index.js';
import { nodeEnv } from './env.js';
import { compositionSuite } from '../shared/composition.js';

compositionSuite(nodeEnv({ createRuntime, WeftError }));
