import { createRuntime, WeftError } from '../../dist/runtime/index.js';
import { browserEnv } from './env.js';
import { imageSuite } from '../shared/image.js';

imageSuite(browserEnv({ createRuntime, WeftError }));
