/**
 * Report-miner throughput on one core (the issue asks ≥ 1,000 reports/s): the real OpenI reports when present,
 * else generated sample reports. `npm run bench:miner -- [reports folder or CSV]`.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ReportSections } from '../src/datasets/record.js';
import { sampleStudy } from '../src/datasets/sample/generate.js';
import { mineReport } from '../src/labels/reports/miner.js';
import { readReports } from '../src/labels/reports/sources.js';

const path = resolve(process.argv[2] ?? '../shared/data/openi-reports/ecgen-radiology');
const reports: ReportSections[] = [];
if (existsSync(path)) {
  for await (const event of readReports(path)) if ('report' in event) reports.push(event.report.report);
} else {
  for (let i = 1; i <= 3000; i++) reports.push(sampleStudy(1, i).report);
}
for (const report of reports.slice(0, 300)) mineReport(report); // warm the JIT
const rounds = 3;
const started = performance.now();
const cpuStarted = process.cpuUsage();
for (let round = 0; round < rounds; round++) for (const report of reports) mineReport(report);
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStarted);
// CPU time is the figure to compare on a shared machine: wall time also counts the time other processes hold the core.
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const mined = reports.length * rounds;
console.log(`${existsSync(path) ? path : 'generated sample reports'}: ${reports.length} reports × ${rounds}`);
console.log(
  `report miner: ${(mined / seconds).toFixed(0)} reports/s on one core (main thread, wall clock); ${(mined / cpuSeconds).toFixed(0)} reports per CPU-second`,
);
