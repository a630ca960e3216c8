// handlebars.js reference for the template benchmark: the same template and data, compiled
// once with noEscape (as the shared bench README specifies), rendered for a fixed time.
const fs = require('fs');
const path = require('path');
const Handlebars = require(process.env.HANDLEBARS_JS || '/usr/share/javascript/handlebars/handlebars.js');
const bench = process.argv[2];
const source = fs.readFileSync(path.join(bench, 'webhook-body.hbs'), 'utf8');
const data = JSON.parse(fs.readFileSync(path.join(bench, 'webhook-body.json'), 'utf8'));
const template = Handlebars.compile(source, { noEscape: true });
for (let i = 0; i < 20000; i++) template(data);
const seconds = Number(process.argv[3] || 3);
let n = 0;
const start = process.hrtime.bigint();
const end = start + BigInt(Math.round(seconds * 1e9));
let now = start;
while (now < end) {
  for (let i = 0; i < 1000; i++) template(data);
  n += 1000;
  now = process.hrtime.bigint();
}
const rate = n / (Number(now - start) / 1e9);
console.log(Math.round(rate));
