/**
 * `npm start`: a short tour of optlayers on the embedded default backend.
 * Each section lives in examples/tour/ and prints what it did.
 */
import { init } from 'optlayers';
import { tourSections } from './tour/sections.js';

const started = performance.now();
const choice = await init();
console.log(`optlayers tour — TensorFlow.js backend: ${choice.backend} (${choice.source}; ${choice.reason})\n`);
for (const section of tourSections) {
  const t0 = performance.now();
  console.log(`== ${section.title} ==`);
  await section.run();
  console.log(`   (${((performance.now() - t0) / 1000).toFixed(2)} s)\n`);
}
console.log(`tour finished in ${((performance.now() - started) / 1000).toFixed(1)} s`);
