import { createRuntime, WeftError } from '../../dist/runtime/index.js';
import { nodeEnv } from './env.js';
import { heapSuite } from '../shared/heap.js';

heapSuite(nodeEnv({ createRuntime, WeftError }));
