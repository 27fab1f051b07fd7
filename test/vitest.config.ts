import { integrationProject } from './integration-project.js';

export default integrationProject();
