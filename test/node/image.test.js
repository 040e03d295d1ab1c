import { createRuntime, WeftError } from '../../dist/runtime/index.js';
import { nodeEnv } from './env.js';
import { imageSuite } from '../shared/image.js';

imageSuite(nodeEnv({ createRuntime, WeftError }));
