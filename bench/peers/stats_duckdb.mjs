// DuckDB peer of the stats job: the same samples in DuckDB's own database file, GROUP BY
// parameter and time bucket with the same aggregates. Usage:
//   node stats_duckdb.mjs load SAMPLES.csv DB      (once: param,time,value with NaN as empty)
//   node stats_duckdb.mjs query DB BUCKET_NS RUNS  (prints one JSON line: median seconds, rows)
import { DuckDBInstance } from '@duckdb/node-api';

const [, , what, a, b, c] = process.argv;
if (what === 'load') {
  const db = await DuckDBInstance.create(b);
  const con = await db.connect();
  await con.run(`CREATE OR REPLACE TABLE samples AS SELECT * FROM read_csv('${a}',
      columns = {'param': 'INTEGER', 'time': 'BIGINT', 'value': 'DOUBLE'}, header = true)`);
  await con.run('CHECKPOINT');
  const n = await con.runAndReadAll('SELECT count(*) FROM samples');
  console.log(JSON.stringify({ loaded: Number(n.getRows()[0][0]) }));
} else if (what === 'query') {
  const db = await DuckDBInstance.create(a, { access_mode: 'READ_ONLY' });
  const con = await db.connect();
  const bucket = BigInt(b);
  const sql = `SELECT param, (time // ${bucket}) * ${bucket} AS bucket_start,
      count(value) AS count, count(*) - count(value) AS nan_count,
      min(value), max(value), avg(value), stddev_samp(value),
      arg_min(value, time) FILTER (WHERE value IS NOT NULL) AS first,
      arg_max(value, time) FILTER (WHERE value IS NOT NULL) AS last
    FROM samples GROUP BY ALL ORDER BY param, bucket_start`;
  const times = [];
  let rows = 0;
  const samples = Number((await con.runAndReadAll('SELECT count(*) FROM samples')).getRows()[0][0]);
  for (let i = 0; i < Number(c); i++) {
    const t0 = process.hrtime.bigint();
    const r = await con.runAndReadAll(sql);
    rows = r.getRows().length;
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  times.sort((x, y) => x - y);
  console.log(JSON.stringify({ seconds: times[Math.floor(times.length / 2)], rows, samples }));
}
