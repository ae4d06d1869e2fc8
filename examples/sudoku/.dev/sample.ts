import { writeFileSync } from 'node:fs';
import { generatePuzzles } from '../generator.js';
import { Prng } from '../prng.js';
const pairs = generatePuzzles(new Prng(2024), 50);
const lines = (key: 'puzzle' | 'solution') => pairs.map((p) => `    ${JSON.stringify(p[key])}`).join(',\n');
writeFileSync('examples/sudoku/sample_puzzles.json', `{\n  "puzzles": [\n${lines('puzzle')}\n  ],\n  "solutions": [\n${lines('solution')}\n  ]\n}\n`);
