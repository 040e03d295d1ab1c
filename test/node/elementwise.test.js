import { createRuntime, WeftError } from '../../dist/runtime/index.js';
import { nodeEnv } from './env.js';
import { elementwiseSuite } from '../shared/elementwise.js';

elementwiseSuite(nodeEnv({ createRuntime, WeftError }));
