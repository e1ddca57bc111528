import client from 'prom-client';

export const jobsTotal = new client.Counter({
  name: 'uis_moysklad_jobs_total',
  help: 'Jobs handled by this process, by queue and outcome',
  labelNames: ['queue', 'outcome'] as const,
});

export const jobDuration = new client.Histogram({
  name: 'uis_moysklad_job_duration_seconds',
  help: 'Handler time per job',
  labelNames: ['queue'] as const,
  buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
});
