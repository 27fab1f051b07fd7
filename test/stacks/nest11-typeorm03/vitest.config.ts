import { integrationProject } from '../../integration-project.js';
import { testStack } from '../test-stacks.js';

// The whole integration suite again, on NestJS 11 + @nestjs/typeorm 11 + TypeORM 0.3.
export default integrationProject(testStack('nest11-typeorm03'));
