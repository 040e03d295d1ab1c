import { createRuntime, WeftError } from '../../dist/runtime/index.js';
import { nodeEnv } from './env.js';
import { dataSuite } from '../shared/data.js';

dataSuite(nodeEnv({ createRuntime, WeftError }));
