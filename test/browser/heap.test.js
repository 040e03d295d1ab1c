import { createRuntime, WeftError } from '../../dist/runtime/index.js';
import { browserEnv } from './env.js';
import { heapSuite } from '../shared/heap.js';

heapSuite(browserEnv({ createRuntime, WeftError }));
