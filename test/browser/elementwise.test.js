import { createRuntime, WeftError } from '../../dist/runtime/index.js';
import { browserEnv } from './env.js';
import { elementwiseSuite } from '../shared/elementwise.js';

elementwiseSuite(browserEnv({ createRuntime, WeftError }));
