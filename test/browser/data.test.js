import { createRuntime, WeftError } from '../../dist/runtime/index.js';
import { browserEnv } from './env.js';
import { dataSuite } from '../shared/data.js';

dataSuite(browserEnv({ createRuntime, WeftError }));
