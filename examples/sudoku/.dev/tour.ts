import { init } from '../../../src/init.js';
import { qpSection } from '../../tour/qp_section.js';
await init();
const t = performance.now();
console.log(qpSection.title);
await qpSection.run();
console.log(((performance.now() - t) / 1000).toFixed(2), 's');
